from django.conf import settings
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.generic import ListView

from newsdesk.live import events
from newsdesk.pagecache.middleware import tag

from . import queries

# Pages the site map lists when the site has them (each part of the site may come and go).
OPTIONAL_PAGES = [("Search", "search:search"), ("The news feed (RSS)", "feeds:site-rss")]

TITLES = {
    "sections": ("Sections", "Every section of {site}, with its latest story."),
    "people": ("People", "Everyone {site} has written about, with the latest story about each."),
    "topics": ("Topics", "Every topic {site} has covered, with the latest story on each."),
}


class Directory(ListView):
    """All sections, people or topics: how many published stories each has, and the latest."""

    kind = None
    template_name = "directory/listing.html"
    paginate_by = 50  # whatever the address asks: ListView reads no page size from it

    def get_queryset(self):
        return queries.listing(self.kind)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = queries.attach_latest(list(context["object_list"]))
        title, description = TITLES[self.kind]
        # Every published story's change records ARCHIVE (its count or headline may show here);
        # a person's or topic's rename records its own key.
        keys = [] if self.kind == "sections" else [f"{entry._meta.model_name}:{entry.pk}" for entry in entries]
        tag(self.request, events.ARCHIVE, *keys)
        return {**context, "entries": entries, "kind": self.kind, "title": title,
                "description": description.format(site=settings.SITE_NAME)}


sections = Directory.as_view(kind="sections")
people = Directory.as_view(kind="people")
topics = Directory.as_view(kind="topics")


def site_map(request):
    """The reader's map of the site: its sections, the directories, recent months, and more."""
    tag(request, events.ARCHIVE)
    optional = []
    for label, name in OPTIONAL_PAGES:
        try:
            optional.append((label, reverse(name)))
        except NoReverseMatch:
            pass
    return render(request, "directory/site_map.html", {"months": queries.recent_months(), "optional_pages": optional})
