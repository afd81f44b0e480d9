"""GET /live/stream: the Server-Sent Events stream of an open page.

A plain ASGI endpoint, in front of Django's request handling: thousands of readers keep a
stream open, and each costs a coroutine and a few kilobytes, not a thread. The stream
starts after the event id the page was rendered at (`?after=`), or the browser's
`Last-Event-ID` after a lost connection, so the reader misses nothing in between.
`?story=ID` adds that story's comments."""

import asyncio
import logging
from urllib.parse import parse_qs

from . import hub as hubs
from .messages import Message

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15

HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),  # nginx: pass each event on at once
]


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse(query_string, last_event_id):
    """(after, story_id) from a stream's query and its Last-Event-ID header (which wins);
    ValueError, with what to tell the client, if they are not whole numbers."""
    query = parse_qs(query_string)
    story_id = _int((query.get("story") or [None])[0])
    after = _int(last_event_id or None)
    if after is None:
        after = _int((query.get("after") or [None])[0])
    if (query.get("story") and story_id is None) or (query.get("after") and after is None):
        raise ValueError("story and after must be whole numbers\n")
    return after, story_id


async def _bad_request(send, text):
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": text.encode()})


async def app(scope, receive, send):
    headers = dict(scope.get("headers") or [])
    if scope["method"] not in ("GET", "HEAD"):
        await send({"type": "http.response.start", "status": 405, "headers": [(b"allow", b"GET")]})
        await send({"type": "http.response.body", "body": b""})
        return
    try:
        after, story_id = parse(scope.get("query_string", b"").decode("latin-1"),
                                headers.get(b"last-event-id", b"").decode("latin-1"))
    except ValueError as error:
        await _bad_request(send, str(error))
        return
    hub = await hubs.get()
    if after is None or after > hub.last_id:
        after = hub.last_id

    def wanted(message: Message):
        return message.for_everyone or message.story_id == story_id

    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    if scope["method"] == "HEAD":
        await send({"type": "http.response.body", "body": b""})
        return
    gone = asyncio.ensure_future(_disconnected(receive))
    try:
        await send({"type": "http.response.body", "body": b"retry: 2000\n\n", "more_body": True})
        while not gone.done():
            arrived = hub.arrived
            pending = hub.since(after)
            if pending is None:  # further behind than this process keeps: the latest stories
                pending = await hub.snapshot()
            chunk = b"".join(m.data for m in pending if wanted(m))
            if pending:
                after = max(after, pending[-1].id)
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            waiter = asyncio.ensure_future(arrived.wait())
            done, _ = await asyncio.wait({waiter, gone}, timeout=KEEPALIVE_SECONDS,
                                         return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if not done:
                await send({"type": "http.response.body", "body": b": keepalive\n\n", "more_body": True})
    except (OSError, RuntimeError, asyncio.CancelledError):
        pass  # the reader went away
    except Exception:
        log.exception("a live stream failed")
    finally:
        gone.cancel()
    try:
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except Exception:
        pass


async def _disconnected(receive):
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
