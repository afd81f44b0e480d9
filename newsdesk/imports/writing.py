"""The writing of one file's stories, inside its transaction (`_FileWriter`).

A file's stories already saved are found in one lookup; a changed one is updated through
the ORM, new ones wait as plain rows and are written together (on PostgreSQL, with their
links, by one statement), and the live events of the stories written are gathered for
the transaction's record. services.py decides which way a file goes and owns the
transactions.
"""

import functools

from django.db import connection
from django.db.models import Subquery
from django.utils import timezone

from newsdesk.live import events
from newsdesk.live.models import Event
from newsdesk.people.models import Person, Topic
from newsdesk.river import services as river
from newsdesk.search import services as search
from newsdesk.slugs import SlugPicker, slug_candidates
from newsdesk.stories import services as stories
from newsdesk.stories.models import Section, Story, StoryAuthor

from .items import Outcome
from .sql import _GUID, _ID, _KIND, _LOOKUP_FIELDS, _PRINT, _SLUG, _at_once_sql, _stories_by_guid_or_slug, _table


# Stories of one file whose guids and slugs are looked up in one query (parameters: 5 a story).
STORY_CHUNK = 500
# Files of at most this many stories may be written in one statement (_import_at_once).
AT_ONCE_STORIES = 50


def _values(data, cache, fingerprint, story=None):
    """A story's fields (attnames) from `data`: new, or changing the saved `story`."""
    now = timezone.now()
    return {
        "kind": data.kind,
        "headline": data.headline[:300],
        "standfirst": data.standfirst,
        "body": data.clean_body(),
        "byline": data.byline[:300],
        "source": data.source[:200],
        "section_id": cache.id(Section, data.section) if data.section.strip() else None,
        "language": data.language[:35],
        "urgency": data.urgency,
        "status": data.status,
        # No time given: now for a new story, and a saved one keeps its own.
        "published_at": data.published_at or (story and story.published_at) or now,
        "created_at": data.created_at or data.published_at or now,
        "updated_at": data.updated_at if story is None else (data.updated_at or now),
        "modified_at": now,
        "version": data.version[:50],
        "pictures": data.pictures,
        "fingerprint": fingerprint,
    }


