"""Pages for readers who are not signed in carry nothing personal, so shared caches may keep them.

Placed right before SessionMiddleware, this sees each response after the session (and
CSRF, messages) middleware have added their cookies and `Vary: Cookie`.
"""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils import translation
from django.utils.cache import patch_cache_control

# Screens for the newsroom and for one reader's account: never kept by a shared cache.
PRIVATE_PATHS = ("/newsroom/", "/admin/", "/moderation/", "/account/")


def has_session(request):
    """Whether the visitor brought a session: then pages may be theirs alone."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def is_personal(request, response):
    """Whether the response may depend on who asked."""
    if has_session(request) or CookieStorage.cookie_name in request.COOKIES:
        return True
    if response.cookies:  # a cookie set or deleted is one visitor's
        return True
    session = getattr(request, "session", None)
    return session is not None and (session.modified or not session.is_empty())


def drop_vary_cookie(response):
    values = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    kept = [v for v in values if v.lower() != "cookie"]
    if kept == values:
        return
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


class AnonymousPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_personal(request, response) or request.path_info.startswith(PRIVATE_PATHS):
            # Keeps a view's own no-store or max-age; a public one becomes private.
            patch_cache_control(response, private=True, no_cache=True)
        else:
            # The session was only looked at, and found empty: the page is everyone's.
            drop_vary_cookie(response)
        return response


class RefuseNulMiddleware:
    """A NUL character in the address or its query string is refused (400) before any view
    runs: no address of the site holds one, and the database cannot store or compare it
    (PostgreSQL refuses it outright). Forms refuse it field by field (Django's validators)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value
                                         for key, values in request.GET.lists() for value in values):
            from .limits import refused_request

            return refused_request(request, "The address holds a NUL character, which no address may hold.")
        return self.get_response(request)


class SiteLanguageMiddleware:
    """The site's language (LANGUAGE_CODE) made the active one for the request, as Django's
    LocaleMiddleware would, but for every reader alike: pages do not vary by Accept-Language.

    Also for speed: with no language active, every lookup of it (each {% url %}, each translated
    text) looks for a value the thread does not hold, and that failing lookup (an exception in
    asgiref's Local) was a fifth of an uncached article page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(settings.LANGUAGE_CODE)
        return self.get_response(request)
