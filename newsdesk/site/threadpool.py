"""Django (WSGI) served from ASGI by a fixed pool of threads, one hand-off per request.

A generic bridge (a2wsgi, asgiref) has the Django thread send each message of its response
to the event loop and wait for it: the start, the body, the end, each a round trip between
the thread and the loop. For an uncached page those waits were about a third of a serving
process's time. Here the thread runs the whole request and gives back the finished response;
the loop sends it. Only a streamed response (a static file, an export) is sent piece by piece
from its thread, as it is made, so that it never has to sit in memory whole.

The request's body is whole before Django sees it (site.bodies reads it on the loop, within
its limits, and passes it on as `newsdesk.body`): a thread never waits on a client.
"""

import asyncio
import contextvars
import io
from concurrent.futures import ThreadPoolExecutor

from a2wsgi.wsgi import build_environ

BODY_KEY = "newsdesk.body"  # the scope's key for the request body read before (a file object)
BODY_SIZE_KEY = "newsdesk.body_size"  # and for its size in bytes


class ThreadPool:
    def __init__(self, app, workers):
        self.app = app
        self.executor = ThreadPoolExecutor(thread_name_prefix="web", max_workers=workers)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django is served over HTTP only, not {scope['type']}")
        body = scope.get(BODY_KEY) or io.BytesIO()
        environ = build_environ(scope, body)
        environ.pop("asgi.scope", None)  # a scope holds the body and the server's objects: not for Django
        if BODY_SIZE_KEY in scope:  # a chunked body has no Content-Length of its own: Django needs one
            environ["CONTENT_LENGTH"] = str(scope[BODY_SIZE_KEY])
        loop = asyncio.get_running_loop()
        call = contextvars.copy_context().run
        status, headers, content = await loop.run_in_executor(self.executor, call, self._respond, environ, loop, send)
        if content is None:
            return  # streamed from the thread
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    def _respond(self, environ, loop, send):
        """In a pool thread: Django's answer as (status, headers, bytes), or, for a streamed
        response, sent from here as it comes and (status, headers, None)."""
        started = []

        def start_response(status, response_headers, exc_info=None):
            if exc_info is not None and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [int(status.split(" ", 1)[0]),
                          [(name.lower().encode("latin1"), value.encode("latin1")) for name, value in response_headers]]
            return _no_write

        iterable = self.app(environ, start_response)
        try:
            if not getattr(iterable, "streaming", False):
                content = b"".join(iterable)
                return started[0], started[1], content

            def deliver(message):
                async def sending():  # the server's send may return a future, not a coroutine
                    await send(message)

                asyncio.run_coroutine_threadsafe(sending(), loop).result()

            deliver({"type": "http.response.start", "status": started[0], "headers": started[1]})
            for chunk in iterable:
                if chunk:
                    deliver({"type": "http.response.body", "body": chunk, "more_body": True})
            deliver({"type": "http.response.body", "body": b""})
            return started[0], started[1], None
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()


def _no_write(data):
    # WSGI's write() is for applications older than iterables; Django never calls it.
    raise NotImplementedError("write() is not supported: return the response body instead")
