"""Saving imported stories: one shape for every source format, one place that writes.

Parsers (text.py, ninjs.py) turn a file into `StoryData`; `import_items` saves
them in one transaction, so a file imports whole or not at all. The new stories
of a file are written together: one query finds the file's stories already
saved and the slugs already taken, one insert writes the new stories and one
per table their people and topic links; a changed story is updated on its own.
"""

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from newsdesk.people.models import Person, Topic
from newsdesk.slugs import SlugPicker, slug_candidates, slugify
from newsdesk.stories import body
from newsdesk.stories.models import Section, Story

# Names asked for in one query (a long OR of case-insensitive matches; SQLite caps its depth).
LOOKUP_CHUNK = 200
# Stories of one file whose guids and slugs are looked up in one query (parameters: 11 a story).
STORY_CHUNK = 500


class ImportFailed(Exception):
    """A file that cannot be imported: where, and why."""

    def __init__(self, path, line, reason):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{self.path}:{line}: {reason}" if line else f"{self.path}: {reason}")


@dataclass
class StoryData:
    """One story as a source gives it, before it touches the database."""

    guid: str
    kind: str
    headline: str
    body_html: str = ""  # cleaned by `save_story`; never trusted as given
    standfirst: str = ""
    byline: str = ""
    source: str = ""
    section: str = ""
    people: list = field(default_factory=list)  # names
    topics: list = field(default_factory=list)  # names
    language: str = ""
    urgency: int | None = None
    status: str = Story.Status.PUBLISHED
    published_at: datetime | None = None
    updated_at: datetime | None = None
    created_at: datetime | None = None
    version: str = ""
    pictures: list = field(default_factory=list)
    link_guid: str = ""  # a brief's full article, by its guid in the same import

    def fingerprint(self):
        # The fields as dataclasses.asdict gives them (same JSON, same hash), without its deep copies.
        data = {name: getattr(self, name) for name in _FIELDS}
        for key in ("published_at", "updated_at", "created_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def slug_base(self):
        """The slug Story.save would start from for this story's headline."""
        return slugify(self.headline[:300]) or self.kind


_FIELDS = tuple(f.name for f in fields(StoryData))


@dataclass
class Outcome:
    """What happened to one item of a file: created, updated, unchanged or skipped."""

    kind: str
    action: str
    story: Story | None = None
    reason: str = ""

    def as_json(self):
        data = {
            "kind": self.kind,
            "id": self.story.pk if self.story else None,
            "url": self.story.get_absolute_url() if self.story else None,
            "action": self.action,
        }
        if self.reason:
            data["reason"] = self.reason
        return data


class Skipped(Exception):
    """An item a parser recognises but Newsdesk does not publish (a picture-only item, say)."""

    def __init__(self, kind, reason):
        self.kind, self.reason = kind, reason
        super().__init__(reason)


def _clean_name(model, name):
    """A name as `model.named` stores it: single spaces, cut to the field's length."""
    return " ".join(name.split())[: model._meta.get_field("name").max_length]


class TagCache:
    """People, topics and sections by name, kept across the files of one import run.

    A name made inside a file's transaction is kept only once that file commits:
    a rolled-back file must not leave the next one pointing at rows that are gone.
    Names looked up and not found are remembered too (`absent`), but only to tell
    a text page's labels apart (`has`); making a tag always asks the database again.
    """

    def __init__(self):
        self.known, self.pending, self.absent = {}, {}, set()

    def get(self, model, name):
        key = (model, name.lower())
        tag = self.known.get(key) or self.pending.get(key)
        if tag is None:
            tag = self.pending[key] = model.named(name)
        return tag

    def tags(self, model, names):
        tags = []
        for name in names:
            name = " ".join((name or "").split())
            tag = self.get(model, name) if name else None
            if tag is not None and tag not in tags:
                tags.append(tag)
        return tags

    def has(self, model, name):
        """True if a tag of this name is known, False if looked up and not found, None if not asked."""
        key = (model, name.lower())
        if key in self.known or key in self.pending:
            return True
        return False if key in self.absent else None

    def look_up(self, model, names, *, trust_absent=True, into=None):
        """Ask the database, in one query, for the names of `model` not known yet; the tags
        found go `into` known (outside a file's transaction) or pending (the default)."""
        into = self.pending if into is None else into
        wanted = {}
        for name in names:
            key = (model, name.lower())
            if key in self.known or key in self.pending or (trust_absent and key in self.absent):
                continue
            clean = _clean_name(model, name)
            if clean:
                wanted.setdefault(clean.lower(), (clean, []))[1].append(key)
        items = list(wanted.items())
        for start in range(0, len(items), LOOKUP_CHUNK):
            chunk = dict(items[start : start + LOOKUP_CHUNK])
            match = reduce(or_, (Q(name__iexact=clean) for clean, _ in chunk.values()))
            found = {}
            for tag in model.objects.filter(match).order_by("name"):  # as `named`: the first by name
                found.setdefault(tag.name.lower(), tag)
            for lower, (_, keys) in chunk.items():
                tag = found.get(lower)
                for key in keys:
                    if tag is None:
                        self.absent.add(key)
                    else:
                        into[key] = tag
                        self.absent.discard(key)
        return wanted

    def resolve(self, model, names):
        """Every name of `model` in the cache: the new ones found with one query, and those
        not in the database made with one query for their slugs and one insert."""
        names = [n for n in (" ".join((name or "").split()) for name in names) if n]
        if not names:
            return
        self.look_up(model, names, trust_absent=False)
        missing = {}
        for name in names:
            key = (model, name.lower())
            if key not in self.known and key not in self.pending:
                missing.setdefault(_clean_name(model, name).lower(), (_clean_name(model, name), []))[1].append(key)
        if not missing:
            return
        if not connection.features.can_return_rows_from_bulk_insert:
            for clean, keys in missing.values():
                for key in keys:
                    self.get(model, clean)
            return
        fallback = getattr(model, "fallback_slug", model._meta.model_name)
        bases = {clean: slugify(clean) or fallback for clean, _ in missing.values()}
        slugs = SlugPicker(model, bases.values())
        new = [model(name=clean, slug=slugs.pick(bases[clean])) for clean, _ in missing.values()]
        _insert(new)
        for tag, (_, keys) in zip(new, missing.values()):
            for key in keys:
                self.pending[key] = tag

    def commit(self):
        self.known.update(self.pending)
        self.pending.clear()

    def rollback(self):
        self.pending.clear()


def save_story(data, cache=None):
    """Create or update the story `data` describes; an unchanged one is not written."""
    return _save(data, TagCache() if cache is None else cache, Story.objects.filter(guid=data.guid).first())


def _fill(story, data, cache, fingerprint, action):
    """Set `story`'s fields from `data`, as a new story (created) or a changed one (updated)."""
    story.kind = data.kind
    story.headline = data.headline[:300]
    story.standfirst = data.standfirst
    story.body = body.clean_html(data.body_html)
    story.byline = data.byline[:300]
    story.source = data.source[:200]
    story.section = cache.get(Section, " ".join(data.section.split())) if data.section else None
    story.language = data.language[:35]
    story.urgency = data.urgency
    story.status = data.status
    # No time given: now for a new story, and an existing one keeps its own.
    story.published_at = data.published_at or story.published_at or timezone.now()
    story.created_at = data.created_at or data.published_at or timezone.now()
    story.updated_at = data.updated_at if action == "created" else (data.updated_at or timezone.now())
    story.version = data.version[:50]
    story.pictures = data.pictures
    story.fingerprint = fingerprint
    if data.link_guid:
        story.link = Story.objects.filter(guid=data.link_guid).first()


def _save(data, cache, story, fingerprint=None):
    """save_story, with the existing story of that guid (or None) already looked up."""
    fingerprint = fingerprint or data.fingerprint()
    if story is not None and story.fingerprint == fingerprint:
        return Outcome(story.kind, "unchanged", story)

    action = "updated" if story else "created"
    story = story or Story(guid=data.guid)
    _fill(story, data, cache, fingerprint, action)
    story.save()
    people, topics = cache.tags(Person, data.people), cache.tags(Topic, data.topics)
    if action == "created":
        # A new story has no links yet: add them without reading any first.
        _link(Story.people.through, [(story, people)], "person")
        _link(Story.topics.through, [(story, topics)], "topic")
    else:
        story.people.set(people)
        story.topics.set(topics)
    return Outcome(story.kind, action, story)


def _link(through, pairs, field, *, fast=False):
    """Links of new stories to their tags, in one insert: pairs of (story, tags)."""
    links = [through(story=story, **{field: tag}) for story, tags in pairs for tag in tags]
    if links:
        _insert(links, returning=False) if fast else through.objects.bulk_create(links)


def _insert(objs, *, returning=True):
    """New rows of one model in one INSERT per batch, ids read back with RETURNING (where
    `can_return_rows_from_bulk_insert`): the SQL bulk_create writes for plain fields, without
    the cost of building it through the ORM, which is most of the time of a small insert."""
    meta = type(objs[0])._meta
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    qn = connection.ops.quote_name
    suffix = connection.ops.return_insert_columns([meta.pk])[0] if returning else ""
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(connection.ops.bulk_batch_size(fields, objs), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            sql = "INSERT INTO {} ({}) VALUES {} {}".format(
                qn(meta.db_table), ", ".join(qn(f.column) for f in fields), ", ".join([row] * len(batch)), suffix
            )
            # As the insert compiler does: pre_save (auto_now and the like), then the database's form.
            cursor.execute(sql, [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in batch for f in fields])
            ids = cursor.fetchall() if returning else [(None,)] * len(batch)
            for obj, (pk,) in zip(batch, ids):
                if returning:
                    obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias


# What the lookup of a file's stories reads: enough to tell an unchanged story and to
# report it (its other fields load if asked for); a story that changes is read whole.
# (In the model's order of fields, as Model.from_db takes them.)
_LOOKUP_FIELDS = [f.attname for f in Story._meta.concrete_fields if f.attname in {"id", "guid", "slug", "kind", "fingerprint"}]
_GUID, _SLUG = _LOOKUP_FIELDS.index("guid"), _LOOKUP_FIELDS.index("slug")


def _stories_by_guid_or_slug(guids, slugs):
    """Rows (_LOOKUP_FIELDS) of the stories with one of these guids or slugs: both indexed.
    Plain SQL: the ORM would spend more building this query than the database answering it."""
    qn = connection.ops.quote_name
    sql = "SELECT {} FROM {} WHERE {} IN ({}) OR {} IN ({})".format(
        ", ".join(qn(Story._meta.get_field(name).column) for name in _LOOKUP_FIELDS),
        qn(Story._meta.db_table),
        qn(Story._meta.get_field("guid").column), ", ".join(["%s"] * len(guids)),
        qn(Story._meta.get_field("slug").column), ", ".join(["%s"] * len(slugs)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*guids, *slugs])
        return cursor.fetchall()


class _FileWriter:
    """The saving of one file's stories, inside its transaction.

    New stories wait in `new` and are written together by `flush`: at the end, or
    before something needs them in the database (a later item of the same guid
    that changes it, a link to a story by guid).
    """

    def __init__(self, stories, cache):
        self.cache, self.new = cache, []
        self.existing, taken, probed = {}, set(), set()
        guids = list(dict.fromkeys(s.guid for s in stories))
        bases = {s.guid: s.slug_base() for s in stories}
        for start in range(0, len(guids), STORY_CHUNK):
            chunk = guids[start : start + STORY_CHUNK]
            candidates = list(dict.fromkeys(slug for guid in chunk for slug in slug_candidates(bases[guid])))
            for row in _stories_by_guid_or_slug(chunk, candidates):
                if row[_GUID] in bases:
                    self.existing[row[_GUID]] = Story.from_db(connection.alias, _LOOKUP_FIELDS, row)
                taken.add(row[_SLUG])
            probed.update(candidates)
        self.slugs = SlugPicker(Story, taken=taken, probed=probed)
        self.bulk = connection.features.can_return_rows_from_bulk_insert

    def plan(self, stories):
        """The fingerprint of each story, and which will be written (not unchanged); the
        saved stories that will change are read whole, with one query."""
        fingerprints, written, state = [], [], {g: s.fingerprint for g, s in self.existing.items()}
        for data in stories:
            fingerprints.append(data.fingerprint())
            if state.get(data.guid) != fingerprints[-1]:
                written.append(data)
            state[data.guid] = fingerprints[-1]
        changed = {data.guid for data in written if data.guid in self.existing}
        if changed:
            self.existing.update((s.guid, s) for s in Story.objects.filter(guid__in=changed).order_by())
        return fingerprints, written

    def save(self, data, fingerprint):
        story = self.existing.get(data.guid)
        if story is not None and story.pk is None:  # a story of this guid earlier in the file, not yet written
            if story.fingerprint == fingerprint:
                return Outcome(story.kind, "unchanged", story)
            self.flush()
        if story is not None or not self.bulk:
            outcome = _save(data, self.cache, story, fingerprint)
        else:
            if data.link_guid:
                self.flush()  # the story it links to may be one of the waiting ones
            story = Story(guid=data.guid)
            _fill(story, data, self.cache, fingerprint, "created")
            story.slug = self.slugs.pick(data.slug_base())
            self.new.append((story, self.cache.tags(Person, data.people), self.cache.tags(Topic, data.topics)))
            outcome = Outcome(story.kind, "created", story)
        self.existing[data.guid] = outcome.story  # a guid may come twice in a file
        return outcome

    def flush(self):
        if not self.new:
            return
        _insert([story for story, _, _ in self.new])
        _link(Story.people.through, [(story, people) for story, people, _ in self.new], "person", fast=True)
        _link(Story.topics.through, [(story, topics) for story, _, topics in self.new], "topic", fast=True)
        self.new = []


def import_items(items, *, dry_run=False, cache=None):
    """Save parsed items (StoryData or Skipped) in one transaction: all or nothing."""
    cache = TagCache() if cache is None else cache
    outcomes = []
    stories = [item for item in items if isinstance(item, StoryData)]
    try:
        with transaction.atomic():
            if stories:
                writer = _FileWriter(stories, cache)
                fingerprints, written = writer.plan(stories)
                # The tags of the stories to be written, found or made a model at a time.
                cache.resolve(Section, [data.section for data in written if data.section])
                cache.resolve(Person, [name for data in written for name in data.people])
                cache.resolve(Topic, [name for data in written for name in data.topics])
                fingerprints = iter(fingerprints)
            for item in items:
                if isinstance(item, Skipped):
                    outcomes.append(Outcome(item.kind, "skipped", reason=item.reason))
                else:
                    outcomes.append(writer.save(item, next(fingerprints)))
            if stories:
                writer.flush()
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        cache.rollback()
        raise
    cache.rollback() if dry_run else cache.commit()
    return outcomes
