from django.contrib import admin

from . import throttle


def admin_login(request):
    """The admin's own login page; a sign-in refused by the throttle is answered 429 with Retry-After."""
    response = admin.site.login(request)
    context = getattr(response, "context_data", None) or {}
    return throttle.answer(response, context.get("form"))
