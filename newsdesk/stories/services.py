"""The newsroom's rules for stories: saving with revisions, review, publishing, scheduling,
withdrawing, updates and corrections. Views call these; each writes the audit log."""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from newsdesk.audit.models import record
from newsdesk.live import events
from newsdesk.search import services as search

from . import body
from .models import Note, Revision, Story, StoryAuthor


class WorkflowError(Exception):
    """An action the story's state or the user's role does not allow; the message says why."""


class EditConflict(WorkflowError):
    """Someone else saved the story since this editor opened it."""

    def __init__(self, story, by_whom):
        self.story, self.by_whom = story, by_whom
        super().__init__(
            f"{by_whom or 'Someone'} saved this story while you were editing it. Your text is kept below: "
            "compare it with the latest version, then save again."
        )


def public_keys(pk, river_cut=None):
    """The surrogate keys of the pages that show story `pk` as the database has it now:
    none while readers cannot see it, its own page's while it is withdrawn."""
    from newsdesk.river import services as river

    row = Story.objects.filter(pk=pk).values("status", "published_at", "section_id", "withdrawn_reason").first()
    if row is None:
        return set()
    if row["status"] == Story.Status.WITHDRAWN:
        return {events.story_key(pk)}
    if row["status"] != Story.Status.PUBLISHED or row["published_at"] is None or row["published_at"] > timezone.now():
        return set()
    keys = {events.story_key(pk), events.ARCHIVE} | events.tag_keys(
        section_ids=[row["section_id"]],
        # Its people's pages, and its authors' (theirs list it too).
        person_ids=[*Story.people.through.objects.filter(story_id=pk).values_list("person_id", flat=True),
                    *StoryAuthor.objects.filter(story_id=pk).values_list("person_id", flat=True)],
        topic_ids=Story.topics.through.objects.filter(story_id=pk).values_list("topic_id", flat=True),
    )
    if river.shows(row["published_at"], river_cut or river.cut()):
        keys.add(events.RIVER)
    return keys


def announce(pk, before):
    """Record that story `pk` changed for readers, if it did: `before` is its public_keys
    from before the change, so pages that showed it and pages that now show it are purged."""
    keys = before | public_keys(pk)
    if keys:
        events.record("story", story_id=pk, keys=keys)


def can_publish(user):
    return user.has_perm("stories.publish_story")


def can_edit(user, story):
    """Editors edit everything; reporters their own stories while those are not live."""
    if user.has_perm("stories.edit_any_story"):
        return True
    return (
        user.has_perm("stories.change_story") and story.created_by_id == user.pk
        and story.status in (Story.Status.DRAFT, Story.Status.REVIEW)
    )


TAG_FIELDS = ("people", "topics", "authors")


def snapshot(story):
    data = {name: getattr(story, name) for name in Revision.FIELDS if name not in TAG_FIELDS}
    for name in ("published_at", "embargo_until"):
        data[name] = data[name].isoformat() if data[name] else None
    if story.pk:
        data["people"] = sorted(story.people.values_list("name", flat=True))
        data["topics"] = sorted(story.topics.values_list("name", flat=True))
        data["authors"] = author_names(story.pk)
    return data


def author_names(pk):
    """The names of story `pk`'s authors, in byline order."""
    return list(StoryAuthor.objects.filter(story_id=pk).order_by("position", "pk").values_list("person__name", flat=True))


def set_authors(story, authors):
    """Make `authors` (people, in byline order, each once) the story's authors."""
    ids = list(dict.fromkeys(getattr(person, "pk", person) for person in authors))
    if ids == list(StoryAuthor.objects.filter(story=story).order_by("position", "pk").values_list("person_id", flat=True)):
        return
    StoryAuthor.objects.filter(story=story).delete()
    StoryAuthor.objects.bulk_create(StoryAuthor(story=story, person_id=pk, position=n) for n, pk in enumerate(ids))


