"""Whether this process can serve readers: for a load balancer's liveness and readiness checks.

Liveness (/healthz) is the process answering at all: it touches nothing else, so a database
outage never gets healthy processes restarted. Readiness (/readyz) is the database answering
a trivial query, and Redis a PING when REDIS_URL is set, each within HEALTH_TIMEOUT_SECONDS.

Each check opens a connection of its own, on a thread of its own: a database that hangs
holds one of those threads (until the driver's own timeout lets go), never a request's
thread or the event loop, and a request's connection is never left in a failed state."""

import json
import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Timeout

from django.conf import settings
from django.db import connections
from django.db.utils import load_backend

log = logging.getLogger(__name__)

OK = "ok"
NOT_CONFIGURED = "not configured"
UNAVAILABLE = "unavailable"
TIMED_OUT = "timed out"
# Seconds a load balancer is asked to wait before trying a server that is not ready again.
RETRY_AFTER = 5

_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readiness")
_redis = None
_redis_lock = threading.Lock()
_last = {}  # part -> its last state: a change is logged once, not at every check


def database():
    """Run SELECT 1 on a new connection to the default database (closed after)."""
    db = connections.settings["default"]
    options = dict(db.get("OPTIONS") or {})
    seconds = settings.HEALTH_TIMEOUT_SECONDS
    if db["ENGINE"].endswith("postgresql"):
        options["connect_timeout"] = max(2, math.ceil(seconds))  # libpq's least
    elif db["ENGINE"].endswith("sqlite3"):
        options["timeout"] = seconds
    wrapper = load_backend(db["ENGINE"]).DatabaseWrapper({**db, "OPTIONS": options}, "default")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        wrapper.close()


def redis():
    """PING the Redis of REDIS_URL (one client per process, with short socket timeouts)."""
    global _redis
    import redis as redis_py

    with _redis_lock:
        if _redis is None:
            seconds = settings.HEALTH_TIMEOUT_SECONDS
            _redis = redis_py.Redis.from_url(settings.REDIS_URL, socket_timeout=seconds,
                                             socket_connect_timeout=seconds)
    if not _redis.ping():
        raise ConnectionError("Redis did not answer PONG")


def readiness():
    """{"database": state, "redis": state}, each "ok", "unavailable", "timed out" (or for
    Redis "not configured"), and whether the process is ready (every part ok)."""
    parts = {"database": _pool.submit(database)}
    if settings.REDIS_URL:
        parts["redis"] = _pool.submit(redis)
    deadline = time.monotonic() + settings.HEALTH_TIMEOUT_SECONDS
    report = {"database": OK, "redis": NOT_CONFIGURED}
    for name, future in parts.items():
        error = None
        try:
            future.result(timeout=max(0.0, deadline - time.monotonic()))
            report[name] = OK
        except Timeout:
            report[name] = TIMED_OUT
        except Exception as failure:
            report[name], error = UNAVAILABLE, failure
        _note(name, report[name], error)
    return all(state in (OK, NOT_CONFIGURED) for state in report.values()), report


def _note(name, state, error):
    previous = _last.get(name, OK)
    _last[name] = state
    if state != previous:
        if state == OK:
            log.warning("readiness: the %s answers again", name)
        else:
            log.warning("readiness: the %s is %s: %s", name, state, error or f"no answer in {settings.HEALTH_TIMEOUT_SECONDS} s")


# What both answers carry: never stored by any cache, nothing to sniff.
HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]


def live_answer():
    return 200, HEADERS, b'{"status": "ok"}\n'


def ready_answer():
    """(status, headers, body) of /readyz: 200, or 503 with Retry-After."""
    ready, report = readiness()
    body = (json.dumps(report) + "\n").encode()
    if ready:
        return 200, HEADERS, body
    return 503, [*HEADERS, ("Retry-After", str(RETRY_AFTER))], body
