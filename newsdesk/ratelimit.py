"""Fixed-window rate limits kept in Django's cache, for anything readers send in."""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


def _key(scope, ident):
    # Hashed: an ident may be anything (an address, an email) and cache keys must stay short and plain.
    digest = hashlib.sha256(str(ident).encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def allow(scope, ident, limit, window_seconds):
    """Count one attempt by `ident` in `scope`; False once more than `limit` fall in one window.

    The window opens with the first attempt and lasts `window_seconds`. add() opens it
    only if no other process has, and incr() is atomic, so concurrent attempts all count.
    """
    key = _key(scope, ident)
    try:
        if cache.add(key, 1, timeout=window_seconds):
            return limit >= 1
        try:
            count = cache.incr(key)
        except ValueError:  # the window closed between add() and incr(): this attempt opens the next
            cache.add(key, 1, timeout=window_seconds)
            return limit >= 1
    except ValueError:
        raise
    except Exception:
        # The cache (Redis) is restarting or out of reach: a reader's comment is not refused,
        # nor answered with an error page, for that; limits count again once it is back.
        log.warning("rate limit %s not counted: the cache is out of reach", scope, exc_info=True)
        return True
    return count <= limit


def client_ip(request):
    """The address a request came from: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies,
    the address the outermost of them saw. Entries further left in X-Forwarded-For are
    written by the client and never trusted."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote
