import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Value
from django.utils import timezone

from newsdesk.people.models import Person, Topic
from newsdesk.slugs import address, unique_slug

from . import body
from .prepared import PreparedQuery


BREAKING_FOR = datetime.timedelta(hours=2)


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True, blank=True, help_text="Made from the name when left empty.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the site's navigation.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Section, self.name, fallback="section", instance=self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("stories:section", self.slug)

    @classmethod
    def named(cls, name):
        name = " ".join(name.split())[:100]
        return cls.objects.filter(name__iexact=name).first() or cls.objects.create(name=name)


class StoryQuerySet(models.QuerySet):
    def published(self, now=None):
        """What readers may see: published, and its time has come."""
        return self.filter(status=Story.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def articles(self):
        return self.filter(kind=Story.Kind.ARTICLE)

    def by_or_about(self, person):
        """The stories `person` wrote or is linked to (each once)."""
        return self.filter(models.Q(pk__in=Story.people.through.objects.filter(person=person).values("story_id"))
                           | models.Q(pk__in=StoryAuthor.objects.filter(person=person).values("story_id")))

    def briefs(self):
        return self.filter(kind=Story.Kind.BRIEF)

    def for_page(self):
        """Published stories with what their own page shows."""
        return self.published().select_related("section", "link", "lead_picture").prefetch_related("people", "topics", "notes")

    def page(self, *, slug, kind):
        """The published story of this kind and slug with what its own page shows, or None:
        one query, a second for its people and topics, and a third for its notes only when
        it has any (most have none)."""
        found = _story_page(slug=slug, kind=kind, now=timezone.now())
        story = found[0] if found else None
        if story is not None:
            load_tags([story])
            if story.has_notes:
                models.prefetch_related_objects([story], "notes")
            else:
                _prefetched(story, "notes", [])
        return story

    def for_listing(self):
        """Published stories, newest first, with what a teaser shows."""
        return (
            self.published()
            .select_related("section", "lead_picture")
            .prefetch_related("people", "topics")
            .order_by("-published_at", "-pk")
        )


def _page_queryset(slug, kind, now):
    return (
        Story.objects.published(now).select_related("section", "link", "lead_picture")
        .annotate(has_notes=Exists(Note.objects.filter(story=OuterRef("pk"))))
        .filter(slug=slug, kind=kind)[:1]
    )


_story_page = PreparedQuery(_page_queryset, slug=str, kind=str, now=datetime.datetime)


def _tags_queryset(story_ids):
    """The people, topics and authors of the stories, as rows (kind, story id, id, name, slug,
    description, position): an author's position in the byline, 0 for the others."""
    fields = _TAG_FIELDS
    # One story's page asks with one id: compared with `=`, so that the prepared SQL fits.
    lookup = {"story_id": story_ids} if isinstance(story_ids, int) else {"story_id__in": story_ids}

    def side(kind, through, column, position=Value(0)):
        return through.objects.filter(**lookup).order_by().annotate(
            tag_kind=Value(kind), tag_id=F(f"{column}_id"),
            **{f"tag_{name}": F(f"{column}__{name}") for name in fields[1:]}, tag_position=position,
        ).values_list("tag_kind", "story_id", *(f"tag_{name}" for name in fields), "tag_position")

    return side("person", Story.people.through, "person").union(
        side("topic", Story.topics.through, "topic"), side("author", StoryAuthor, "person", F("position")),
        all=True).order_by("tag_name", "tag_id")


_one_story_tags = PreparedQuery(_tags_queryset, story_ids=int)
# A page of stories (search results, up to this many) asks with its ids padded to this many
# with the last one, so that the prepared SQL fits.
TAGS_PREPARED_FOR = 20


def _some_stories_tags_queryset(**ids):
    return _tags_queryset(list(ids.values()))


_some_stories_tags = PreparedQuery(_some_stories_tags_queryset, **{f"id{n}": int for n in range(TAGS_PREPARED_FOR)})


def load_tags(stories):
    """Read the people, topics and authors of `stories` in one query, where prefetch_related
    takes three: `story.people.all()`, `story.topics.all()` and `story.authors_in_order()`
    then ask nothing more. People and topics in the order of their model (by name), as the
    database sorts; authors in byline order."""
    stories = [story for story in stories if story is not None]
    if not stories:
        return stories
    ids = [story.pk for story in stories]
    if len(ids) == 1:
        rows = _one_story_tags(story_ids=ids[0])
    elif len(ids) <= TAGS_PREPARED_FOR:
        rows = _some_stories_tags(**{f"id{n}": ids[min(n, len(ids) - 1)] for n in range(TAGS_PREPARED_FOR)})
    else:
        rows = _tags_queryset(ids)
    found, db = {"person": {}, "topic": {}, "author": {}}, stories[0]._state.db or "default"
    models_of = {"person": Person, "topic": Topic, "author": Person}
    for kind, story_id, *values, position in rows:
        found[kind].setdefault(story_id, []).append((position, models_of[kind].from_db(db, _TAG_FIELDS, values)))
    for story in stories:
        _prefetched(story, "people", [tag for _, tag in found["person"].get(story.pk, [])])
        _prefetched(story, "topics", [tag for _, tag in found["topic"].get(story.pk, [])])
        authors = sorted(found["author"].get(story.pk, []), key=lambda row: row[0])
        _prefetched(story, "authors", [person for _, person in authors])
    return stories


_TAG_FIELDS = ["id", "name", "slug", "description"]


def _prefetched(story, name, objects):
    """Keep `objects` as what `story.<name>.all()` gives, as prefetch_related keeps them."""
    queryset = getattr(story, name).all()
    queryset._result_cache, queryset._prefetch_done = list(objects), True
    if not hasattr(story, "_prefetched_objects_cache"):
        story._prefetched_objects_cache = {}
    story._prefetched_objects_cache[name] = queryset


class Story(models.Model):
    """An article or a brief: one model, since readers meet both in the same river."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        BRIEF = "brief", "Brief"

    class Comments(models.TextChoices):
        DEFAULT = "", "Site default"
        OPEN = "open", "Open"
        PREMODERATED = "premoderated", "Pre-moderated (every comment waits for a moderator)"
        CLOSED = "closed", "Closed"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "Ready for review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    # Indexed by story_listing, which starts with it.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    headline = models.CharField(max_length=300)
    standfirst = models.TextField(blank=True, help_text="A sentence or two under the headline.")
    body = models.TextField(blank=True, help_text="Paragraphs, sub-headings, quotes, links and emphasis.")
    byline = models.CharField(max_length=300, blank=True, help_text="Guests and agencies only: the site's own authors are chosen as people.")
    source = models.CharField(max_length=200, blank=True, help_text="Credit for a wire agency, e.g. Tass.")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories")
    people = models.ManyToManyField(Person, blank=True, related_name="stories")
    # Who wrote it, in byline order; `byline` holds only what is not a known author (a guest, an agency).
    authors = models.ManyToManyField(Person, blank=True, through="StoryAuthor", related_name="authored")
    # People the text names whom an editor unlinked: a later save does not link them again.
    unlinked_people = models.ManyToManyField(Person, blank=True, related_name="+")
    topics = models.ManyToManyField(Topic, blank=True, related_name="stories")
    # link, lead_picture and created_by are empty on most stories (every imported one): their
    # indexes (Meta) leave the empty ones out, so that writing a story does not touch them.
    link = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
        help_text="For a brief: the full article it leads to.",
    )
    language = models.CharField(max_length=35, blank=True, help_text="BCP 47 tag, e.g. en, de, nb.")
    urgency = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 (most urgent) to 9.")
    slug = models.SlugField(max_length=100, unique=True, blank=True, help_text="Made from the headline when left empty.")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(null=True, blank=True, help_text="When the story last changed for readers.")
    created_at = models.DateTimeField(default=timezone.now, help_text="When the story was first written.")
    modified_at = models.DateTimeField(auto_now=True)
    # Where an imported story came from: its ninjs uri or a key made from its text.
    guid = models.CharField(max_length=500, unique=True, null=True, blank=True)
    version = models.CharField(max_length=50, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, help_text="Hash of the imported content.")
    pictures = models.JSONField(default=list, blank=True, help_text="Picture references from the source.")
    lead_picture = models.ForeignKey("pictures.Picture", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     db_index=False)
    comments_mode = models.CharField(
        "comments", max_length=12, choices=Comments.choices, default=Comments.DEFAULT, blank=True,
        help_text="Open, pre-moderated or closed; the site default when left empty (briefs: closed unless set).",
    )
    embargo_until = models.DateTimeField(null=True, blank=True, help_text="Not to be published before this time.")
    withdrawn_reason = models.CharField(max_length=300, blank=True, help_text="Shown to readers where the story was.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False)
    # Goes up with every newsroom save: a save based on an older number is an edit conflict.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # The revision the last import wrote: a story whose revision has moved on since was
    # changed in the newsroom, and a new wire version does not overwrite it.
    imported_revision = models.PositiveIntegerField(default=0, editable=False)
    # Approved comments, kept by the comments app so that teasers need no count query.
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("publish_story", "Can publish, schedule and withdraw stories"),
            ("edit_any_story", "Can edit stories written by others"),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "-published_at"], name="story_listing"),
            # What the search checks of each of its candidates (what readers may see, and the
            # section): read from this index, not from the stories' rows, spread over the table.
            models.Index(fields=["id", "published_at", "status", "section"], name="story_search"),
            *(models.Index(fields=[name], name=f"story_{name}", condition=models.Q(**{f"{name}__isnull": False}))
              for name in ("link", "lead_picture", "created_by")),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Story, self.headline, fallback=self.kind, instance=self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return story_url(self.kind, self.slug)

    def authors_in_order(self):
        """The story's authors in byline order (as load_tags or a preview left them, if they did)."""
        cached = getattr(self, "_prefetched_objects_cache", {}).get("authors")
        if cached is not None:
            return list(cached)
        if not self.pk:
            return []
        return [row.person for row in StoryAuthor.objects.filter(story=self).select_related("person")]

    @property
    def byline_text(self):
        """The free-text byline (guests, agencies) without a leading "By"."""
        text = " ".join(self.byline.split())
        return text[3:] if text[:3].lower() == "by " else text

    @property
    def comment_policy(self):
        """open, premoderated or closed: this story's setting, else the site's default."""
        if self.comments_mode:
            return self.comments_mode
        if self.is_brief and not settings.COMMENTS_ON_BRIEFS:
            return self.Comments.CLOSED
        return settings.COMMENTS_DEFAULT_MODE

    @property
    def is_breaking(self):
        """A flash or urgent brief (urgency 1-2) for two hours after it went out: the river
        makes it stand out."""
        return (self.is_brief and self.urgency is not None and self.urgency <= 2 and self.published_at is not None
                and timezone.now() - self.published_at < BREAKING_FOR)

    @property
    def is_brief(self):
        return self.kind == self.Kind.BRIEF

    @property
    def is_live(self):
        return self.status == self.Status.PUBLISHED and self.published_at and self.published_at <= timezone.now()

    @property
    def label(self):
        """The person or topic a teaser is labelled with: the first person, else the first topic."""
        people = list(self.people.all())
        if people:
            return people[0]
        topics = list(self.topics.all())
        return topics[0] if topics else None

    @property
    def text(self):
        return body.html_to_text(self.body)

    @property
    def summary(self):
        return self.standfirst or body.summary_of(self.body or "", 220)

    @property
    def lang(self):
        """The story's language where it differs from the site's, for a `lang` attribute."""
        if self.language and self.language.lower() != settings.LANGUAGE_CODE.lower():
            return self.language
        return ""

    @property
    def last_updated(self):
        """The time shown as "Updated", when it is later than publishing."""
        if self.updated_at and self.published_at and self.updated_at > self.published_at:
            return self.updated_at
        return None

    @property
    def own_headline(self):
        """The headline, unless it only repeats the opening of a brief's text (as the breaking
        brief and the importers make it): a brief's page then shows its text once, alone."""
        if not self.is_brief:
            return self.headline
        opening = " ".join(self.headline.split()).rstrip("…").rstrip()
        return "" if " ".join(self.text.split()).startswith(opening) else self.headline

    @property
    def publishes_at(self):
        """When readers see the story (or will: a scheduled one's time to come); None while
        it has no time yet (a draft, a story under review), as its preview says."""
        if self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED):
            return self.published_at
        return None


def story_url(kind, slug):
    """A story's URL from its kind and slug alone (lists and imports ask for thousands)."""
    return address("stories:brief" if kind == Story.Kind.BRIEF else "stories:article", slug)


class StoryAuthor(models.Model):
    """One author of a story, at their place in the byline."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["story", "person"], name="one_author_once")]

    def __str__(self):
        return f"{self.person} ({self.story_id})"


class Revision(models.Model):
    """A story as it was saved: every newsroom save keeps one."""

    FIELDS = ["kind", "headline", "standfirst", "body", "authors", "byline", "source", "section_id", "language", "comments_mode",
              "people", "topics", "status", "published_at", "embargo_until", "lead_picture_id"]

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["story", "number"], name="one_revision_number")]

    def __str__(self):
        return f"{self.story} (revision {self.number})"


class Note(models.Model):
    """An update or a correction, shown to readers on the story with its time."""

    class Kind(models.TextChoices):
        UPDATE = "update", "Update"
        CORRECTION = "correction", "Correction"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
