from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from newsdesk.pictures import views as pictures
from newsdesk.site import views as site
from newsdesk.site.sitemaps import StorySitemap

urlpatterns = [
    path("", site.home, name="home"),
    path("robots.txt", site.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": {"stories": StorySitemap}}, name="sitemap"),
    path("admin/", admin.site.urls),
    path("account/", include("newsdesk.readers.urls")),
    path("moderation/", include("newsdesk.moderation.urls")),
    path("comments/", include("newsdesk.comments.urls")),
    path("live/", include("newsdesk.live.urls")),
    # Picture renditions (MEDIA_URL), for a single box; a front server serving /media/ answers first.
    path("media/pictures/<path:name>", pictures.rendition_file, name="picture-file"),
    path("newsroom/pictures/", include("newsdesk.pictures.urls")),
    path("newsroom/", include("newsdesk.newsroom.urls")),
    path("", include("newsdesk.stories.urls")),
    path("", include("newsdesk.people.urls")),
]

handler404 = "newsdesk.site.views.page_not_found"
handler500 = "newsdesk.site.views.server_error"