def link_named_people(story, people=None, *, shown=None):
    """Link the story to the known people its text names (by name or alias), besides
    `people` (the editor's choice; None keeps those it has).

    `shown` are the people the editor saw linked before this save: one of them named in
    the text but left out of `people` was unlinked on purpose, and stays unlinked on later
    saves until someone links them again by hand."""
    from newsdesk.people.services import people_named_in

    named = set(people_named_in(" ".join([story.headline, story.standfirst, story.text])))
    current = set(story.people.values_list("pk", flat=True))
    chosen = current if people is None else {getattr(p, "pk", p) for p in people}
    unlinked = set(story.unlinked_people.values_list("pk", flat=True))
    if people is not None:
        relinked = unlinked & chosen
        dropped = ({getattr(p, "pk", p) for p in shown} - chosen) & named if shown is not None else set()
        if relinked:
            story.unlinked_people.remove(*relinked)
        if dropped:
            story.unlinked_people.add(*dropped)
        unlinked = (unlinked - relinked) | dropped
    wanted = chosen | (named - unlinked)
    if wanted != current:
        story.people.set(wanted)


# A new name finds the stories naming it among this many at most (the newest first).
LINK_NAMED_AT_MOST = 5000


def link_where_named(person, names, *, by):
    """Link `person` to the stories that name them by one of `names` (their name when new,
    aliases just recorded), but those an editor unlinked them from. Their pages are purged
    and their search entries refreshed; the audit log says how many. Returns that number."""
    from newsdesk.people.services import Mention, MentionIndex

    names = [name for name in names if name.strip()]
    if not names:
        return 0
    index = MentionIndex([], [(name, Mention("person", person.pk, person.name)) for name in names])
    maybe = Q()
    for name in names:
        maybe |= Q(headline__icontains=name) | Q(standfirst__icontains=name) | Q(body__icontains=name)
    candidates = (Story.objects.filter(maybe).exclude(people=person).exclude(unlinked_people=person)
                  .order_by("-pk").only("pk", "headline", "standfirst", "body")[:LINK_NAMED_AT_MOST])
    found = [story.pk for story in candidates.iterator(chunk_size=500)
             if index.find(" ".join([story.headline, story.standfirst, story.text]), 1)]
    if not found:
        return 0
    with transaction.atomic():
        before = {pk: public_keys(pk) for pk in found}
        Story.people.through.objects.bulk_create(
            [Story.people.through(story_id=pk, person_id=person.pk) for pk in found], ignore_conflicts=True)
        search.refresh(found)
        events.record_many([("story", pk, None, keys) for pk in found if (keys := before[pk] | public_keys(pk))])
        record(by, "link-person", person, f"linked to {len(found)} stor{'y' if len(found) == 1 else 'ies'} naming them")
    return len(found)


def _keep_revision(story, by):
    Revision.objects.create(story=story, number=story.revision, data=snapshot(story), author=by)


@transaction.atomic
def save(story, *, by, base_revision=None, people=None, topics=None, authors=None, people_shown=None,
         action="save"):
    """Save an edited story and keep a revision of it.

    `base_revision` is the revision the editor started from: if someone saved since,
    nothing is written and EditConflict says so (no silent overwrite). `authors` are
    people in byline order (None leaves them as they are). The known people the text
    names are linked too, but those the editor unlinked (`people_shown`, link_named_people).
    """
    story.body = body.clean_html(story.body)
    before = public_keys(story.pk) if story.pk else set()
    if story.pk:
        # Lock the row: two saves at the same moment must not both pass the check.
        current = Story.objects.select_for_update().only("revision").get(pk=story.pk)
        if base_revision is not None and current.revision != base_revision:
            last = Revision.objects.filter(story=story).select_related("author").first()
            raise EditConflict(story, getattr(last and last.author, "username", ""))
        story.revision = current.revision + 1
    else:
        story.created_by = story.created_by or by
        story.revision = 1
    story.save()
    link_named_people(story, people, shown=people_shown)
    if topics is not None:
        story.topics.set(topics)
    if authors is not None:
        set_authors(story, authors)
    _keep_revision(story, by)
    record(by, action, story, f"revision {story.revision}")
    search.refresh([story.pk])
    announce(story.pk, before)
    return story


def _transition(story, *, by, action, note="", **fields):
    with transaction.atomic():
        # Lock the row: a save, an import or another action at the same moment waits, and
        # this one acts on the story as it is now, not as the editor's page loaded it.
        current = Story.objects.select_for_update().only("revision", "status").get(pk=story.pk)
        if current.status != story.status:
            raise WorkflowError(
                f"Someone else changed this story a moment ago (it is now {current.get_status_display().lower()}): "
                "nothing was done. Look at it again before you act.")
        before = public_keys(story.pk)
        for name, value in fields.items():
            setattr(story, name, value)
        story.revision = current.revision + 1
        story.save(update_fields=[*fields, "revision", "modified_at"])
        _keep_revision(story, by)
        record(by, action, story, note)
        search.refresh([story.pk])
        announce(story.pk, before)
    return story


