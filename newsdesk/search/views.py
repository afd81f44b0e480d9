from django.http import Http404
from django.shortcuts import render

from newsdesk.live import events
from newsdesk.pagecache.middleware import tag

from . import services
from .forms import SearchForm


def _page_number(value):
    """The page asked for: 1 when missing or not a number; a number past the last is a 404."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def search(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = services.search(form.cleaned_data["q"], form.filters(), _page_number(request.GET.get("page")))
        except services.PageNotFound:
            raise Http404("No such page of results.") from None
        # Any story published, changed or withdrawn may change the results (the archive's key
        # goes with each), and these stories' own changes do.
        tag(request, events.ARCHIVE, *(events.story_key(hit.story.pk) for hit in results.hits))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "search/search.html", {"form": form, "results": results, "query_string": query.urlencode(),
                                                  "page_size": services.PAGE_SIZE})
