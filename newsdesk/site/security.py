"""Security headers on every response, and Newsdesk's own deployment checks
(`newsdesk check --deploy`, beside Django's).

The pages run no inline script and carry no inline style: every script and style sheet is a
static file of this site, so the policy allows 'self' and nothing inline at all, with no
nonce to make each page unique (cached pages stay the same bytes for every reader). The one
exception is the server error page, which must render with nothing else working: its few
lines of style are allowed by their hash."""

import base64
import hashlib

from django.conf import settings
from django.core import checks

# The server error page's whole style sheet (templates/500.html has it inline).
ERROR_PAGE_CSS = ("body{font:1.1rem/1.6 Georgia,serif;max-width:38rem;margin:3rem auto;padding:0 1rem;"
                  "color:#1a1a1a}a{color:#a3120c}")


def _sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def content_security_policy(*, style_hashes=()):
    styles = " ".join(["'self'", *style_hashes])
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        f"style-src {styles}",
        "img-src 'self' data:",  # the favicon is a data: URL
        "font-src 'self'",
        "connect-src 'self'",  # the live stream and the CSRF token
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        *(["upgrade-insecure-requests"] if settings.HTTPS else []),
    ])


# Nothing of the browser's the site uses: asked for by no page, refused to any frame.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb", "browsing-topics",
))


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy to responses that have none of
    their own (Django's SecurityMiddleware adds HSTS, nosniff, Referrer-Policy and COOP)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def error_page_policy():
    return content_security_policy(style_hashes=[_sha256(ERROR_PAGE_CSS)])


@checks.register(checks.Tags.security, deploy=True)
def check_deployment(app_configs, **kwargs):
    """What Django's deployment checks do not know of Newsdesk's settings."""
    found = []
    if not settings.SECRET_KEY_FROM_ENVIRONMENT:
        found.append(checks.Warning(
            "SECRET_KEY is not set in the environment: it was made for this VAR_DIR, and a server "
            "on another machine would make a different one (its sessions and signed forms would "
            "not hold on this one).", hint="Set the same SECRET_KEY on every server.", id="newsdesk.W001"))
    if not settings.PURGE_SECRET_FROM_ENVIRONMENT:
        found.append(checks.Warning(
            "PURGE_SECRET is not set in the environment: it was made for this VAR_DIR, and the "
            "nginx config of another machine would not match it.",
            hint="Set the same PURGE_SECRET on every server, and render the nginx config with it.",
            id="newsdesk.W002"))
    if not settings.HTTPS:
        found.append(checks.Warning(
            "HTTPS is not on: cookies are sent over plain HTTP and browsers are not told to use HTTPS.",
            hint="Serve the site over HTTPS from the front server and set HTTPS=true.", id="newsdesk.W003"))
    elif settings.TRUSTED_PROXY_COUNT < 1:
        found.append(checks.Warning(
            "HTTPS is on but TRUSTED_PROXY_COUNT is 0: behind the front server that ends TLS, every "
            "reader has its address, so rate limits and bans would hit everyone at once.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front (1 for deploy/nginx.conf).",
            id="newsdesk.W004"))
    if not settings.EMAIL_HOST:
        found.append(checks.Warning(
            "EMAIL_HOST is not set: readers' mail (email confirmation, password resets) is only "
            "printed to the log.", hint="Set EMAIL_HOST and its login.", id="newsdesk.W005"))
    if all(host in ("127.0.0.1", "localhost", "[::1]", "testserver") for host in settings.ALLOWED_HOSTS):
        found.append(checks.Warning(
            "ALLOWED_HOSTS names only this machine: readers could not reach the site by its name.",
            hint="Set ALLOWED_HOSTS to the site's host names.", id="newsdesk.W006"))
    return found
