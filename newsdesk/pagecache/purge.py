"""Purging the caches in front of Newsdesk.

- nginx (deploy/nginx.conf): stock nginx cannot delete a cached page, but it replaces one
  when asked for it with the refresh header and secret. Each process refreshes the pages
  it answered there (it knows their URLs and keys); see store._served.
- a CDN or Varnish: PURGE_HOOK_URL is sent the surrogate keys of every change, once, by
  the leading process, which keeps its place in the events so none is skipped."""

import json
import logging
import queue
import threading
import urllib.error
import urllib.request

from django.conf import settings

log = logging.getLogger(__name__)

HOOK_CURSOR = "purge-hook"
_queue = queue.Queue(maxsize=10000)
_worker = None


def refresh_in_nginx(urls):
    """Queue a refresh of each cached URL ("host/path?query") in every nginx of PURGE_NGINX_URLS."""
    global _worker
    if not settings.PURGE_NGINX_URLS:
        return
    if _worker is None:
        _worker = threading.Thread(target=_refresh_loop, name="nginx-refresh", daemon=True)
        _worker.start()
    for url in urls:
        try:
            _queue.put_nowait(url)
        except queue.Full:
            log.warning("too many nginx refreshes waiting; %s is left to expire", url)


def _refresh_loop():
    while True:
        url = _queue.get()
        host, _, path = url.partition("/")
        for base in settings.PURGE_NGINX_URLS:
            request = urllib.request.Request(base.rstrip("/") + "/" + path, headers={
                "Host": host, "X-Newsdesk-Refresh": settings.PURGE_SECRET})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                if error.code >= 500:
                    log.warning("nginx at %s could not refresh %s: %s", base, url, error)
            except OSError as error:
                log.warning("nginx at %s could not refresh %s: %s", base, url, error)


def tell_hook(batch=500):
    """Send the keys of the events since the hook's cursor to PURGE_HOOK_URL; move the
    cursor only once the hook has answered 2xx (so a failing hook is retried)."""
    from django.db import transaction

    from newsdesk.live.models import Cursor, Event

    cursor, made = Cursor.objects.get_or_create(name=HOOK_CURSOR)
    if made:  # first time: from now on, not the whole history
        cursor.event_id = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        cursor.save()
    events = list(Event.objects.filter(id__gt=cursor.event_id).order_by("id")[:batch])
    if not events:
        return 0
    keys = sorted({key for event in events for key in event.keys.split()})
    body = json.dumps({"surrogate_keys": keys, "events": [events[0].id, events[-1].id]}).encode()
    request = urllib.request.Request(settings.PURGE_HOOK_URL, data=body, method="POST", headers={
        "Content-Type": "application/json", "Surrogate-Key": " ".join(keys), "xkey-purge": " ".join(keys)})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    except (urllib.error.URLError, OSError) as error:
        log.warning("the purge hook %s failed: %s; will try again", settings.PURGE_HOOK_URL, error)
        return 0
    with transaction.atomic():
        Cursor.objects.filter(name=HOOK_CURSOR, event_id=cursor.event_id).update(event_id=events[-1].id)
    return len(events)
