"""The same answers through Django, for a server that runs newsdesk.wsgi rather than
`newsdesk serve` (whose front answers them first)."""

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from . import checks


def _response(answer):
    status, headers, body = answer
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response


@require_safe
def healthz(request):
    return _response(checks.live_answer())


@require_safe
def readyz(request):
    return _response(checks.ready_answer())