def submit_for_review(story, *, by):
    if story.status not in (Story.Status.DRAFT, Story.Status.REVIEW):
        raise WorkflowError("Only a draft can be sent for review.")
    return _transition(story, by=by, action="submit", status=Story.Status.REVIEW)


def publish(story, *, by, at=None):
    """Publish now, or schedule for `at`; an embargo moves publishing to its end."""
    if not can_publish(by):
        raise WorkflowError("Only an editor can publish.")
    if not story.headline.strip() or not (story.body.strip() or story.is_brief):
        raise WorkflowError("A story needs a headline and a body before it is published.")
    now = timezone.now()
    at = at or now
    agency_embargo = wire_embargo(story.pk)
    if agency_embargo and agency_embargo > at:
        raise WorkflowError(
            f"The agency's copy this story is built on is under embargo until "
            f"{timezone.localtime(agency_embargo):%Y-%m-%d %H:%M}: it cannot be published or scheduled before then.")
    if story.embargo_until and story.embargo_until > at:
        at = story.embargo_until
    if at > now:
        return _transition(story, by=by, action="schedule", note=f"for {timezone.localtime(at):%Y-%m-%d %H:%M}",
                           status=Story.Status.SCHEDULED, published_at=at)
    first = story.status != Story.Status.PUBLISHED or not story.published_at
    return _transition(story, by=by, action="publish", status=Story.Status.PUBLISHED,
                       published_at=at if first else story.published_at, withdrawn_reason="")


def wire_embargo(pk):
    """The latest end of the agency embargoes on the wire copy story `pk` is built on, if any
    (read each time: an agency's later version may move or lift it)."""
    if not pk:
        return None
    from newsdesk.wire.models import WireItem

    return (WireItem.objects.filter(links__story_id=pk, embargoed__isnull=False)
            .order_by("-embargoed").values_list("embargoed", flat=True).first())


def unschedule(story, *, by):
    if story.status != Story.Status.SCHEDULED:
        raise WorkflowError("This story is not scheduled.")
    return _transition(story, by=by, action="unschedule", status=Story.Status.DRAFT)


def withdraw(story, *, by, reason):
    if not can_publish(by):
        raise WorkflowError("Only an editor can withdraw a story.")
    reason = " ".join(reason.split())
    if not reason:
        raise WorkflowError("Say why the story is withdrawn: readers see the reason.")
    return _transition(story, by=by, action="withdraw", note=reason, status=Story.Status.WITHDRAWN,
                       withdrawn_reason=reason[:300])


def withdraw_for_agency(story, *, reason):
    """A published story withdrawn because its agency killed the copy, when its channel is
    set to do so: readers see `reason`; the audit log names no one."""
    return _transition(story, by=None, action="withdraw", note=f"by the agency's kill: {reason}",
                       status=Story.Status.WITHDRAWN, withdrawn_reason=reason[:300])


def take_wire_version(pk, fields_for, *, people, topics, authors=(), link=None):
    """A changed wire version of imported story `pk`: `fields_for(story)` its fields as the
    import read them (given the saved story, for what the wire leaves out), `people`,
    `topics` and `authors` their ids, `link` the story a brief leads to (or None).

    Applied with a revision and an audit entry, if nobody changed the story in the newsroom
    since its last import; a withdrawn story stays withdrawn. Otherwise the editor's work
    stays as it is: the wire version is kept as a revision the editor can restore, and the
    import reports the conflict. The row is locked: the newsroom's actions and other imports
    wait. Returns (story, conflict), `conflict` being the new revision's number or None."""
    from newsdesk.people.models import Person, Topic

    story = Story.objects.select_for_update().get(pk=pk)
    fields = fields_for(story)
    changed_here = story.revision != story.imported_revision
    story.revision += 1
    if changed_here:
        wire = Story(**{f.attname: getattr(story, f.attname) for f in Story._meta.concrete_fields if f.attname != "id"})
        for name, value in fields.items():
            setattr(wire, name, value)
        data = snapshot(wire)
        data["people"] = sorted(Person.objects.filter(pk__in=people).values_list("name", flat=True))
        data["topics"] = sorted(Topic.objects.filter(pk__in=topics).values_list("name", flat=True))
        names = dict(Person.objects.filter(pk__in=authors).values_list("pk", "name"))
        data["authors"] = [names[pk] for pk in authors if pk in names]
        Revision.objects.create(story=story, number=story.revision, data=data, author=None)
        # Only what marks this wire version as seen: importing it again is "unchanged".
        Story.objects.filter(pk=pk).update(revision=story.revision, fingerprint=fields["fingerprint"],
                                           version=fields.get("version", story.version))
        record(None, "import-conflict", story,
               f"wire version kept as revision {story.revision}, not applied: changed in the newsroom since its last import")
        return story, story.revision
    if story.status == Story.Status.WITHDRAWN:
        fields = {**fields, "status": Story.Status.WITHDRAWN}
    status_before = story.status
    for name, value in fields.items():
        setattr(story, name, value)
    story.link = link if link is not None else story.link
    story.imported_revision = story.revision
    story.save()
    story.people.set(people)
    story.topics.set(topics)
    set_authors(story, authors)
    _keep_revision(story, None)
    note = f"wire version {story.version}".strip()
    if story.status != status_before:
        note += f"; status {status_before} → {story.status}"
    record(None, "import-update", story, note)
    search.refresh([story.pk])
    return story, None


