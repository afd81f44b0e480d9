"""The page cache's Django side: marks the pages a shared cache may keep, answers
conditional requests, and stores pages for the front (front.py) to answer next time.

A page is cached only when a view tagged it (`tag(request, keys)`: the surrogate keys of
what it shows) and it is the same for every visitor: a GET or HEAD with no session or
messages cookie, answered 200 or 410 with no cookie set and nothing varying on cookies
(newsdesk.site.middleware marks everything else private)."""

import hashlib
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from newsdesk.live import state

from . import store

# A request with one of these may get a page of its own: never answered from the cache.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


def tag(request, *keys):
    """Say which stories, people, topics and sections a page shows (e.g. "story:12")."""
    page_keys = getattr(request, "page_keys", None)
    if page_keys is None:
        page_keys = request.page_keys = {store.EVERYTHING}
    page_keys.update(k for k in keys if k)


def volatile(request, text):
    """Mark a part of the page that differs on every render without changing what it shows
    (a form's signed time): left out of the ETag, so that a reader's copy stays valid."""
    if text:
        request.page_volatile = [*getattr(request, "page_volatile", ()), str(text)]


def etag_of(request, body):
    """A strong ETag for the page's bytes; a weak one (the same page, not the same bytes) when
    parts of it differ on every render."""
    parts = getattr(request, "page_volatile", ())
    for text in parts:
        body = body.replace(text.encode(), b"")
    tag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    return "W/" + tag if parts else tag


def personal(request):
    """Whether the request may be answered differently for this visitor."""
    return any(name in request.COOKIES for name in PERSONAL_COOKIES) or "HTTP_AUTHORIZATION" in request.META


def cache_key(host, path_and_query):
    return f"{host.lower()}{path_and_query}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cacheable = request.method in ("GET", "HEAD") and not personal(request)
        generation = state.generation()
        response = self.get_response(request)
        keys = getattr(request, "page_keys", None)
        if not (cacheable and keys and self.shareable(response)):
            return response
        body = response.content
        response["ETag"] = etag = etag_of(request, body)
        now = time.time()
        response["Last-Modified"] = last_modified = http_date(now)
        patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SECONDS,
                            stale_while_revalidate=60, stale_if_error=86400)
        response["Surrogate-Key"] = " ".join(sorted(keys))
        if request.method == "GET":
            page = store.Page(
                url=cache_key(request.get_host(), request.get_full_path()), status=response.status_code,
                headers=[(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.items()],
                body=body, etag=etag, last_modified=last_modified, keys=frozenset(keys))
            store.store(page, generation)
        if response.status_code == 200:
            return get_conditional_response(request, etag=etag, last_modified=int(now), response=response)
        return response

    @staticmethod
    def shareable(response):
        if response.status_code not in (200, 410) or response.streaming or response.cookies:
            return False
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
        control = response.get("Cache-Control", "").lower()
        return "cookie" not in vary and "*" not in vary and "private" not in control and "no-store" not in control

