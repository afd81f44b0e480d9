from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsdesk.river import services
from newsdesk.site.shared import shared

register = template.Library()


# Stands for the page's own story in a river rendered for every page; safe, so that it
# cannot come from a headline (those are escaped).
OWN_STORY = mark_safe("<own-story>")


class _Rivers:
    """The latest stories, and the rivers rendered from them so far (while they are the latest)."""

    def __init__(self, stories):
        self.stories = stories
        self.html = {}  # (heading, shown pks, with an own story): HTML; the same for every reader


@register.simple_tag
def river(story=None, heading="Read next"):
    """The "Read next" river of a story's page: the latest stories but the page's own.

    Every page shows the same few stories, so they are read and rendered once in this process
    while nothing changes (newsdesk.site.shared), and each page only fills in its own story.
    The times shown depend on the day and the time zone: a new day renders them again."""
    size = settings.RIVER_SIZE
    rivers = shared("river", lambda: _Rivers(services.newest(size + 1)),
                    vary=(size, timezone.get_current_timezone_name(), timezone.localdate()))
    own = story.pk if story is not None else None
    items = [item for item in rivers.stories if item.pk != own][:size]
    key = (heading, tuple(item.pk for item in items), own is not None)
    html = rivers.html.get(key)
    if html is None:
        html = get_template("river/river.html").render(
            {"items": items, "heading": heading, "size": size, "exclude": OWN_STORY if own is not None else None})
        rivers.html[key] = html
    return mark_safe(html.replace(OWN_STORY, str(own))) if own is not None else mark_safe(html)
