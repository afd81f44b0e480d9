from django.contrib import admin
from django.urls import include, path

from newsdesk.health import views as health
from newsdesk.logins import views as logins
from newsdesk.pictures import views as pictures
from newsdesk.site import views as site
from newsdesk.site import sitemaps
from newsdesk.site.ondemand import on_demand

urlpatterns = [
    path("", site.home, name="home"),
    path("robots.txt", site.robots_txt, name="robots"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap-news"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("admin/login/", logins.admin_login),  # before the admin's own: throttled sign-ins answer 429
    path("admin/", admin.site.urls),
    path("account/", include("newsdesk.readers.urls")),
    path("moderation/", include("newsdesk.moderation.urls")),
    path("comments/", include("newsdesk.comments.urls")),
    path("live/", include("newsdesk.live.urls")),
    # Picture renditions (MEDIA_URL), for a single box; a front server serving /media/ answers first.
    path("media/pictures/<path:name>", pictures.rendition_file, name="picture-file"),
    path("newsroom/pictures/", include("newsdesk.pictures.urls")),
    path("newsroom/wire/", include("newsdesk.wire.urls")),
    path("newsroom/", include("newsdesk.newsroom.urls")),
    path("", include("newsdesk.stories.urls")),
    path("", include("newsdesk.people.urls")),
]

handler400 = "newsdesk.site.limits.bad_request"  # 413 for a body too large or with too many fields
handler404 = "newsdesk.site.views.page_not_found"
handler500 = "newsdesk.site.views.server_error"

# Sign-in security: the second factor (and the code step of signing in), signed-in sessions.
urlpatterns += [
    path("newsroom/security/", include("newsdesk.twofactor.urls")),
    path("newsroom/sessions/", include("newsdesk.signins.urls")),
]

# Feeds: RSS 2.0, Atom and JSON Feed of the site, the briefs, each section, person and topic.
urlpatterns += [path("", include("newsdesk.feeds.urls"))]

# IPTC ninjs: each published story as a ninjs 2.1 document, for partners and wire readers.
urlpatterns += [
    path("", include("newsdesk.imports.ninjs.urls")),
]

# The JSON API (its own JSON 404 for any address under it), and the newsroom's page for its tokens.
# Its module (django-ninja, pydantic: some 12 MB) is imported when an address under /api/ is
# first asked for or reversed, not by every serving process at start.
urlpatterns = [
    on_demand("api/", "newsdesk.api.urls", "api"),
    path("newsroom/tokens/", include("newsdesk.api.tokens_urls")),
    *urlpatterns,
]

# Directories for readers: all sections, people and topics, and the site map.
urlpatterns += [
    path("", include("newsdesk.directory.urls")),
]

# Search: the reader's search page.
urlpatterns += [path("", include("newsdesk.search.urls"))]
