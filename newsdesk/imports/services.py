"""Saving imported stories: one shape for every source format, one place that writes.

Parsers (text.py; formats/ for ninjs, NewsML-G2 and feeds) turn a file into `StoryData`;
`import_items` saves them in one transaction, so a file imports whole or not at all. A file costs a
fixed handful of queries whatever it holds: one finds its stories already saved
and the slugs already taken, one insert writes its new stories and one per table
their people and topic links (on PostgreSQL, one statement writes all three). People,
topics and sections are read once per import run (`TagCache`), so a known name costs
nothing; a file's new ones cost one query for all and an insert per model (on
PostgreSQL, one statement). A story that changes is updated on its own, through the ORM; new ones are
written as plain rows, since building model instances and SQL through the ORM would
cost more than storing them.

On PostgreSQL, a file of new stories whose tags the run knows (most files of a wire
run) needs no transaction around it: the one statement that writes it is a
transaction by itself, so it costs one round trip, or two with a lookup first
(`_import_at_once`). Anything else goes the usual way.

Every story a file creates or changes that readers see (or saw) is recorded as a live
event (newsdesk.live.events) in the transaction that writes it, with the surrogate keys of
the pages that show it: the one-statement write records them itself. A run's files are
saved several to a transaction (`import_batch`, grouped by reader.save_files), with one
record of their events and one refresh of the search index for the stories written the
usual way (the one-statement write indexes its own). On PostgreSQL a batch costs a fixed
few statements, not a few a file: one lookup of its guids, the tags its new files name
that the run does not know made together, its new files written by a statement for up to
GROUP_STORIES stories, its events recorded.
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from newsdesk.live import events
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section

# The import's public names, whatever module holds them: parsers, the reader, the command,
# other apps and the tests import them from here.
from .items import ImportFailed, Outcome, Skipped, StoryData  # noqa: F401
from .sql import _rows_cursor, _saved_guids
from .tags import TagCache, label_kinds, tag_labels  # noqa: F401
from .writing import AT_ONCE_STORIES, Index, _FileWriter


def _tags_known(stories, cache):
    """Whether the run knows every section, person and topic these stories name."""
    return all(
        (not data.section.strip() or cache.has(Section, data.section))
        and all(cache.has(Person, name) for name in data.people)
        and all(cache.has(Topic, name) for name in data.topics)
        for data in stories
    )


def _import_at_once(items, stories, cache, batch_events=None):
    """The outcomes of a file saved in one statement, or None where it cannot be.

    On PostgreSQL, outside a transaction, a file whose stories are all new and whose tags
    the run knows is written by one statement (write_at_once), atomic by itself, with no
    transaction around it, and recording the stories' live events itself: one round trip
    for a file of one story (guarded: a taken guid or slug writes nothing), two for more
    (a lookup of their guids and slugs first). Anything else (a story saved before, a new
    tag, a link by guid, a statement that fails) goes the usual way, in a transaction,
    which looks again and says why.

    In a batch's transaction (`batch_events`, import_batch), the same statement without
    the events, which join `batch_events`; a statement that fails there spoils the batch's
    transaction, so its error is the batch's."""
    db = connections[DEFAULT_DB_ALIAS]
    in_batch = batch_events is not None
    if (
        db.vendor != "postgresql"
        or not stories
        or len(stories) > AT_ONCE_STORIES
        # Inside a caller's transaction, a savepoint keeps a failing file from spoiling it: the usual way.
        or (not in_batch and not db.get_autocommit())
        or any(data.link_guid for data in stories)
        or len({data.guid for data in stories}) < len(stories)
        or not _tags_known(stories, cache)
    ):
        return None
    single = len(stories) == 1
    try:
        with _rows_cursor() as cursor:
            writer = _FileWriter(stories, cache, cursor, look_up=not single)
            if writer.saved:
                return None
            outcomes = [
                Outcome(item.kind, "skipped", reason=item.reason) if isinstance(item, Skipped) else writer.save(item)
                for item in items
            ]
            if not writer.write_at_once(guard=single, record=not in_batch):
                return None
    except DatabaseError:  # written meanwhile, say: nothing was, and the usual way tells
        if in_batch:
            raise
        return None
    if in_batch:
        batch_events += writer.event_rows()
    return outcomes


# Pages written to SQLite's write-ahead log between checkpoints while a run imports
# (SQLite's default is 1,000, about 4 MB).
RUN_CHECKPOINT_PAGES = 10_000