def publish_due(now=None):
    """Publish scheduled stories whose time has come; returns those this call published.

    Each is claimed with a conditional UPDATE, so two processes running this at
    once never publish (or log) a story twice.
    """
    now = now or timezone.now()
    published = []
    for pk in Story.objects.filter(status=Story.Status.SCHEDULED, published_at__lte=now).values_list("pk", flat=True):
        if (embargo := wire_embargo(pk)) and embargo > now:
            continue  # the agency moved its embargo since: it waits
        with transaction.atomic():
            claimed = Story.objects.filter(pk=pk, status=Story.Status.SCHEDULED, published_at__lte=now).update(
                status=Story.Status.PUBLISHED, modified_at=timezone.now(), revision=F("revision") + 1)
            if claimed:
                story = Story.objects.get(pk=pk)
                _keep_revision(story, None)
                record(None, "publish", story, "scheduled time reached")
                search.refresh([pk])
                announce(pk, set())
                published.append(story)
    return published


def add_note(story, *, by, kind, text):
    """An update or a correction, shown on the story; it also moves the story's updated time."""
    text = " ".join((text or "").split())
    if not text:
        raise WorkflowError("Write the text of the note.")
    with transaction.atomic():
        note = Note.objects.create(story=story, kind=kind, text=text, author=by)
        Story.objects.filter(pk=story.pk).update(updated_at=note.created_at, modified_at=timezone.now())
        story.updated_at = note.created_at
        record(by, f"add-{kind}", story, text)
        announce(story.pk, set())
    return note


def restore(story, revision, *, by):
    """Bring back the content of an old revision as a new one (nothing is lost)."""
    from newsdesk.people.models import Person, Topic

    data = revision.data
    for name in ("kind", "headline", "standfirst", "body", "byline", "source", "section_id", "language",
                 "lead_picture_id", "comments_mode"):
        if name in data:
            setattr(story, name, data[name])
    people = [Person.named(n) for n in data.get("people", [])]
    topics = [Topic.named(n) for n in data.get("topics", [])]
    authors = None
    if "authors" in data:  # the authors of then who are still people (an older revision has none)
        known = {p.name.casefold(): p for p in Person.objects.filter(name__in=data["authors"])}
        authors = [known[n.casefold()] for n in data["authors"] if n.casefold() in known]
    return save(story, by=by, people=people, topics=topics, authors=authors, action="restore")


def publish_brief(text, *, by, person=None, topic=None):
    """The breaking-news composer: one to three sentences, out at once."""
    text = " ".join((text or "").split())
    if not text:
        raise WorkflowError("Write the brief first.")
    if len(text) > 600:
        raise WorkflowError(f"A brief is one to three sentences; this is {len(text)} characters (at most 600).")
    if not can_publish(by):
        raise WorkflowError("Only an editor can publish.")
    # Urgency 1 (flash), as agencies mark breaking news: the river makes it stand out.
    story = Story(kind=Story.Kind.BRIEF, headline=body.first_sentence(text), body=body.text_to_html(text),
                  status=Story.Status.DRAFT, urgency=1)
    save(story, by=by, people=[person] if person else [], topics=[topic] if topic else [], action="create")
    return publish(story, by=by)
