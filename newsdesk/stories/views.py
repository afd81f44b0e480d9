from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.generic import DayArchiveView, MonthArchiveView, YearArchiveView, ArchiveIndexView, ListView

from newsdesk.live import events
from newsdesk.pagecache.middleware import tag

from .models import Section, Story


def tag_listing(request, stories, *keys):
    """A listing page shows these stories: a change to any of them purges it."""
    tag(request, *keys, *(events.story_key(story.pk) for story in stories))


def story_page(request, story, *, status=200, **context):
    """An article's or a brief's page; other apps pass extra context (a comment form with errors)."""
    template = "stories/brief.html" if story.is_brief else "stories/article.html"
    tag(request, events.story_key(story.pk), events.RIVER,
        *events.tag_keys(section_ids=[story.section_id], person_ids=[p.pk for p in story.people.all()],
                         topic_ids=[t.pk for t in story.topics.all()]))
    return render(request, template, {"story": story, **context}, status=status)


def _show(request, slug, kind):
    story = Story.objects.page(slug=slug, kind=kind)
    if story is not None:
        return story_page(request, story)
    # Where a story the newsroom withdrew was, readers learn why (410 Gone tells crawlers);
    # a wire item withheld or canceled before anyone saw it is simply not there.
    withdrawn = Story.objects.filter(slug=slug, kind=kind, status=Story.Status.WITHDRAWN).exclude(
        withdrawn_reason="").first()
    if withdrawn is not None:
        tag(request, events.story_key(withdrawn.pk))
        return render(request, "stories/withdrawn.html", {"story": withdrawn}, status=410)
    raise Http404("No such story")


def article(request, slug):
    return _show(request, slug, Story.Kind.ARTICLE)


def brief(request, slug):
    return _show(request, slug, Story.Kind.BRIEF)


class SectionView(ListView):
    template_name = "stories/section.html"
    paginate_by = 20

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return Story.objects.for_listing().filter(section=self.section)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(section=self.section, **kwargs)
        tag_listing(self.request, context["object_list"], f"section:{self.section.pk}")
        return context


class ArchiveMixin:
    """Django's date views over what readers may see."""

    date_field = "published_at"
    paginate_by = 50
    allow_empty = True
    month_format = "%m"

    def get_queryset(self):
        return Story.objects.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tag_listing(self.request, context["object_list"], events.ARCHIVE)
        return context


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
