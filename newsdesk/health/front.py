"""/healthz and /readyz answered in front of Django (see newsdesk.pagecache.front): no
middleware, session, cookie or page cache; nothing logged but a change of readiness."""

import asyncio

from . import checks

LIVE, READY = "/healthz", "/readyz"
PATHS = frozenset((LIVE, READY))


async def app(scope, receive, send):
    method = scope["method"]
    if method not in ("GET", "HEAD"):
        status, headers, body = 405, [("Allow", "GET, HEAD"), *checks.HEADERS], b'{"error": "GET or HEAD only"}\n'
    elif scope["path"] == LIVE:
        status, headers, body = checks.live_answer()
    else:
        status, headers, body = await asyncio.get_running_loop().run_in_executor(None, checks.ready_answer)
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
