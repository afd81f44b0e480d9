"""This process's view of change: a generation number that moves whenever something readers
see has changed, and the listeners that drop what they cached (the page cache, shared
render caches). Moved at once by a change made in this process, and by the feed for
changes made anywhere else."""

import threading

_lock = threading.Lock()
_generation = 0
_listeners = []
_last_event = None


def note_event(event_id):
    """Remember the latest event this process wrote (where no feed runs, pages start their
    stream after it)."""
    global _last_event
    if event_id is not None and (_last_event is None or event_id > _last_event):
        _last_event = event_id


def last_event():
    return _last_event


def forget():
    """Forget what this process wrote (a test starts on an empty database)."""
    global _last_event
    _last_event = None


def generation():
    """A number that changes whenever a change was made or learnt of: caches of shared
    fragments keep what they computed only while it stays the same."""
    return _generation


def on_change(listener):
    """Call listener(keys) with the surrogate keys of every change (once registered)."""
    if listener not in _listeners:
        _listeners.append(listener)


def changed(keys):
    global _generation
    with _lock:
        _generation += 1
    for listener in list(_listeners):
        listener(keys)
