"""The streams' side of the feed, on the server's event loop: the latest messages, kept for
readers who reconnect, and a wake-up for every open stream when new ones arrive."""

import asyncio
import collections
import threading

from . import feed

KEEP = 1000  # messages kept for readers resuming after a lost connection
PRELOAD = 200  # events read back when a process starts, for pages made before it
SNAPSHOT_SIZE = 13  # the latest stories, for a reader back after longer than is kept

_hubs = {}
_hubs_lock = threading.Lock()


class Hub:
    def __init__(self, loop, last_id):
        self.loop = loop
        self.messages = collections.deque(maxlen=KEEP)
        self.last_id = last_id
        # The id after which every message is in self.messages.
        self.complete_after = last_id
        self.arrived = asyncio.Event()
        self._snapshot = None
        self._snapshot_lock = asyncio.Lock()

    def receive(self, messages, last_id):
        """Called on the loop with a batch from the feed."""
        for message in messages:
            if len(self.messages) == self.messages.maxlen:
                self.complete_after = self.messages[0].id
            self.messages.append(message)
        self.last_id = max(self.last_id, last_id)
        arrived, self.arrived = self.arrived, asyncio.Event()
        arrived.set()

    def since(self, after):
        """Messages after id `after`, or None when some of them are no longer kept here."""
        if after < self.complete_after:
            return None
        return [m for m in self.messages if m.id > after]

    def keep_older(self, messages, complete_after):
        """Put messages from before the hub started in front of what it received since."""
        if len(self.messages) + len(messages) <= KEEP:
            self.messages.extendleft(reversed(messages))
            self.complete_after = min(self.complete_after, complete_after)

    async def snapshot(self):
        """The latest stories as messages, made once per change however many readers ask:
        for readers further behind than is kept (no reader can make this process render
        or read back more than that)."""
        async with self._snapshot_lock:
            until = self.last_id
            if self._snapshot is None or self._snapshot[0] != until:
                self._snapshot = (until, await asyncio.to_thread(_snapshot, until))
            return self._snapshot[1]


def _snapshot(until):
    from django.db import close_old_connections

    from .messages import snapshot

    try:
        return snapshot(until, SNAPSHOT_SIZE)
    finally:
        close_old_connections()


def _recent(until):
    """Messages of the last PRELOAD events up to `until`, and the id after which they are complete."""
    from django.db import close_old_connections

    from .messages import build
    from .models import Event

    try:
        events = list(reversed(Event.objects.filter(id__lte=until).order_by("-id")[:PRELOAD]))
        complete_after = events[0].id - 1 if len(events) == PRELOAD else 0
        return build(events), complete_after
    finally:
        close_old_connections()


async def get():
    """This event loop's hub, subscribed to this process's feed (started on first use)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is not None:
        return hub
    source = feed.get()
    await asyncio.to_thread(source.started.wait, 10)
    with _hubs_lock:
        hub = _hubs.get(loop)
        if hub is None:
            hub = _hubs[loop] = Hub(loop, 0)
            # Subscribed first, then told where the feed stands: a batch in between is
            # either received or counted as not kept here, never silently missed.
            source.subscribers.append(
                lambda messages, last_id: loop.call_soon_threadsafe(hub.receive, messages, last_id))
            hub.last_id = hub.complete_after = source.cursor or 0
            started = hub.last_id
        else:
            return hub
    try:
        older, complete_after = await asyncio.to_thread(_recent, started)
        hub.keep_older([m for m in older if m.id <= started], complete_after)
    except Exception:  # the database is away: readers further behind get the snapshot
        pass
    return hub
