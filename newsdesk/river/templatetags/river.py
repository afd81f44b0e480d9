from django import template
from django.conf import settings
from django.utils import formats, timezone

from newsdesk.river import services

register = template.Library()


@register.filter
def river_time(value):
    """HH:MM for today in the newsroom's zone, a date before that."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    if local.year == timezone.localdate().year:
        return formats.date_format(local, "j M")
    return formats.date_format(local, "j M Y")


@register.inclusion_tag("river/river.html")
def river(story=None, heading="Read next"):
    return {"items": services.latest(exclude=story), "heading": heading, "size": settings.RIVER_SIZE,
            "exclude": story.pk if story else None}
