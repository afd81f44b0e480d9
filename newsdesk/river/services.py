"""The "Read next" river: the latest briefs and stories, newest first."""

from django.conf import settings

from newsdesk.stories.models import Story, load_tags

HOME_SIZE = 12  # the home page's "Read next" river


def latest(*, exclude=None, limit=None):
    stories = Story.objects.for_listing()
    if exclude is not None:
        stories = stories.exclude(pk=exclude.pk)
    return list(stories[: limit or settings.RIVER_SIZE])


def newest(count):
    """The `count` latest stories with their labels: two queries (prefetch_related takes three)."""
    stories = Story.objects.published().select_related("section", "lead_picture").order_by("-published_at", "-pk")
    return tuple(load_tags(stories[:count]))


def reach():
    """How many of the latest stories any river shows (one more for the page's own story)."""
    return max(settings.RIVER_SIZE, HOME_SIZE) + 1


def cut():
    """The publishing time of the oldest story any river can show, or None while there are
    fewer stories than that: a story published at or after it is in some river."""
    times = Story.objects.published().order_by("-published_at", "-pk").values_list("published_at", flat=True)
    return times[reach() - 1: reach()].first()


def shows(published_at, river_cut):
    return published_at is not None and (river_cut is None or published_at >= river_cut)
