"""Where attempts are counted: Redis when REDIS_URL is set, else the database. Either way every
server process (and every machine) on the same Redis or database shares the counts.

Both keep fixed windows: the first attempt opens a window of `window` seconds, each attempt in
it adds one, and the count starts again after it closes. One statement (or one script) counts
and reads, so attempts made at the same moment in different processes all count.
"""

import math
import threading
import time

from django.conf import settings
from django.db import connection, transaction

TABLE = "ratelimit_counter"
# How often (seconds) a process deletes the database's closed windows.
SWEEP_SECONDS = 60


class DatabaseStore:
    """Counters in the ratelimit_counter table (SQLite or PostgreSQL: both upsert alike)."""

    def __init__(self):
        self._swept_at = 0.0
        self._sweep_lock = threading.Lock()

    def hit(self, name, window):
        """Count one attempt; (attempts in the current window, seconds until it closes)."""
        now = time.time()
        # A closed window starts again at 1; an open one adds 1. The SET expressions all read
        # the row as it was, so `ends_at` is compared before either column changes.
        sql = (
            f"INSERT INTO {TABLE} (name, hits, ends_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (name) DO UPDATE SET "
            f"hits = CASE WHEN {TABLE}.ends_at <= %s THEN 1 ELSE {TABLE}.hits + 1 END, "
            f"ends_at = CASE WHEN {TABLE}.ends_at <= %s THEN excluded.ends_at ELSE {TABLE}.ends_at END "
            f"RETURNING hits, ends_at"
        )
        # A savepoint when called inside a transaction: a failure here must not spoil the caller's.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [name, now + window, now, now])
                hits, ends_at = cursor.fetchone()
        self._sweep(now)
        return hits, max(ends_at - now, 0.0)

    def give_back(self, name):
        """Take back one attempt counted by hit() (never below nothing)."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {TABLE} SET hits = hits - 1 WHERE name = %s AND hits > 0", [name])

    def peek(self, names):
        """{name: (attempts, seconds left)} of the open windows among `names`, counting nothing."""
        now = time.time()
        marks = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT name, hits, ends_at FROM {TABLE} WHERE name IN ({marks}) AND ends_at > %s",
                           [*names, now])
            return {name: (hits, ends_at - now) for name, hits, ends_at in cursor.fetchall()}

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def _sweep(self, now):
        """Closed windows are deleted now and then (by any process), so the table stays small."""
        if now - self._swept_at < SWEEP_SECONDS or not self._sweep_lock.acquire(blocking=False):
            return
        try:
            self._swept_at = now
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE ends_at < %s", [now])
        finally:
            self._sweep_lock.release()


# INCR, then give a new key (or one that lost its expiry) the window's length; in one script,
# so no key is ever left counting without an end.
HIT_SCRIPT = """
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {hits, left}
"""
GIVE_BACK_SCRIPT = """
if (tonumber(redis.call('GET', KEYS[1]) or '0') > 0) then redis.call('DECR', KEYS[1]) end
"""


class RedisStore:
    """Counters as Redis keys that expire when their window closes."""

    PREFIX = "ratelimit:"

    def __init__(self, url):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._hit = self.redis.register_script(HIT_SCRIPT)
        self._give_back = self.redis.register_script(GIVE_BACK_SCRIPT)

    def hit(self, name, window):
        hits, left_ms = self._hit(keys=[self.PREFIX + name], args=[max(int(window * 1000), 1)])
        return int(hits), max(int(left_ms), 0) / 1000

    def give_back(self, name):
        self._give_back(keys=[self.PREFIX + name])

    def peek(self, names):
        pipe = self.redis.pipeline(transaction=False)
        for name in names:
            pipe.get(self.PREFIX + name)
            pipe.pttl(self.PREFIX + name)
        replies = pipe.execute()
        found = {}
        for name, hits, left_ms in zip(names, replies[::2], replies[1::2]):
            if hits is not None and left_ms > 0:
                found[name] = (int(hits), left_ms / 1000)
        return found

    def clear(self):
        for key in self.redis.scan_iter(self.PREFIX + "*", count=1000):
            self.redis.delete(key)


_stores = {}
_stores_lock = threading.Lock()


def current():
    """The store the settings name: Redis at REDIS_URL, else the database (one per process)."""
    url = settings.REDIS_URL
    store = _stores.get(url)
    if store is None:
        with _stores_lock:
            store = _stores.get(url)
            if store is None:
                store = _stores[url] = RedisStore(url) if url else DatabaseStore()
    return store


def retry_after(seconds):
    """Whole seconds to wait, for a Retry-After header: at least 1."""
    return max(math.ceil(seconds), 1)
