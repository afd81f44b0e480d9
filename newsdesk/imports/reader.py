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

from . import ninjs, text
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


def looks_like_json(path, raw):
    return str(path).lower().endswith(".json") or raw.lstrip()[:1] in (b"{", b"[")


def parse_file(path, raw, *, date=None, now=None):
    """StoryData and Skipped items of one file, prepared for saving (StoryData.prepare)."""
    if looks_like_json(path, raw):
        items = ninjs.parse_ninjs(path, raw)
    else:
        items = text.parse_text(path, raw, date=date, now=now or timezone.now())
    for item in items:
        if isinstance(item, StoryData):
            item.prepare()
    return items


def read_file(path, *, date=None, now=None):
    try:
        raw = open(path, "rb").read()
    except OSError as err:
        raise ImportFailed(path, None, err.strerror or str(err)) from None
    return parse_file(path, raw, date=date, now=now)


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


def import_file(path, *, date=None, dry_run=False, cache=None):
    """Import one file in one transaction; ImportFailed leaves the database as it was."""
    return save_file(path, read_file(path, date=date), dry_run=dry_run, cache=cache)


def _read(path, date, now):
    """A file's items, or the ImportFailed that says why it has none."""
    try:
        return read_file(path, date=date, now=now)
    except ImportFailed as err:
        return err


def _read_batch(paths, date, now):
    return [_read(path, date, now) for path in paths]


@contextmanager
def reading(paths, *, date=None, workers=0):
    """(path, items or ImportFailed) for each of `paths`, in order, for the caller to save.

    With `workers`, that many forked processes read and parse ahead of the caller, a few
    batches at most, so that memory stays bounded however many files there are. They
    touch no database: the forked connections stay the caller's alone."""
    paths, now = list(paths), timezone.now()
    if workers < 1 or len(paths) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        yield ((path, _read(path, date, now)) for path in paths)
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_parser_starts)
    try:
        yield _ahead(pool, paths, date, now, workers * AHEAD)
    finally:
        pool.shutdown(cancel_futures=True)  # on an error or Ctrl+C, what waits is not parsed


def _parser_starts():
    # Ctrl+C is the importing process's to answer: it stops the parsing processes itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _ahead(pool, paths, date, now, most):
    waiting = deque()
    for start in range(0, len(paths), BATCH):
        batch = paths[start : start + BATCH]
        waiting.append((batch, _submit(pool, batch, date, now)))
        if len(waiting) >= most:
            yield from _done(*waiting.popleft(), date, now)
    while waiting:
        yield from _done(*waiting.popleft(), date, now)


def _submit(pool, batch, date, now):
    try:
        return pool.submit(_read_batch, batch, date, now)
    except BrokenProcessPool:
        return None


def _done(batch, future, date, now):
    try:
        results = future.result() if future is not None else None
    except BrokenProcessPool:  # a parsing process died (killed, out of memory): the rest is parsed here
        results = None
    yield from zip(batch, results if results is not None else _read_batch(batch, date, now))
