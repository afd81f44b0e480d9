"""The site's URLs plus stand-ins for newsroom URL names that are not written yet.

Every newsroom page links to every part of the newsroom (newsroom/base.html), so a
page cannot render while a colleague's part is missing. A stand-in is added only
for a name the real URLconf lacks: as the newsroom is finished, this becomes the
site's own URLconf. Tests select it with `use_newsroom_urls`.
"""

from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from newsdesk import urls as site
from newsdesk.newsroom import urls as newsroom

# Names the newsroom's templates link to, with example arguments.
LINKED = {"stories": [], "new-story": [], "tags": [], "edit-story": [1]}


def exists(name, args=()):
    try:
        reverse(f"newsroom:{name}", args=args, urlconf=site)
    except NoReverseMatch:
        return False
    return True


def not_written_yet(request, **kwargs):
    return HttpResponse("Not written yet.", status=501, content_type="text/plain")


STAND_INS = [
    path(f"not-written-yet/{name}/" + ("<int:pk>/" if args else ""), not_written_yet, name=name)
    for name, args in LINKED.items()
    if not exists(name, args)
]

urlpatterns = [
    path("newsroom/", include((newsroom.urlpatterns + STAND_INS, "newsroom"))),
    *(p for p in site.urlpatterns if getattr(p, "namespace", None) != "newsroom"),
]