class _FileWriter:
    """The saving of one file's stories, inside its transaction.

    New stories wait in `new` as rows and are written together by `flush`: at the
    end, or before something needs them in the database (a later item of the same
    guid). `saved` holds, for each guid of the file already saved or waiting, its
    fingerprint and the outcome a later unchanged item of that guid reports. `events`
    holds, for each story written that readers see or saw, the keys of the pages that
    show it, for the transaction's record (event_rows).
    """

    def __init__(self, stories, cache, cursor, *, look_up=True, index=None):
        self.cache, self.cursor, self.new, self.links, self.saved = cache, cursor, [], [], {}
        self.index = Index() if index is None else index  # the stories to index, for the transaction
        self.authors = {}  # guid of a new story -> its authors' ids, in byline order
        self.data = {}  # guid of a new story -> its StoryData (retag)
        self.events = {}  # story id -> surrogate keys
        self.bases = {data.guid: data.slug_base() for data in stories}
        guids, taken, probed = list(self.bases), set(), set()
        if not look_up:  # written as if new, each story on its base slug (write_at_once with `guard`)
            probed = {slug for base in self.bases.values() for slug in slug_candidates(base)}
            guids = []
        for start in range(0, len(guids), STORY_CHUNK):
            chunk = guids[start : start + STORY_CHUNK]
            candidates = list(dict.fromkeys(slug for guid in chunk for slug in slug_candidates(self.bases[guid])))
            for row in _stories_by_guid_or_slug(cursor, chunk, candidates):
                if row[_GUID] in self.bases:
                    outcome = Outcome(row[_KIND], "unchanged", pk=row[_ID], slug=row[_SLUG],
                                      make=functools.partial(Story.from_db, connection.alias, _LOOKUP_FIELDS, row))
                    self.saved[row[_GUID]] = (row[_PRINT], outcome)
                taken.add(row[_SLUG])
            probed.update(candidates)
        self.slugs = SlugPicker(Story, taken=taken, probed=probed)

    def written(self, stories):
        """The stories that will be written: not unchanged from what is saved or came before."""
        written, state = [], {guid: fingerprint for guid, (fingerprint, _) in self.saved.items()}
        for data in stories:
            if state.get(data.guid) != data.fingerprint():
                written.append(data)
            state[data.guid] = data.fingerprint()
        return written

    def save(self, data):
        fingerprint = data.fingerprint()
        if data.guid in self.saved:  # saved before, or earlier in this file
            if self.saved[data.guid][1].pk is None:
                self.flush()
            earlier, first = self.saved[data.guid]
            if earlier == fingerprint:
                return Outcome(first.kind, "unchanged", pk=first.pk, slug=first.slug, make=lambda: first.story)
            outcome = self._update(data, fingerprint, first.pk)
        else:
            values = _values(data, self.cache, fingerprint)
            values.update(guid=data.guid, slug=self.slugs.pick(self.bases[data.guid]))
            outcome = Outcome(data.kind, "created", slug=values["slug"])
            outcome._make = lambda: Story(id=outcome.pk, **values)
            self.new.append((values, self.cache.ids(Person, data.people), self.cache.ids(Topic, data.topics), outcome))
            self.data[data.guid] = data
            if data.authors:
                self.authors[data.guid] = self.cache.ids(Person, data.authors)
            if data.link_guid:
                self.links.append((outcome, data.link_guid))
        self.saved[data.guid] = (fingerprint, outcome)
        return outcome

    def retag(self):
        """The ids of the waiting new stories' section, people and topics again, once the
        tags they name that were not known are made (services._Wanted)."""
        for n, (values, _, _, outcome) in enumerate(self.new):
            data = self.data[values["guid"]]
            values["section_id"] = self.cache.id(Section, data.section) if data.section.strip() else None
            self.new[n] = (values, self.cache.ids(Person, data.people), self.cache.ids(Topic, data.topics), outcome)

    def _update(self, data, fingerprint, pk):
        # The pages that showed it before (its old tags too) and those that show it now.
        before = stories.public_keys(pk, self.cache.river_cut())
        link = Story.objects.filter(guid=data.link_guid).first() if data.link_guid else None
        story, conflict = stories.take_wire_version(
            pk, lambda saved: _values(data, self.cache, fingerprint, saved), link=link,
            people=self.cache.ids(Person, data.people), topics=self.cache.ids(Topic, data.topics),
            authors=self.cache.ids(Person, data.authors),
        )
        if conflict:
            return Outcome(story.kind, "conflict", pk=story.pk, slug=story.slug, story=story, reason=(
                f"story {story.pk} ({story.slug}) was changed in the newsroom since its last import: "
                f"kept as it is; the new wire version is its revision {conflict}, to restore if wanted"))
        self.index.changed.add(pk)
        self._event(pk, before | stories.public_keys(pk, self.cache.river_cut()))
        return Outcome(story.kind, "updated", pk=story.pk, slug=story.slug, story=story)

    def _event(self, pk, keys):
        if keys:
            self.events.setdefault(pk, set()).update(keys)

    def event_rows(self):
        """The live events of the stories written, one a story: rows for events.record_many."""
        return [(Event.Kind.STORY, pk, None, keys) for pk, keys in self.events.items()]

    def flush(self):
        # On PostgreSQL, the new stories and their links in one statement (their guids were looked up).
        if self.new and self.cursor.db.vendor == "postgresql" and len(self.new) <= AT_ONCE_STORIES:
            self.write_at_once()
        if self.new:
            people, topics, authors = [], [], []
            ids = _table(Story, self.cursor.db).insert(self.cursor, [values for values, _, _, _ in self.new])
            for pk, (values, person_ids, topic_ids, outcome) in zip(ids, self.new):
                outcome.pk = pk
                author_ids = self.authors.get(values["guid"], [])
                people += [{"story_id": pk, "person_id": tag} for tag in person_ids]
                topics += [{"story_id": pk, "topic_id": tag} for tag in topic_ids]
                authors += [{"story_id": pk, "person_id": tag, "position": n} for n, tag in enumerate(author_ids)]
                shown = _new_keys(values, [*person_ids, *author_ids], topic_ids, self.cache)
                if shown is not None:
                    self._event(pk, shown | {events.story_key(pk)})
            _table(Story.people.through, self.cursor.db).insert(self.cursor, people, returning=False)
            _table(Story.topics.through, self.cursor.db).insert(self.cursor, topics, returning=False)
            _table(StoryAuthor, self.cursor.db).insert(self.cursor, authors, returning=False)
            # Readers find them once the transaction that writes them commits (Index.refresh).
            self.index.new += ids
            self.new = []
        # A link by guid, once the story it leads to may be written too (it may come later in the file).
        for outcome, guid in self.links:
            Story.objects.filter(pk=outcome.pk).update(link=Subquery(Story.objects.filter(guid=guid).values("pk")[:1]))
        self.links = []

    def write_at_once(self, *, guard=False, record=False, files=None):
        """Write the waiting new stories and their links in one statement (_at_once_sql),
        on PostgreSQL: a statement is a transaction of its own, so, outside a transaction,
        this is the file's one transaction in one round trip. With `guard`, nothing is
        written if a story's guid or slug is taken. With `record`, the statement records
        the stories' live events too, as events.record_many would (for a statement that is
        its own transaction); else they wait in `events`. With `files` (the number of each
        story's file, `joined`), no file is written of which a guid or slug is taken.
        Whether they were all written."""
        rows = [values for values, _, _, _ in self.new]
        table = _table(Story, self.cursor.db)
        authors = [self.authors.get(values["guid"], []) for values in rows]
        shown = [_new_keys(values, [*person_ids, *author_ids], topic_ids, self.cache)
                 for (values, person_ids, topic_ids, _), author_ids in zip(self.new, authors)]
        params = []
        for n, (values, (_, person_ids, topic_ids, _), author_ids, keys) in enumerate(
                zip(table.params(rows, self.cursor.db), self.new, authors, shown)):
            params += values
            params += (person_ids, topic_ids, author_ids)
            if record:
                params += _around_story_key(keys)
            if files is not None:
                params.append(files[n])
        self.cursor.execute(_at_once_sql(tuple(rows[0]), len(rows), guard, record, files is not None), params)
        ids = dict((guid, pk) for pk, guid in self.cursor.fetchall())
        recorded = set()
        for (values, _, _, outcome), keys in zip(self.new, shown):
            if values["guid"] not in ids:  # taken, and guarded: not written
                continue
            outcome.pk = ids[values["guid"]]
            if keys is not None:
                keys.add(events.story_key(outcome.pk))
                if record:
                    recorded |= keys
                else:
                    self._event(outcome.pk, keys)
        if recorded:
            events.written(recorded)
        if len(ids) < len(rows):
            return False
        self.new = []
        return True

    @classmethod
    def joined(cls, writers):
        """One writer of the waiting new stories of several, to write them in one statement
        (write_at_once): their outcomes are numbered as it writes them."""
        joined = cls([], writers[0].cache, writers[0].cursor, look_up=False)
        joined.new = [entry for writer in writers for entry in writer.new]
        for writer in writers:
            joined.authors.update(writer.authors)
        return joined


