"""Reading files: which parser reads a file, and parsing many ahead of the saving.

Parsing is pure work on a file's bytes (no database), so a large import parses in
forked processes while this one saves, in order: several files to a transaction, each
file all or nothing (save_files).
"""

import multiprocessing
import signal
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from django.db import DatabaseError
from django.utils import timezone

from . import text
from .formats import looks_like_json, read_agency_bytes
from .items import Refused, Skipped
from .services import ImportFailed, StoryData, TagCache, import_batch, import_items

# Files handed to a parsing process at a time, and how many such batches wait ahead of the saving.
BATCH = 16
AHEAD = 4
# Fewer files than this are parsed here: starting processes would cost more than it saves.
PARALLEL_FROM = 20
# A run's files are saved together in one transaction (save_files): this many at most, or
# fewer holding this many stories, or those that came within this many seconds of the first.
SAVE_FILES = 100
SAVE_STORIES = 1_000
SAVE_SECONDS = 0.5


def looks_like_xml(path, raw):
    """An .xml file, or markup in a file not named as text."""
    name, start = str(path).lower(), raw.lstrip()[:5]
    return name.endswith(".xml") or start == b"<?xml" or (start[:1] == b"<" and not name.endswith((".txt", ".text")))


def parse_file(path, raw, *, date=None, now=None, lenient=()):
    """StoryData and Skipped items of one file, prepared for saving (StoryData.prepare).
    Agency formats are read as the wire desk reads them (formats.read_agency_bytes), with
    the agencies named in `lenient` let through with their own properties."""
    if looks_like_json(path, raw) or looks_like_xml(path, raw):
        return for_import(read_agency_bytes(path, raw, lenient_agencies=lenient))
    items = text.parse_text(path, raw, date=date, now=now or timezone.now())
    for item in items:
        if isinstance(item, StoryData):
            item.prepare()
    return items


def for_import(items):
    """An agency file's items as the import takes them: a document refused fails the whole
    file (ImportFailed); an item with no text body or no headline is skipped, saying why."""
    taken = []
    for item in items:
        if isinstance(item, Refused):
            raise item.as_import_failed()
        if isinstance(item, StoryData) and not item.body_html.strip():
            why = "; ".join(n for n in item.notes if n.startswith("body")) or "has no text body"
            item = Skipped("text", _skip_reason(item, why), guid=item.guid, version=item.version,
                           headline=item.headline)
        elif isinstance(item, StoryData) and not item.headline:
            item = Skipped("text", _skip_reason(item, "has no headline"), guid=item.guid, version=item.version)
        taken.append(item)
    return taken


def _skip_reason(item, why):
    what = f'text item "{item.headline}"' if item.headline else "text item"
    return f"{what} {why}; Newsdesk imports text stories with a headline and a body only"


def read_file(path, *, date=None, now=None, lenient=()):
    try:
        raw = open(path, "rb").read()
    except OSError as err:
        raise ImportFailed(path, None, err.strerror or str(err)) from None
    return parse_file(path, raw, date=date, now=now, lenient=lenient)


def save_file(path, items, *, dry_run=False, cache=None):
    """Save one file's items in one transaction; ImportFailed leaves the database as it was."""
    try:
        return import_items(items, dry_run=dry_run, cache=cache)
    except DatabaseError as err:  # rolled back whole: say so, and let the other files go on
        raise ImportFailed(path, None, f"the database refused it: {err}") from None


def save_files(files, *, dry_run=False, cache=None):
    """(path, outcomes or ImportFailed) for each (path, items or ImportFailed) of `files`
    (as `reading` gives them), in order, each once the transaction that saved it committed.

    Files are saved several to a transaction (services.import_batch: SAVE_FILES,
    SAVE_STORIES, SAVE_SECONDS), which costs far less than a transaction each. Should the
    database refuse anything of them, the whole batch is rolled back and its files saved
    again one by one, each in its own transaction: a file the database refuses changes
    nothing, and the others still import. A dry run checks each file on its own."""
    cache = TagCache() if cache is None else cache
    if dry_run:
        for path, items in files:
            yield path, _save_one(path, items, dry_run=True, cache=cache)
        return
    batch, stories, started = [], 0, 0.0
    for path, items in files:
        if not batch:
            started = time.monotonic()
        batch.append((path, items))
        stories += 0 if isinstance(items, ImportFailed) else len(items)
        if len(batch) >= SAVE_FILES or stories >= SAVE_STORIES or time.monotonic() - started >= SAVE_SECONDS:
            yield from _save_batch(batch, cache)
            batch, stories = [], 0
    yield from _save_batch(batch, cache)


def _save_one(path, items, *, dry_run, cache):
    """A file's outcomes, saved in its own transaction, or the ImportFailed that says why not."""
    if isinstance(items, ImportFailed):
        return items
    try:
        return save_file(path, items, dry_run=dry_run, cache=cache)
    except ImportFailed as err:
        return err


def _save_batch(batch, cache):
    saving = [items for _, items in batch if not isinstance(items, ImportFailed)]
    if len(saving) > 1:
        try:
            saved = iter(import_batch(saving, cache=cache))
        except DatabaseError:  # rolled back whole: each file again on its own, which says which failed
            pass
        else:
            for path, items in batch:
                yield path, items if isinstance(items, ImportFailed) else next(saved)
            return
    for path, items in batch:
        yield path, _save_one(path, items, dry_run=False, cache=cache)


def import_file(path, *, date=None, dry_run=False, cache=None, lenient=()):
    """Import one file in one transaction; ImportFailed leaves the database as it was."""
    return save_file(path, read_file(path, date=date, lenient=lenient), dry_run=dry_run, cache=cache)


def _read(path, date, now, lenient=()):
    """A file's items, or the ImportFailed that says why it has none."""
    try:
        return read_file(path, date=date, now=now, lenient=lenient)
    except ImportFailed as err:
        return err


def _read_batch(paths, date, now, lenient=()):
    return [_read(path, date, now, lenient) for path in paths]


@contextmanager
def reading(paths, *, date=None, workers=0, lenient=()):
    """(path, items or ImportFailed) for each of `paths`, in order, for the caller to save.

    With `workers`, that many forked processes read and parse ahead of the caller, a few
    batches at most, so that memory stays bounded however many files there are. They
    touch no database: the forked connections stay the caller's alone."""
    paths, now = list(paths), timezone.now()
    if workers < 1 or len(paths) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        yield ((path, _read(path, date, now, lenient)) for path in paths)
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_parser_starts)
    try:
        yield _ahead(pool, paths, (date, now, lenient), workers * AHEAD)
    finally:
        pool.shutdown(cancel_futures=True)  # on an error or Ctrl+C, what waits is not parsed


def _parser_starts():
    # Ctrl+C is the importing process's to answer: it stops the parsing processes itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _ahead(pool, paths, options, most):
    """`options`: _read_batch's date, now and lenient."""
    waiting = deque()
    for start in range(0, len(paths), BATCH):
        batch = paths[start : start + BATCH]
        waiting.append((batch, _submit(pool, batch, options)))
        if len(waiting) >= most:
            yield from _done(*waiting.popleft(), options)
    while waiting:
        yield from _done(*waiting.popleft(), options)


def _submit(pool, batch, options):
    try:
        return pool.submit(_read_batch, batch, *options)
    except BrokenProcessPool:
        return None


def _done(batch, future, options):
    try:
        results = future.result() if future is not None else None
    except BrokenProcessPool:  # a parsing process died (killed, out of memory): the rest is parsed here
        results = None
    yield from zip(batch, results if results is not None else _read_batch(batch, *options))
