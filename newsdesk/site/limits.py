"""How the site answers when a request asks for too much: a body too large or with too many
fields (413), too many attempts (429, with Retry-After), a query running too long (503, with
Retry-After). Each says so in a page (or JSON, to a script that asks for it), never a 500.

Query timeouts hold in the serving processes only: `bound_web_queries()` (called by asgi.py
and wsgi.py before any connection is made) gives PostgreSQL connections a statement_timeout,
and on SQLite `QueryTimeoutMiddleware` stops a query of a request that runs past it. Commands
such as `newsdesk import` and migrations run without a limit."""

import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from .security import ERROR_PAGE_CSS, error_page_policy

# A reader shown "busy" is asked to come back after this many seconds.
BUSY_RETRY_SECONDS = 30
# SQLite checks the clock every this many virtual machine steps (about a millisecond's work).
SQLITE_CHECK_STEPS = 20_000
POSTGRESQL = "django.db.backends.postgresql"


def wants_json(request):
    # The JSON API (/api/) answers JSON whatever its caller accepts.
    return "application/json" in request.headers.get("Accept", "") or request.path_info.startswith("/api/")


def too_many(response, retry_after):
    """`response` as a 429 that says when to try again (seconds)."""
    response.status_code = 429
    response["Retry-After"] = str(max(1, int(retry_after)))
    return response


def too_many_json(message, retry_after, **extra):
    return too_many(JsonResponse({"error": message, "retry_after": int(retry_after), **extra}), retry_after)


def bad_request(request, exception=None):
    """handler400: a body over REQUEST_MAX_BYTES or with more than REQUEST_MAX_FIELDS fields (or
    too many files) is refused with 413 and says what the limit is; any other bad request, 400."""
    if isinstance(exception, RequestDataTooBig):
        size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        text = f"What you sent is too large: at most {size / (1024 * 1024):.3g} MB of text is taken here."
    elif isinstance(exception, TooManyFieldsSent):
        text = f"What you sent has too many fields: at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} are taken."
    elif isinstance(exception, TooManyFilesSent):
        text = f"What you sent has too many files: at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} are taken."
    else:
        if wants_json(request):
            return JsonResponse({"error": "The request could not be understood."}, status=400)
        return render(request, "limit.html", {"title": "Bad request",
                                              "text": "The request could not be understood."}, status=400)
    if wants_json(request):
        return JsonResponse({"error": text}, status=413)
    return render(request, "limit.html", {"title": "Too much to send", "text": text}, status=413)


def refused_request(request, text):
    """400 that says what was wrong with the request (a page, or JSON to a script)."""
    if wants_json(request):
        return JsonResponse({"error": text, "field": None}, status=400)
    return render(request, "limit.html", {"title": "Bad request", "text": text}, status=400)


def busy(request):
    """503 for a page whose query ran too long: no database and no context processors, the
    database being what is slow."""
    retry = str(BUSY_RETRY_SECONDS)
    text = "This page is taking too long to prepare just now. Please try again in a minute."
    if wants_json(request):
        response = JsonResponse({"error": text, "retry_after": BUSY_RETRY_SECONDS}, status=503)
    else:
        page = loader.get_template("503.html").render({"site_name": settings.SITE_NAME, "error_css": ERROR_PAGE_CSS, "text": text})
        response = HttpResponse(page, status=503)
        response["Content-Security-Policy"] = error_page_policy()
    response["Retry-After"] = retry
    response["Cache-Control"] = "no-store"
    return response


def is_query_timeout(exception):
    """PostgreSQL's statement_timeout (SQLSTATE 57014) or SQLite's interrupted query."""
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    return getattr(cause, "sqlstate", None) == "57014" or str(exception) == "interrupted"


def web_database_options(database, seconds):
    """`database`'s OPTIONS with a statement_timeout for PostgreSQL (not behind a pooler in
    transaction mode, which would refuse or share it: set it on the role there)."""
    options = dict(database.get("OPTIONS") or {})
    if seconds and database["ENGINE"] == POSTGRESQL and not database.get("DISABLE_SERVER_SIDE_CURSORS"):
        timeout = f"-c statement_timeout={int(seconds * 1000)}"
        options["options"] = f"{options.get('options', '')} {timeout}".strip()
    return options


def bound_web_queries():
    """Give this serving process's PostgreSQL connections the web statement_timeout."""
    database = settings.DATABASES[DEFAULT_DB_ALIAS]
    database["OPTIONS"] = web_database_options(database, settings.QUERY_TIMEOUT_SECONDS)


def _sqlite_deadline(seconds):
    def stop_when_late(execute, sql, params, many, context):
        if context["connection"].allow_thread_sharing:
            # One connection serving several threads (an in-memory database behind a test
            # server): a handler is the connection's, not the query's, and SQLite calls it
            # holding the connection's lock while it waits for Python's, so setting one while
            # another thread's query runs would lock both threads for ever.
            return execute(sql, params, many, context)
        raw = context["connection"].connection
        deadline = time.monotonic() + seconds
        raw.set_progress_handler(lambda: time.monotonic() > deadline, SQLITE_CHECK_STEPS)
        try:
            return execute(sql, params, many, context)
        finally:
            raw.set_progress_handler(None, 0)

    return stop_when_late


class QueryTimeoutMiddleware:
    """A query that ran past QUERY_TIMEOUT_SECONDS answers 503 with Retry-After; on SQLite
    (no statement_timeout there) each query of the request is stopped once it is that late.
    SQLite's guard covers a query's first step, where sorting and counting happen: rows read
    afterwards are not timed."""

    def __init__(self, get_response):
        self.get_response = get_response
        seconds = settings.QUERY_TIMEOUT_SECONDS
        sqlite = settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"] == "django.db.backends.sqlite3"
        self.wrapper = _sqlite_deadline(seconds) if seconds and sqlite else None

    def __call__(self, request):
        if self.wrapper is None:
            return self.get_response(request)
        with connections[DEFAULT_DB_ALIAS].execute_wrapper(self.wrapper):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if is_query_timeout(exception):
            return busy(request)
        return None