class Index:
    """The stories a transaction writes the usual way (flush), whose search index it brings
    up to date once, after the last of its files (refresh): a statement or two for all the
    files of a batch, not for each. (A story written by one statement, write_at_once, is
    indexed by it.)"""

    # Stories whose documents are read and written at a time.
    CHUNK = 500

    def __init__(self):
        self.new, self.changed = [], set()  # ids of the stories created; of those updated (_update)

    def refresh(self):
        """In the transaction, after its last write: readers find the stories once it commits."""
        # A story updated after it was created in the same transaction had its index written
        # then (stories.take_wire_version): it is written again whole, never twice.
        made = [pk for pk in self.new if pk not in self.changed]
        again = [pk for pk in self.new if pk in self.changed]
        for ids, new in ((made, True), (again, False)):
            for start in range(0, len(ids), self.CHUNK):
                search.refresh(ids[start : start + self.CHUNK], new=new)
        self.new, self.changed = [], set()


def _new_keys(values, person_ids, topic_ids, cache):
    """The surrogate keys of the pages that show a new story (`values` as written), but
    for its own page's (its id may not be known yet); None while readers cannot see it."""
    published = values["published_at"]
    if values["status"] != Story.Status.PUBLISHED or published is None or published > timezone.now():
        return None
    keys = {events.ARCHIVE} | events.tag_keys(section_ids=[values["section_id"]], person_ids=person_ids, topic_ids=topic_ids)
    if river.shows(published, cache.river_cut()):
        keys.add(events.RIVER)
    return keys


def _around_story_key(keys):
    """A story's keys but its own, as the two parts that sort before and after its own key
    (`story:<id>`), for _at_once_sql to record them in the order record_many gives them;
    (None, None) for a story not shown."""
    if keys is None:
        return None, None
    return " ".join(sorted(k for k in keys if k < "story:")), " ".join(sorted(k for k in keys if k > "story:"))
