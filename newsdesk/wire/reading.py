"""A folder's files read ahead of the saving: reading, parsing and holding each file to
its schema is work on its bytes alone, so with WIRE_WORKERS a run of many files has it
done by forked processes while this one saves the batch before (as `newsdesk import`
does). They touch no database: the forked connections stay this process's alone. A
process that dies leaves its files to be read here; nothing is lost either way."""

import multiprocessing
import signal
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings

from . import ingest

CHUNK = 25  # files handed to a reading process at a time
AHEAD = 2  # batches read ahead of the one being saved, at most
PARALLEL_FROM = 50  # fewer files than this are read here: starting processes would cost more


def batches(paths, *, channel=None, workers=None):
    """(paths, [(file name, the reader's items, the file's text if refused)]) for each
    ingest.BATCH of `paths`, in order."""
    paths = list(paths)
    workers = settings.WIRE_WORKERS if workers is None else workers
    options = ingest._options(channel, ())
    groups = [paths[start:start + ingest.BATCH] for start in range(0, len(paths), ingest.BATCH)]
    if workers < 1 or len(paths) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        for group in groups:
            yield group, _read(group, options)
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_reader_starts)
    try:
        waiting = deque()
        for group in groups:
            waiting.append((group, [_submit(pool, group[start:start + CHUNK], options)
                                    for start in range(0, len(group), CHUNK)]))
            if len(waiting) > AHEAD:
                yield _done(*waiting.popleft(), options)
        while waiting:
            yield _done(*waiting.popleft(), options)
    finally:
        pool.shutdown(cancel_futures=True)


def _reader_starts():
    # Ctrl+C and SIGTERM are the running process's to answer: it stops the readers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read(paths, options):
    return [(path.name, *ingest.read_with_text(path, options=options)) for path in paths]


def _submit(pool, paths, options):
    try:
        return pool.submit(_read, paths, options)
    except BrokenProcessPool:
        return None


def _done(group, futures, options):
    """The batch's files as read. The chunks at its end that no reading process has started
    yet are read here rather than waited for, while the readers finish the first ones: when
    the readers are behind, this process would only wait, and on two cores the work is then
    shared by both instead of left to one."""
    chunks = [group[start:start + CHUNK] for start in range(0, len(group), CHUNK)]
    found = [None] * len(chunks)
    for n in reversed(range(len(chunks))):
        if futures[n] is not None and not futures[n].cancel():
            break  # a reading process has it, and those before it
        found[n] = _read(chunks[n], options)
    read = []
    for chunk, future, done in zip(chunks, futures, found, strict=True):
        if done is None and future is not None:
            try:
                done = future.result()
            except Exception:  # noqa: BLE001 - a reading process died (killed, out of memory): read here instead
                done = None
        read += done if done is not None else _read(chunk, options)
    return group, read
