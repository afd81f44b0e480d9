"""The streams' side of the feed, on the server's event loop: the latest messages, kept for
readers who reconnect, and a wake-up for every open stream when new ones arrive."""

import asyncio
import collections
import threading

from . import feed

KEEP = 1000  # messages kept for readers resuming after a lost connection

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
        return hub
