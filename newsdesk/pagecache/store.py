"""Where cached pages live: in this process's memory, in front of Redis when REDIS_URL is
set (shared by every process and machine). Each page is stored with its surrogate keys;
purging a key drops every page that carries it.

A page is stored only if no change was made or learnt of while it was being rendered
(the generation it started at is still current): a render that read rows from before a
change must not outlive the purge of that change."""

import logging
import pickle
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings

from newsdesk.live import state

log = logging.getLogger(__name__)

EVERYTHING = "site"  # every page carries it: the navigation, the site's name
PREFIX = "newsdesk:page:"


@dataclass
class Page:
    url: str
    status: int
    headers: list          # [(bytes, bytes)], as ASGI sends them
    body: bytes
    etag: str
    last_modified: str
    keys: frozenset
    stored: float = field(default_factory=time.monotonic)

    @property
    def size(self):
        return len(self.body) + 64 * len(self.headers) + 256


class Memory:
    """A bounded LRU of pages, with an index from key to URLs."""

    def __init__(self, max_bytes, ttl):
        self.max_bytes, self.ttl = max_bytes, ttl
        self.pages = OrderedDict()
        self.by_key = {}
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, url):
        page = self.pages.get(url)
        if page is None:
            return None
        if time.monotonic() - page.stored > self.ttl:
            with self.lock:
                self._drop(url)
            return None
        return page

    def put(self, page):
        with self.lock:
            self._drop(page.url)
            self.pages[page.url] = page
            self.bytes += page.size
            for key in page.keys:
                self.by_key.setdefault(key, set()).add(page.url)
            while self.bytes > self.max_bytes and self.pages:
                self._drop(next(iter(self.pages)))

    def _drop(self, url):
        page = self.pages.pop(url, None)
        if page is not None:
            self.bytes -= page.size
            for key in page.keys:
                urls = self.by_key.get(key)
                if urls is not None:
                    urls.discard(url)
                    if not urls:
                        del self.by_key[key]

    def purge(self, keys):
        """Drop the pages carrying any of `keys`; return their URLs."""
        with self.lock:
            if EVERYTHING in keys:
                urls = list(self.pages)
            else:
                urls = {url for key in keys for url in self.by_key.get(key, ())}
            for url in urls:
                self._drop(url)
        return urls

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.by_key.clear()
            self.bytes = 0


class Shared:
    """Pages in Redis: `page:<url>` holds the page, `key:<key>` the URLs carrying it."""

    def __init__(self, url, ttl):
        import redis

        self.ttl = ttl
        self.redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.url = url
        self._async = {}
        # Set when a purge could not reach Redis: its pages are not trusted (nor read)
        # until they have all been dropped.
        self.suspect = False

    def recover(self):
        if self.suspect:
            for name in self.redis.scan_iter(PREFIX + "*", count=1000):
                self.redis.delete(name)
            self.suspect = False

    def async_client(self):
        """An asyncio client for the event loop asking (the front answers from it)."""
        import asyncio

        import redis.asyncio

        loop = asyncio.get_running_loop()
        client = self._async.get(loop)
        if client is None:
            client = self._async[loop] = redis.asyncio.Redis.from_url(self.url, socket_timeout=1,
                                                                      socket_connect_timeout=1)
        return client

    def put(self, page):
        data = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(PREFIX + "page:" + page.url, data, ex=self.ttl)
        for key in page.keys | {EVERYTHING}:
            pipe.sadd(PREFIX + "key:" + key, page.url)
            pipe.expire(PREFIX + "key:" + key, self.ttl * 2)
        pipe.execute()

    async def get(self, url):
        data = await self.async_client().get(PREFIX + "page:" + url)
        return pickle.loads(data) if data else None

    def purge(self, keys):
        names = [PREFIX + "key:" + key for key in keys]
        pipe = self.redis.pipeline(transaction=False)
        for name in names:
            pipe.smembers(name)
        urls = set()
        for members in pipe.execute():
            urls.update(m.decode() for m in members)
        pipe = self.redis.pipeline(transaction=False)
        for url in urls:
            pipe.delete(PREFIX + "page:" + url)
        for name in names:
            pipe.delete(name)
        pipe.execute()
        return urls


memory = Memory(settings.PAGE_CACHE_MEMORY_MB * 1024 * 1024, settings.PAGE_CACHE_SECONDS)
shared = Shared(settings.REDIS_URL, settings.PAGE_CACHE_SECONDS) if settings.REDIS_URL and settings.PAGE_CACHE else None

# URLs this process answered with a shared-cacheable page, with their keys, kept as long as
# a shared cache (nginx, a CDN) may keep them: what a purge must refresh there.
_served = Memory(settings.PAGE_CACHE_MEMORY_MB * 1024 * 1024, settings.PAGE_CACHE_SECONDS * 2)
_refresh = []  # callables taking the URLs to refresh in front caches (see purge.py)


def on_refresh(callback):
    if callback not in _refresh:
        _refresh.append(callback)


def store(page, generation):
    """Keep `page` if nothing changed since its render began at `generation`."""
    if not settings.PAGE_CACHE or state.generation() != generation:
        return False
    memory.put(page)
    _served.put(Page(page.url, page.status, [], b"", page.etag, page.last_modified, page.keys))
    if shared is not None:
        try:
            shared.recover()
            shared.put(page)
        except Exception:
            log.warning("could not store a page in Redis", exc_info=True)
    if state.generation() != generation:  # a change arrived while storing
        purge(page.keys)
        return False
    return True


def purge(keys):
    """Drop every page carrying any of `keys`, here, in Redis and in front caches."""
    keys = frozenset(keys)
    if not keys:
        return
    memory.purge(keys)
    if shared is not None:
        try:
            shared.recover()
            shared.purge(keys)
        except Exception:
            shared.suspect = True
            log.warning("could not purge pages in Redis: not reading them until they are dropped", exc_info=True)
    urls = _served.purge(keys)
    if urls:
        for callback in list(_refresh):
            callback(sorted(urls))
