from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsdesk.site.context_processors import sections
from newsdesk.site.middleware import has_session
from newsdesk.site.shared import shared

register = template.Library()

EMPTY_TOKEN = mark_safe('<input type="hidden" name="csrfmiddlewaretoken" value="">')


@register.simple_tag(takes_context=True)
def csrf_field(context):
    """`{% csrf_token %}` on pages that are the visitor's own; an empty field on pages
    that must be the same for every guest (site/csrf.js fills it in on first use,
    and without JavaScript the reader confirms the post once)."""
    request = context.get("request")
    if request is None:
        return EMPTY_TOKEN
    if has_session(request) or request.method not in ("GET", "HEAD"):
        # A signed-in reader's page, or an answer to a post: never shared.
        return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    return EMPTY_TOKEN


@register.simple_tag
def chrome(template_name):
    """A part of every reader page that shows only the site's settings and its sections (the
    menu, the search form, the footer), rendered once in this process while nothing readers
    see has changed (site.shared): a tenth of an uncached article page otherwise."""
    def render():
        return mark_safe(render_to_string(template_name, {"site_name": settings.SITE_NAME, "sections": sections()}))

    return shared("chrome:" + template_name, render)
