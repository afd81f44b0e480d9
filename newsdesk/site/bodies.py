"""Request bodies are read in front of Django (ASGI), on the event loop, within a size cap and
a deadline, and only then handed to Django's thread pool.

Were Django to read the body itself, from its thread, a client sending its body slowly would hold
one of the WEB_THREADS Django threads for as long as it liked, and a few hundred of them every
thread. The body read here goes to Django as a file (site.threadpool). Here a declared Content-Length over the cap is
refused with 413 before a byte is read; a body that grows past it gets 413, and one not in
within REQUEST_BODY_SECONDS (plus a second for every 64 KB) gets 408. Either way the connection
is closed, its unread body with it."""

import asyncio
import json
import tempfile

from django.conf import settings
from django.utils.html import escape

from .security import ERROR_PAGE_CSS, error_page_policy
from .threadpool import BODY_KEY, BODY_SIZE_KEY

# Paths where a picture may be uploaded: staff only, checked by Django once the body is in.
UPLOAD_PREFIXES = ("/newsroom/", "/admin/")
# A slow but honest client sends at least this much a second (a picture over a poor line).
MIN_BYTES_PER_SECOND = 64 * 1024
# Bodies larger than this wait in a temporary file, not in memory.
SPOOL_BYTES = 256 * 1024


class Refused(Exception):
    def __init__(self, status, title, text):
        super().__init__(text)
        self.status, self.title, self.text = status, title, text


def limit_for(path):
    """The most bytes a request body to `path` may have."""
    return settings.PICTURE_UPLOAD_MAX_BYTES if path.startswith(UPLOAD_PREFIXES) else settings.REQUEST_MAX_BYTES


def _megabytes(size):
    return f"{size / (1024 * 1024):.3g} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def too_large(path):
    text = f"What you sent is too large: at most {_megabytes(limit_for(path))} is taken here."
    if path.startswith(UPLOAD_PREFIXES):  # most likely a picture: say what to do about it
        text += (f" A picture may be up to {_megabytes(settings.PICTURE_MAX_BYTES)}: export it smaller "
                 "(e.g. 3000 pixels wide) and upload it again.")
    return Refused(413, "Too much to send", text)


def too_slow():
    return Refused(408, "That took too long", "Your request did not arrive in time. Please send it again.")


def declared_length(scope):
    """(Content-Length as a whole number or None, whether a body follows at all)."""
    length = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                raise Refused(400, "Bad request", "The request's Content-Length is not a number.") from None
            if length < 0:
                raise Refused(400, "Bad request", "The request's Content-Length is not a number.")
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked or bool(length)


async def read(scope, receive):
    """The whole body, spooled, read within the deadline; Refused (413, 408) otherwise, or
    ConnectionResetError if the client went away."""
    limit = limit_for(scope["path"])
    length, has_body = declared_length(scope)
    if length is not None and length > limit:
        raise too_large(scope["path"])
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.REQUEST_BODY_SECONDS + (length if length is not None else limit) / MIN_BYTES_PER_SECOND
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    size = 0
    try:
        while has_body:
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0))
            except TimeoutError:
                raise too_slow() from None
            if message["type"] == "http.disconnect":
                raise ConnectionResetError("the client went away while sending its request")
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                raise too_large(scope["path"])
            spool.write(body)
            has_body = message.get("more_body", False)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, size


def _wants_json(scope):
    for name, value in scope["headers"]:
        if name == b"accept":
            return b"application/json" in value
    return False


async def refuse(scope, send, refusal):
    """The refusal as a small page (or JSON), closing the connection: its body is not read."""
    if _wants_json(scope):
        body = json.dumps({"error": refusal.text}).encode()
        kind = b"application/json"
    else:
        body = (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(refusal.title)} · {escape(settings.SITE_NAME)}</title>\n<style>{ERROR_PAGE_CSS}</style>\n"
            f"</head>\n<body>\n<main>\n<h1>{escape(refusal.title)}</h1>\n<p>{escape(refusal.text)}</p>\n"
            '<p>Go to the <a href="/">front page</a>.</p>\n</main>\n</body>\n</html>\n'
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": refusal.status, "headers": [
        (b"content-type", kind), (b"content-length", str(len(body)).encode()), (b"connection", b"close"),
        (b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"),
        (b"content-security-policy", error_page_policy().encode()),
    ]})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def guard(app):
    """`app` (Django) called with the request's body already read, or the request refused."""

    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        try:
            if not declared_length(scope)[1]:
                return await app(scope, receive, send)  # nothing to read (a GET)
            spool, size = await read(scope, receive)
        except Refused as refusal:
            return await refuse(scope, send, refusal)
        except ConnectionResetError:
            return None
        try:
            return await app({**scope, BODY_KEY: spool, BODY_SIZE_KEY: size}, receive, send)
        finally:
            spool.close()

    return guarded
