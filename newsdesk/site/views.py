from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from newsdesk.river import services as river
from newsdesk.stories.models import Story


def home(request):
    from newsdesk.live import events
    from newsdesk.stories.views import tag_listing

    leads = list(Story.objects.for_listing().articles()[:7])
    tag_listing(request, leads, events.RIVER)
    return render(request, "site/home.html", {"lead": leads[:1], "more": leads[1:], "river": river.latest(limit=river.HOME_SIZE), "river_size": river.HOME_SIZE})


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/",
             *(f"Sitemap: {request.build_absolute_uri(reverse(name))}" for name in ("sitemap", "sitemap-news"))]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


# How long a reader is asked to wait when the database is out of reach (a restart, a failover).
RETRY_AFTER_SECONDS = 10


def database_unreachable(error):
    """Whether `error` is the database being out of reach (stopped, restarting, refusing
    connections), not a fault in a query: then the request may well succeed again shortly."""
    from django.db import InterfaceError, OperationalError

    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request):
    # No context processors or database: the failure may be there.
    import sys

    from django.template import loader

    from .security import ERROR_PAGE_CSS, error_page_policy

    if database_unreachable(sys.exc_info()[1]):  # handler500 runs inside Django's except block
        return service_unavailable(request)
    template = loader.get_template("500.html")
    response = HttpResponse(template.render({"site_name": settings.SITE_NAME, "error_css": ERROR_PAGE_CSS}), status=500)
    response["Content-Security-Policy"] = error_page_policy()  # its inline style, allowed by its hash
    return response


def service_unavailable(request):
    """503 with Retry-After while the database is away: nothing was saved, and sending it again
    in a moment will do. A script (the comment form) gets the same message as JSON."""
    from django.http import JsonResponse
    from django.template import loader

    from .security import ERROR_PAGE_CSS, error_page_policy

    writing = request.method not in ("GET", "HEAD", "OPTIONS")
    message = ("Nothing was saved: the site cannot store anything for a moment. "
               "Please try again in a moment." if writing else "Please try again in a moment.")
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": message, "retry_after": RETRY_AFTER_SECONDS}, status=503)
    else:
        html = loader.get_template("503.html").render({
            "site_name": settings.SITE_NAME, "error_css": ERROR_PAGE_CSS, "writing": writing})
        response = HttpResponse(html, status=503)
        response["Content-Security-Policy"] = error_page_policy()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