@contextmanager
def import_run():
    """Around a run of many files. On SQLite, the write-ahead log is copied back to the
    database (and synced) every 10,000 pages instead of every 1,000: the files of a run
    change the same index pages over and over, and a checkpoint copies each page once
    however often it changed, so fewer of them copy and sync far less. The log is
    checkpointed at the end, and the usual interval restored."""
    db = connections[DEFAULT_DB_ALIAS]
    usual = None
    if db.vendor == "sqlite":
        with db.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            (usual,) = cursor.fetchone()
    # Left as it is when off (0 or less: someone else checkpoints) or already as long.
    if usual is None or not 0 < usual < RUN_CHECKPOINT_PAGES:
        yield
        return
    with db.cursor() as cursor:
        cursor.execute(f"PRAGMA wal_autocheckpoint = {RUN_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(usual)}")
            if not db.in_atomic_block:  # no checkpoint inside its own connection's transaction
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def import_items(items, *, dry_run=False, cache=None, batch_events=None, batch_index=None, labelled=False):
    """Save parsed items (StoryData or Skipped) in one transaction: all or nothing. The
    live events of the stories written are recorded in it.

    With `batch_events` (a list, import_batch), in the caller's transaction, which
    the file's outcome is as good as: no savepoint of its own, its events added to
    `batch_events` for the caller to record, its stories to index added to `batch_index`
    (an Index) for the caller to refresh, and the names it made left pending in the run's
    cache until the caller commits. `labelled`: the caller has tagged the stories
    already (tag_labels)."""
    cache = TagCache() if cache is None else cache
    in_batch = batch_events is not None
    stories = [item for item in items if isinstance(item, StoryData)]
    if not labelled:
        tag_labels(stories, cache)
    if not dry_run:
        at_once = _import_at_once(items, stories, cache, batch_events)
        if at_once is not None:
            return at_once
    if in_batch:
        index = Index() if batch_index is None else batch_index
        with transaction.atomic(savepoint=False), _rows_cursor() as cursor:
            outcomes = _save_items(items, stories, cache, cursor, batch_events, index)
            if batch_index is None:
                index.refresh()
            return outcomes
    try:
        with transaction.atomic(), _rows_cursor() as cursor:
            rows, index = [], Index()
            outcomes = _save_items(items, stories, cache, cursor, rows, index)
            index.refresh()
            if dry_run:
                transaction.set_rollback(True)
            else:
                events.record_many(rows)
    except BaseException:
        cache.rollback()
        raise
    cache.rollback() if dry_run else cache.commit()
    return outcomes


def _save_items(items, stories, cache, cursor, event_rows, index):
    """import_items' usual way, in the transaction: the outcomes; the live events of the
    stories written are added to `event_rows`, and the stories to index to `index`, which
    the caller refreshes once the transaction's files are written."""
    outcomes, writer = [], None
    if stories:
        writer = _FileWriter(stories, cache, cursor, index=index)
        written = writer.written(stories)
        # The tags of the stories to be written, found and made for all models at once.
        cache.resolve({
            Section: [data.section for data in written],
            Person: [name for data in written for name in data.people],
            Topic: [name for data in written for name in data.topics],
        })
    for item in items:
        outcomes.append(Outcome(item.kind, "skipped", reason=item.reason) if isinstance(item, Skipped) else writer.save(item))
    if writer is not None:
        writer.flush()
        event_rows += writer.event_rows()
    return outcomes


def import_batch(files, *, cache=None):
    """Save several files' items (a list of items for each) in one transaction: a list of
    outcomes for each file. Their live events are recorded once, at the end, so that the
    lock that keeps event ids in commit order is held only from there to the commit.

    All or nothing, for all the files: any error (from a file's statements, or its
    foreign keys checked at the commit) rolls every one of them back and is raised; the
    caller then saves them one by one (reader.save_files), each all or nothing.

    On PostgreSQL, the files' guids saved already are looked up first, in one query. A file
    none of whose stories is saved joins the others in one statement even when it names
    tags the run does not know: they wait (`wanted`) and are made together, in the files'
    order, before anything needs them (the statement, a file going the usual way, a label
    of that name to tell apart)."""
    cache = TagCache() if cache is None else cache
    rows, results, group, index, wanted = [], [None] * len(files), _Group(), Index(), _Wanted(cache)
    joining = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    try:
        with transaction.atomic(), _rows_cursor() as cursor:
            saved = _saved_guids(cursor, {item.guid for items in files for item in items
                                          if isinstance(item, StoryData)}) if joining else set()
            for number, items in enumerate(files):
                stories = [item for item in items if isinstance(item, StoryData)]
                if wanted.names_any(label for data in stories for label in data.labels):
                    wanted.make()
                tag_labels(stories, cache)
                member = _new_whole(items, stories, cache, cursor, saved, wanted) if joining else None
                if group and (member is None or not group.fits(member[0])):
                    _write_group(group, cache, rows, results, index, wanted)
                    group = _Group()
                if member is not None:
                    group.add((number, items, *member))
                else:
                    wanted.make()
                    results[number] = import_items(items, cache=cache, batch_events=rows, batch_index=index,
                                                   labelled=True)
            if group:
                _write_group(group, cache, rows, results, index, wanted)
            index.refresh()  # the search index of all the files' stories written the usual way, at once
            events.record_many(_merged(rows))
    except BaseException:
        cache.rollback()
        raise
    cache.commit()
    return results


