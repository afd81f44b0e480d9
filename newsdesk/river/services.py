"""The "Read next" river: the latest briefs and stories, newest first."""

from django.conf import settings

from newsdesk.stories.models import Story


def latest(*, exclude=None, limit=None):
    stories = Story.objects.for_listing()
    if exclude is not None:
        stories = stories.exclude(pk=exclude.pk)
    return list(stories[: limit or settings.RIVER_SIZE])
