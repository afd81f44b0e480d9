"""The front of every request (ASGI): cached pages are answered here, before Django's
request handling runs, and the live stream is served here too. Everything else, and every
request from a signed-in visitor, goes on to Django.

A miss is rendered once per process however many readers ask at the same moment: the
others wait for that render and are answered from the cache."""

import asyncio
import logging
from email.utils import parsedate_to_datetime

from django.conf import settings

from newsdesk.live import state

from . import store
from .middleware import PERSONAL_COOKIES, cache_key

log = logging.getLogger(__name__)

LIVE_PREFIX = "/live/"


def _headers(scope):
    return {name: value for name, value in scope.get("headers") or []}


def _personal(headers):
    if b"authorization" in headers:
        return True
    cookie = headers.get(b"cookie")
    if not cookie:
        return False
    names = {part.split(b"=", 1)[0].strip() for part in cookie.split(b";")}
    return any(name.encode() in names for name in (settings.SESSION_COOKIE_NAME, *PERSONAL_COOKIES))


def _fresh(page, headers):
    """Whether the reader's copy is the page: If-None-Match, else If-Modified-Since."""
    none_match = headers.get(b"if-none-match")
    if none_match is not None:
        tags = {tag.strip().removeprefix(b"W/") for tag in none_match.split(b",")}
        return page.etag.encode() in tags or b"*" in tags
    since = headers.get(b"if-modified-since")
    if since is not None:
        try:
            return parsedate_to_datetime(since.decode("latin-1")) >= parsedate_to_datetime(page.last_modified)
        except (TypeError, ValueError):
            return False
    return False


async def answer(page, scope, send, headers):
    if page.status == 200 and _fresh(page, headers):
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
        if scope["type"] == "lifespan":
            return await lifespan(scope, receive, send)
        if scope["type"] != "http":
            return await django_app(scope, receive, send)
        path = scope["path"]
        if path.startswith(LIVE_PREFIX):
            if path == LIVE_PREFIX + "stream":
                return await stream.app(scope, receive, send)
            return await django_app(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD") or not settings.PAGE_CACHE:
            return await django_app(scope, receive, send)
        headers = _headers(scope)
        if _personal(headers):
            return await django_app(scope, receive, send)
        host = headers.get(b"host", b"").decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        url = cache_key(host, path + ("?" + query if query else ""))
        page = await lookup(url)
        if page is None and url in inflight:
            try:
                await asyncio.wait_for(asyncio.shield(inflight[url]), timeout=10)
            except (asyncio.TimeoutError, Exception):
                pass
            page = await lookup(url)
        if page is not None:
            return await answer(page, scope, send, headers)
        if url in inflight or scope["method"] != "GET":
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
