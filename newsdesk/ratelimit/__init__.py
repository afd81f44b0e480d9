"""Fixed-window rate limits for anything readers send in, counted where every server process
sees them: in Redis when REDIS_URL is set, else in the database (see store.py)."""

import hashlib
import ipaddress
import logging

from django.conf import settings

from . import store

log = logging.getLogger(__name__)


def key(scope, ident):
    # Hashed: an ident may be anything (an address, an email) and keys must stay short and plain.
    digest = hashlib.sha256(str(ident).encode()).hexdigest()[:32]
    return f"{scope}:{digest}"


def allow(scope, ident, limit, window_seconds):
    """Count one attempt by `ident` in `scope`; False once more than `limit` fall in one window.

    The window opens with the first attempt and lasts `window_seconds`; the store counts
    atomically, so concurrent attempts in any process all count.
    """
    try:
        count, _ = store.current().hit(key(scope, ident), window_seconds)
    except Exception:
        # The store (Redis, the database) is restarting or out of reach: a reader's comment is
        # not refused, nor answered with an error page, for that; limits count again once it is back.
        log.warning("rate limit %s not counted: the store is out of reach", scope, exc_info=True)
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
