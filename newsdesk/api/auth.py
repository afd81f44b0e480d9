"""Who is calling: a newsroom token (`Authorization: Bearer <token>`) or anyone. Calls are
counted per token, or per client address without one (newsdesk.ratelimit): 429 past the limit."""

from django.conf import settings
from ninja.security import HttpBearer

from newsdesk import ratelimit
from newsdesk.twofactor.services import can_use

from .errors import ApiError
from .models import Token


def token_of(request):
    """The caller's valid token, None without an Authorization header; ApiError (401) for
    any other Authorization: a wrong, revoked or malformed token is never taken as anonymous."""
    if hasattr(request, "_api_token"):
        return request._api_token
    header = request.headers.get("Authorization")
    token = None
    if header is not None:
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "Send a newsroom token as: Authorization: Bearer <token>.",
                           headers={"WWW-Authenticate": "Bearer"})
        token = Token.holding(secret.strip())
        if token is None:
            raise ApiError(401, "This token is not known: check it was copied whole.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if token.revoked:
            raise ApiError(401, "This token was revoked in the newsroom.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if not (token.owner.is_active and can_use(token.owner)):
            raise ApiError(401, "This token's owner is no longer a newsroom member.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        token.used()
    request._api_token = token
    return token


def counted(request):
    """The caller's token (or None), once this call is counted; ApiError (429) past the limit."""
    token = token_of(request)
    if token is not None:
        (count, seconds), scope, ident = settings.API_RATE_TOKEN, "api-token", token.pk
    else:
        (count, seconds), scope, ident = settings.API_RATE_CLIENT, "api-client", ratelimit.client_ip(request)
    if not getattr(request, "_api_counted", False):
        request._api_counted = True
        if not ratelimit.allow(scope, ident, count, seconds):
            raise ApiError(429, f"Too many calls: at most {count} every {seconds} seconds. Try again later.",
                           headers={"Retry-After": str(seconds)}, retry_after=seconds)
    return token


def anyone(request):
    """Reads: anyone, with a token or without; a bad token is refused all the same."""
    return counted(request) or "anonymous"


class NewsroomToken(HttpBearer):
    """Writes: a newsroom token only (no session cookie, hence no CSRF check)."""

    def __call__(self, request):
        token = counted(request)
        if token is None:
            raise ApiError(401, "Writing needs a newsroom token: Authorization: Bearer <token>.",
                           headers={"WWW-Authenticate": "Bearer"})
        return token

    def authenticate(self, request, token):  # required by HttpBearer; __call__ does the work
        return token_of(request)
