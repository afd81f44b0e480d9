"""When a guest's post may be confirmed instead of refused for want of a CSRF token.

Pages for guests carry an empty token field, which a script fills in on first use.
Without JavaScript the post arrives with no cookie or token: for the comment, like and
report forms, and only when the post comes from this site, the reader is shown what
they sent, with a fresh token, and sends it again. Nothing is saved before that.
"""

from urllib.parse import urlsplit

from django.conf import settings

# The endpoints that may be confirmed, and what the reader is asked to confirm.
CONFIRMABLE = {
    "comments:post": "comment",
    "comments:like": "like",
    "comments:report": "report",
}

# Django's reasons for a missing or wrong cookie or token ("CSRF cookie not set.",
# "CSRF token missing.", "CSRF token from POST incorrect."...), not those for a
# foreign Origin or Referer.
TOKEN_REASONS = ("CSRF cookie ", "CSRF token ")


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def is_same_site(request):
    """No Origin, or our own or a trusted one; over HTTPS, a Referer (if any) from there too."""
    own = {f"{request.scheme}://{request.get_host()}".lower(), *(o.lower() for o in settings.CSRF_TRUSTED_ORIGINS)}
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() not in own:
        return False
    referer = request.headers.get("Referer")
    return not (request.is_secure() and referer and _origin(referer) not in own)


def what_to_confirm(request, reason):
    """"comment", "like" or "report" when the reader may confirm the post, else None."""
    match = request.resolver_match
    kind = CONFIRMABLE.get(match.view_name) if match else None
    if kind is None or request.method != "POST" or not reason.startswith(TOKEN_REASONS):
        return None
    return kind if is_same_site(request) else None
