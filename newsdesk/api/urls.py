from functools import wraps

from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from .api import api, error_response, unknown


def json_405(view):
    """A method an endpoint does not take: 405 in JSON, like every other API error."""
    @wraps(view)  # keeps ninja's csrf_exempt: tokens, not cookies, authenticate the API
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            return error_response(405, f"{request.method} is not taken here; use {allowed}.", headers={"Allow": allowed})
        return response
    return wrapper


# The site's URLconf names this module's patterns "api:..." (newsdesk/urls.py), and imports it
# only when an address under /api/ is asked for or reversed.
_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback = json_405(_pattern.callback)

urlpatterns = [
    *_patterns,
    re_path(r"^.*$", csrf_exempt(unknown)),
]
