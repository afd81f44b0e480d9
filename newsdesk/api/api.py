"""The JSON API under /api/, made with django-ninja: the OpenAPI document (/api/openapi.json)
comes from the endpoints' type hints and schemas.py. Every error is JSON (errors.py)."""

import json
import logging

from django.db import DatabaseError
from django.http import Http404, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from . import reading, writing  # noqa: F401 (writing adds its endpoints to reading's router)
from .errors import ApiError

log = logging.getLogger(__name__)


def inert(text):
    """JSON with <, > and & written as \\u escapes (as Django's json_script does): a story's
    text stays inert even where a browser is talked into reading the JSON as HTML."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class SafeJSONRenderer(JSONRenderer):
    def render(self, request, data, *, response_status):
        return inert(super().render(request, data, response_status=response_status))


api = NinjaAPI(
    title="Newsdesk API", version="1", urls_namespace="api", renderer=SafeJSONRenderer(),
    description="Stories, briefs, people, topics, sections and search, as JSON. Reading is open to anyone; "
                "newsroom tokens (made in the newsroom, sent as `Authorization: Bearer <token>`) also write.",
    # The interactive docs page needs inline scripts the site's Content-Security-Policy refuses.
    docs_url=None, openapi_url="/openapi.json",
)
api.add_router("/", reading.router)


def error_response(status, message, field=None, headers=None, **extra):
    body = inert(json.dumps({"error": message, "field": field, **extra}, ensure_ascii=False))
    response = HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def api_error(request, exc):
    return error_response(exc.status, exc.message, exc.field, exc.headers, **exc.extra)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    """400 naming the first field at fault (ninja's default is 422 with pydantic's list)."""
    first = exc.errors[0] if exc.errors else {}
    where = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "payload")]
    field = ".".join(where) or None
    message = first.get("msg", "This request is not valid.")
    return error_response(400, f"{field}: {message}" if field else message, field)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return error_response(401, "Send a newsroom token as: Authorization: Bearer <token>.",
                          headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(HttpError)
def http_error(request, exc):
    message = str(exc) if exc.status_code != 400 else "The request body is not valid JSON."
    return error_response(exc.status_code, message)


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(404, "Nothing here.")


@api.exception_handler(Exception)
def failed(request, exc):
    if isinstance(exc, DatabaseError):
        raise exc  # the site's own answer: 503 with Retry-After for a slow or unreachable database
    log.exception("API call failed: %s %s", request.method, request.path)
    return error_response(500, "Something went wrong on our side; it has been logged.")


def unknown(request, rest=""):
    """Any other address under /api/: a JSON 404, not the site's HTML page."""
    return error_response(404, "No such endpoint: see /api/openapi.json.")


def openapi_document():
    return json.loads(json.dumps(api.get_openapi_schema()))
