"""Reading files: which parser reads a file, and parsing many ahead of the saving.

Parsing is pure work on a file's bytes (no database), so a large import parses in
forked processes while this one saves, each file in its own transaction, in order.
"""

import multiprocessing
import signal
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from django.db import DatabaseError
from django.utils import timezone

from . import ninjs, text
from .services import ImportFailed, StoryData, import_items

# Files handed to a parsing process at a time, and how many such batches wait ahead of the saving.
BATCH = 16
AHEAD = 4
# Fewer files than this are parsed here: starting processes would cost more than it saves.
PARALLEL_FROM = 20


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
