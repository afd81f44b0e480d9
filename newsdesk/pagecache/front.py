"""The front of every request (ASGI): cached pages are answered here, before Django's
request handling runs, and the live stream is served here too. Everything else, and every
request from a signed-in visitor, goes on to Django.

A miss is rendered once per process however many readers ask at the same moment: the
others wait for that render and are answered from the cache."""

import asyncio
import functools
import logging
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.utils.encoding import escape_uri_path, iri_to_uri

from newsdesk.health import front as health
from newsdesk.live import state

from . import store
from .middleware import PERSONAL_COOKIES, cache_key

log = logging.getLogger(__name__)

LIVE_PREFIX = "/live/"
CACHING = settings.PAGE_CACHE


_PERSONAL = frozenset(name.encode() for name in PERSONAL_COOKIES)


def _personal_cookie(cookie):
    return any(part.split(b"=", 1)[0].strip() in _PERSONAL for part in cookie.split(b";"))


@functools.lru_cache(maxsize=4096)
def _key(host, path, query):
    """The cache key Django's side stores a page under (request.get_full_path())."""
    return cache_key(host.decode("latin-1"), escape_uri_path(path) + ("?" + iri_to_uri(query.decode("latin-1")) if query else ""))


def _fresh(page, none_match, since):
    """Whether the reader's copy is the page: If-None-Match, else If-Modified-Since."""
    if none_match is not None:
        tags = {tag.strip().removeprefix(b"W/") for tag in none_match.split(b",")}
        return page.etag.removeprefix("W/").encode() in tags or b"*" in tags
    if since is not None:
        try:
            return parsedate_to_datetime(since.decode("latin-1")) >= parsedate_to_datetime(page.last_modified)
        except (TypeError, ValueError):
            return False
    return False


async def answer(page, scope, send, none_match=None, since=None):
    if page.status == 200 and (none_match is not None or since is not None) and _fresh(page, none_match, since):
        kept = [(k, v) for k, v in page.headers if k in (b"etag", b"last-modified", b"cache-control",
                                                          b"surrogate-key", b"vary")]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": page.status, "headers": page.headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else page.body})


def build(django_app):
    from newsdesk.live import stream

    inflight = {}

    async def lookup(url):
        page = store.memory.get(url)
        if page is None and store.shared is not None and not store.shared.suspect:
            generation = state.generation()
            try:
                page = await store.shared.get(url)
            except Exception:
                log.warning("could not read a page from Redis", exc_info=True)
                page = None
            if page is not None and state.generation() == generation:
                store.memory.put(page)
        return page

    async def app(scope, receive, send):
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                return await lifespan(scope, receive, send)
            return await django_app(scope, receive, send)
        path = scope["path"]
        if path in health.PATHS:  # a load balancer's checks: never cached, never through Django
            return await health.app(scope, receive, send)
        if path.startswith(LIVE_PREFIX):
            if path == LIVE_PREFIX + "stream":
                return await stream.app(scope, receive, send)
            return await django_app(scope, receive, send)
        method = scope["method"]
        if not CACHING or (method != "GET" and method != "HEAD"):
            return await django_app(scope, receive, send)
        host = b""
        none_match = since = None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.lower()
            elif name == b"cookie":
                if _personal_cookie(value):
                    return await django_app(scope, receive, send)
            elif name == b"authorization":
                return await django_app(scope, receive, send)
            elif name == b"if-none-match":
                none_match = value
            elif name == b"if-modified-since":
                since = value
        url = _key(host, path, scope.get("query_string", b""))
        page = store.memory.get(url)
        if page is None:
            page = await lookup(url)
            if page is None and url in inflight:
                try:
                    await asyncio.wait_for(asyncio.shield(inflight[url]), timeout=10)
                except Exception:
                    pass
                page = await lookup(url)
        if page is not None:
            return await answer(page, scope, send, none_match, since)
        if url in inflight or method != "GET":
            return await django_app(scope, receive, send)
        done = inflight[url] = asyncio.get_running_loop().create_future()
        try:
            return await django_app(scope, receive, send)
        finally:
            del inflight[url]
            done.set_result(None)

    return app


async def lifespan(scope, receive, send):
    """Start this process's background work (the live feed, the leader's duties)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                from newsdesk.site import lifespan as site_lifespan

                await asyncio.to_thread(site_lifespan.startup)
            except Exception as error:
                log.exception("startup failed")
                await send({"type": "lifespan.startup.failed", "message": str(error)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
