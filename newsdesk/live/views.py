"""GET /live/stream for a WSGI server (`newsdesk runserver`, the test server): the same
events as the ASGI stream in front (stream.py), read straight from the database every
LIVE_POLL_SECONDS. `newsdesk serve` answers this path before Django is reached; here a
stream costs a thread, so it ends after a few minutes and the browser reconnects from
where it was (Last-Event-ID)."""

import time

from django.conf import settings
from django.db import close_old_connections
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from .messages import build
from .models import Event
from .stream import parse

LIFETIME_SECONDS = 300
KEEPALIVE_SECONDS = 15


@require_GET
def stream(request):
    try:
        after, story_id = parse(request.META.get("QUERY_STRING", ""), request.headers.get("Last-Event-ID", ""))
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    latest = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if after is None or after > latest:  # later than anything written: from now on
        after = latest

    def events(after=after):
        yield b"retry: 2000\n\n"
        started = quiet = time.monotonic()
        try:
            while time.monotonic() - started < LIFETIME_SECONDS:
                batch = list(Event.objects.filter(id__gt=after).order_by("id")[:300])
                if batch:
                    after = batch[-1].id
                    chunk = b"".join(m.data for m in build(batch) if m.for_everyone or m.story_id == story_id)
                    if chunk:
                        quiet = time.monotonic()
                        yield chunk
                elif time.monotonic() - quiet > KEEPALIVE_SECONDS:
                    quiet = time.monotonic()
                    yield b": keepalive\n\n"
                close_old_connections()
                time.sleep(settings.LIVE_POLL_SECONDS)
        finally:
            close_old_connections()

    response = StreamingHttpResponse(events(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response
