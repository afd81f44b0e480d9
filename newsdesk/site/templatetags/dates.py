"""One way of showing a moment, on every page of the site and the newsroom.

`{{ story.published_at|when }}` gives a `<time>` element: the time alone for today, the date and
the time before (the year too when it is not this one), in the site's TIME_ZONE."""

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html

register = template.Library()


def when_label(value, today=None):
    """"14:05" today, "3 May, 14:05" earlier this year, "3 May 2024, 14:05" before."""
    local = timezone.localtime(value)
    today = today or timezone.localdate()
    if local.date() == today:
        return dateformat.format(local, "H:i")
    if local.year == today.year:
        return dateformat.format(local, "j M, H:i")
    return dateformat.format(local, "j M Y, H:i")


@register.filter
def when(value):
    """A `<time>` element for a moment (empty for none)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return format_html('<time datetime="{}">{}</time>', dateformat.format(local, r"Y-m-d\TH:i:sO"), when_label(local))
