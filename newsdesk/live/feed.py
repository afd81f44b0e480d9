"""Each serving process's feed: one thread that reads new events in order, drops what this
process cached for them, and hands them to the open streams.

It looks every POLL_SECONDS, and at once when the bell rings: a change committed in this
process rings it directly, and with Redis every process hears a change made anywhere.
The events themselves come from the database, so a lost Redis message or a restarted
Redis delays nothing by more than the poll interval, and loses nothing."""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections

from . import state

log = logging.getLogger(__name__)

BELL_CHANNEL = "newsdesk:live:bell"
BATCH = 500

_feed = None
_feed_lock = threading.Lock()
_redis = None


def redis_client():
    global _redis
    if _redis is None and settings.REDIS_URL:
        import redis

        _redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2,
                                      health_check_interval=10)
    return _redis


def ring():
    """Tell every process's feed to look now (called once a change is committed)."""
    if _feed is not None:
        _feed.bell.set()
    client = redis_client()
    if client is not None:
        try:
            client.publish(BELL_CHANNEL, b"1")
        except Exception:  # Redis down: the feeds find the change at their next look
            log.warning("could not ring the live bell through Redis", exc_info=True)


class Feed:
    def __init__(self, poll_seconds):
        self.poll_seconds = poll_seconds
        self.bell = threading.Event()
        self.cursor = None
        self.subscribers = []  # callables taking (messages, last_id), e.g. the streams' hubs
        self.started = threading.Event()

    def start(self):
        threading.Thread(target=self.run, name="live-feed", daemon=True).start()
        if settings.REDIS_URL:
            threading.Thread(target=self.listen, name="live-bell", daemon=True).start()

    def run(self):
        from .messages import build
        from .models import Event

        while True:
            try:
                if self.cursor is None:
                    self.cursor = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
                    self.started.set()
                self.bell.wait(self.poll_seconds)
                self.bell.clear()
                while True:
                    batch = list(Event.objects.filter(id__gt=self.cursor).order_by("id")[:BATCH])
                    if not batch:
                        break
                    keys = set()
                    for event in batch:
                        keys.update(event.keys.split())
                    state.changed(frozenset(keys))
                    try:
                        messages = build(batch)
                    except DatabaseError:
                        raise  # read again at the next look
                    except Exception:
                        # A batch that cannot be rendered must not stop the feed for good:
                        # its pages are purged; open pages get it on their next load.
                        log.exception("could not make the messages of events %s to %s; skipped",
                                      batch[0].id, batch[-1].id)
                        messages = []
                    self.cursor = batch[-1].id
                    for subscriber in list(self.subscribers):
                        subscriber(messages, self.cursor)
                    if len(batch) < BATCH:
                        break
            except DatabaseError:
                log.warning("the live feed could not read events; trying again", exc_info=True)
                self.bell.wait(1)
            except Exception:
                log.exception("the live feed failed on a batch; going on")
                self.bell.wait(1)
            finally:
                close_old_connections()

    def listen(self):
        """Ring the bell whenever any process publishes on Redis; reconnect after a loss."""
        import time

        while True:
            try:
                pubsub = redis_client().pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(BELL_CHANNEL)
                self.bell.set()  # (re)connected: changes may have been missed meanwhile
                for message in pubsub.listen():
                    if message and message.get("type") == "message":
                        self.bell.set()
            except Exception:
                log.warning("lost the live bell on Redis; reconnecting", exc_info=True)
                time.sleep(1)


def cursor():
    """The last event this process's pages can be known to show (the feed's place), or ""
    where no feed runs (a command, a test): a stream then starts from where it joins."""
    if _feed is not None and _feed.cursor is not None:
        return _feed.cursor
    last = state.last_event()
    return "" if last is None else last


def get():
    """This process's feed, started on first use."""
    global _feed
    with _feed_lock:
        if _feed is None:
            seconds = settings.LIVE_POLL_SECONDS if not settings.REDIS_URL else max(settings.LIVE_POLL_SECONDS, 1.0)
            _feed = Feed(seconds)
            _feed.start()
        return _feed