class _Wanted:
    """Tags that files of a batch name and the run does not know, to be made together
    (TagCache.resolve) when first needed, in the order the files named them."""

    def __init__(self, cache):
        self.cache, self.names, self.writers = cache, {Section: [], Person: [], Topic: []}, []

    def add(self, stories, writer):
        self.names[Section] += [data.section for data in stories]
        self.names[Person] += [name for data in stories for name in data.people]
        self.names[Topic] += [name for data in stories for name in data.topics]
        self.writers.append(writer)

    def names_any(self, labels):
        """Whether one of `labels` is a person or topic waiting here."""
        if not self.writers:
            return False
        waiting = {name.lower() for model in (Person, Topic) for name in self.names[model]}
        return any(label.lower() in waiting for label in labels)

    def make(self):
        """Make the tags waiting, and give their ids to the writers that wait for them."""
        if not self.writers:
            return
        self.cache.resolve(self.names)
        for writer in self.writers:
            writer.retag()
        self.names, self.writers = {Section: [], Person: [], Topic: []}, []


def _new_whole(items, stories, cache, cursor, saved, wanted):
    """For a file of a few stories (AT_ONCE_STORIES; `stories`, tagged by tag_labels), none
    linked by guid, each guid once, whose tags the run knows or, none of its guids being
    `saved`, will make (`wanted`: all its stories will be written): its writer, its stories
    waiting in it as new (each on its base slug, numbered within the file), and the file's
    outcomes, as `joined` writes them; else None."""
    if not 0 < len(stories) <= AT_ONCE_STORIES or len({data.guid for data in stories}) < len(stories):
        return None
    if any(data.link_guid for data in stories):
        return None
    known = _tags_known(stories, cache)
    if not known and any(data.guid in saved for data in stories):
        return None  # the usual way tells which of its stories change, and makes only their tags
    writer = _FileWriter(stories, cache, cursor, look_up=False)
    outcomes = [Outcome(item.kind, "skipped", reason=item.reason) if isinstance(item, Skipped) else writer.save(item)
                for item in items]
    if not known:
        wanted.add(stories, writer)
    return writer, outcomes


class _Group(list):
    """Files of a batch whose new stories wait to be written by one statement (_write_group):
    (number, items, writer, outcomes) for each, with the count of their stories and their
    guids and slugs."""

    def __init__(self):
        super().__init__()
        self.stories, self.keys = 0, set()

    @staticmethod
    def _keys(writer):
        return {key for values, _, _, _ in writer.new for key in (values["guid"], "/" + values["slug"])}

    def fits(self, writer):
        """Whether the new stories of `writer` may join: the group is not full, and none of
        them has the guid or the slug of one in it (the statement that writes them together
        could not tell which came first)."""
        return self.stories + len(writer.new) <= GROUP_STORIES and self.keys.isdisjoint(self._keys(writer))

    def add(self, member):
        self.append(member)
        self.stories += len(member[2].new)
        self.keys |= self._keys(member[2])


# Stories of a batch's files written by one statement at most (_write_group).
GROUP_STORIES = 200


def _write_group(group, cache, rows, results, index, wanted):
    """On PostgreSQL, in a batch: the new stories of files (`group`, in order) written by
    one statement, each file whole with its links, or not at all where a guid or a slug
    of it is taken: such a file goes the usual way after them, which tells unchanged from
    updated and numbers the slugs."""
    wanted.make()
    joined = _FileWriter.joined([writer for _, _, writer, _ in group])
    joined.write_at_once(files=[n for n, (_, _, writer, _) in enumerate(group) for _ in writer.new])
    rows += joined.event_rows()
    for number, items, writer, outcomes in group:
        if writer.new[0][3].pk is not None:
            results[number] = outcomes
        else:
            stories = [item for item in items if isinstance(item, StoryData)]
            with transaction.atomic(savepoint=False), _rows_cursor() as cursor:
                results[number] = _save_items(items, stories, cache, cursor, rows, index)


def _merged(rows):
    """Event rows with one row a story: a story written by two files of a batch is recorded once."""
    keys = {}
    for kind, pk, comment_id, row_keys in rows:
        keys.setdefault((kind, pk, comment_id), set()).update(row_keys)
    return [(kind, pk, comment_id, row_keys) for (kind, pk, comment_id), row_keys in keys.items()]


def save_story(data, cache=None):
    """Create or update the story `data` describes; an unchanged one is not written."""
    return import_items([data], cache=cache)[0]
