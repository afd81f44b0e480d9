from django.shortcuts import get_object_or_404, render
from django.views.generic import DayArchiveView, MonthArchiveView, YearArchiveView, ArchiveIndexView, ListView

from .models import Section, Story


def _live_story(slug, kind):
    story = get_object_or_404(
        Story.objects.published().select_related("section", "link").prefetch_related("people", "topics"),
        slug=slug,
        kind=kind,
    )
    return story


def article(request, slug):
    story = _live_story(slug, Story.Kind.ARTICLE)
    return render(request, "stories/article.html", {"story": story})


def brief(request, slug):
    story = _live_story(slug, Story.Kind.BRIEF)
    return render(request, "stories/brief.html", {"story": story})


class SectionView(ListView):
    template_name = "stories/section.html"
    paginate_by = 20

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return Story.objects.for_listing().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class ArchiveMixin:
    """Django's date views over what readers may see."""

    date_field = "published_at"
    paginate_by = 50
    allow_empty = True
    month_format = "%m"

    def get_queryset(self):
        return Story.objects.for_listing()


class ArchiveIndex(ArchiveMixin, ArchiveIndexView):
    template_name = "stories/archive.html"
    paginate_by = 20


class YearArchive(ArchiveMixin, YearArchiveView):
    template_name = "stories/archive.html"
    make_object_list = True


class MonthArchive(ArchiveMixin, MonthArchiveView):
    template_name = "stories/archive.html"


class DayArchive(ArchiveMixin, DayArchiveView):
    template_name = "stories/archive.html"
