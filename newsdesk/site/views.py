from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
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
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors or database: the failure may be there.
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(template.render({"site_name": settings.SITE_NAME}), status=500)
