"""Saving imported stories: one shape for every source format, one place that writes.

Parsers (text.py, ninjs.py) turn a file into `StoryData`; `import_file` saves
them in one transaction, so a file imports whole or not at all.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from newsdesk.people.models import Person, Topic
from newsdesk.stories import body
from newsdesk.stories.models import Section, Story


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
        data = asdict(self)
        for key in ("published_at", "updated_at", "created_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


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


class TagCache:
    """People, topics and sections by name, kept across the files of one import run.

    A name made inside a file's transaction is kept only once that file commits:
    a rolled-back file must not leave the next one pointing at rows that are gone.
    """

    def __init__(self):
        self.known, self.pending = {}, {}

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

    def commit(self):
        self.known.update(self.pending)
        self.pending.clear()

    def rollback(self):
        self.pending.clear()


def save_story(data, cache=None):
    """Create or update the story `data` describes; an unchanged one is not written."""
    return _save(data, TagCache() if cache is None else cache, Story.objects.filter(guid=data.guid).first())


def _save(data, cache, story):
    """save_story, with the existing story of that guid (or None) already looked up."""
    fingerprint = data.fingerprint()
    if story is not None and story.fingerprint == fingerprint:
        return Outcome(story.kind, "unchanged", story)

    action = "updated" if story else "created"
    story = story or Story(guid=data.guid)
    story.kind = data.kind
    story.headline = data.headline[:300]
    story.standfirst = data.standfirst
    story.body = body.clean_html(data.body_html)
    story.byline = data.byline[:300]
    story.source = data.source[:200]
    story.section = cache.get(Section, data.section) if data.section else None
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
    story.save()
    people, topics = cache.tags(Person, data.people), cache.tags(Topic, data.topics)
    if action == "created":
        # A new story has no links yet: add them without reading any first.
        _link(Story.people.through, story, "person", people)
        _link(Story.topics.through, story, "topic", topics)
    else:
        story.people.set(people)
        story.topics.set(topics)
    return Outcome(story.kind, action, story)


def _link(through, story, field, tags):
    if tags:
        through.objects.bulk_create([through(story=story, **{field: tag}) for tag in tags])


def import_items(items, *, dry_run=False, cache=None):
    """Save parsed items (StoryData or Skipped) in one transaction: all or nothing."""
    cache = TagCache() if cache is None else cache
    outcomes = []
    guids = [item.guid for item in items if isinstance(item, StoryData)]
    try:
        with transaction.atomic():
            existing = {s.guid: s for s in Story.objects.filter(guid__in=guids)} if guids else {}
            for item in items:
                if isinstance(item, Skipped):
                    outcomes.append(Outcome(item.kind, "skipped", reason=item.reason))
                else:
                    outcomes.append(_save(item, cache, existing.get(item.guid)))
                    existing[item.guid] = outcomes[-1].story  # a guid may come twice in a file
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        cache.rollback()
        raise
    cache.rollback() if dry_run else cache.commit()
    return outcomes
