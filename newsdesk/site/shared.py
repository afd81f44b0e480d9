"""What every page shows alike (the sections menu, the "Read next" river), computed once in
this process and kept while nothing readers see has changed.

A value is kept while `newsdesk.live.state.generation()` stays what it was when the value was
computed (every recorded change moves it: at once in the process that made the change, within
a fraction of a second in the others), and for at most `SHARED_CACHE_SECONDS`. The age limit
covers what changes without an event: a story published for a time still to come becomes
visible when that time passes, a breaking brief stops being breaking, and an import records
no event. Computing again once a second costs each process a few queries a second, where a
wait until the next such moment would need its own queries to find it.

Values are shared between threads: they must be immutable (tuples, strings), or never
changed by those who read them.
"""

import threading
import time

from django.conf import settings

from newsdesk.live import state

_lock = threading.Lock()
_values = {}  # name: (generation, vary, expires, value)


def shared(name, compute, *, vary=None, max_age=None):
    """The value of compute() last computed under `name`, while still valid; else computed now.

    `vary` is what else the value depends on (the day, the time zone): a different one
    computes it again. `max_age` (seconds) defaults to SHARED_CACHE_SECONDS.
    """
    now = time.monotonic()
    generation = state.generation()
    kept = _values.get(name)
    if kept is not None and kept[0] == generation and kept[1] == vary and now < kept[2]:
        return kept[3]
    # Computed outside the lock: two threads may both compute it, and the same value wins.
    # The generation read before computing is the one kept: a change made meanwhile makes
    # the next reader compute it again.
    value = compute()
    if max_age is None:
        max_age = settings.SHARED_CACHE_SECONDS
    with _lock:
        _values[name] = (generation, vary, now + max_age, value)
    return value


def clear():
    """Forget every value (tests start from a database the values do not describe)."""
    with _lock:
        _values.clear()
