"""{% story_card story %} and its kin: the canonical link, Open Graph and Twitter tags and the
JSON-LD of a page, in <head>. Each page template picks the one for what it shows."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from newsdesk.cards import build

register = template.Library()

# Inside <script>, "</script>" or "<!--" in a headline would end or bend the element: every <,
# > and & is written as a JSON escape, which parsers read back as the same character.
# (str.replace, not str.translate: a mapping costs translate a lookup per character.)
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


@register.filter
def json_ld(data):
    """`data` as JSON that is safe as the content of a <script type="application/ld+json">."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _SCRIPT_SAFE:
        if character in text:
            text = text.replace(character, escaped)
    return mark_safe(text)


def _card(card):
    return {"card": card, "site_name": settings.SITE_NAME, "site_twitter": settings.SITE_TWITTER}


@register.inclusion_tag("cards/_card.html", takes_context=True)
def story_card(context, story):
    return _card(build.for_story(context["request"], story))


@register.inclusion_tag("cards/_card.html", takes_context=True)
def tag_card(context, tag):
    """A person's page is their profile; a topic's, a collection of stories."""
    request, page_obj = context["request"], context.get("page_obj")
    if tag._meta.model_name == "person":
        return _card(build.for_person(request, tag, page_obj))
    return _card(build.for_topic(request, tag, page_obj))


@register.inclusion_tag("cards/_card.html", takes_context=True)
def section_card(context, section):
    return _card(build.for_section(context["request"], section, context.get("page_obj")))


@register.inclusion_tag("cards/_card.html", takes_context=True)
def home_card(context):
    return _card(build.for_home(context["request"]))


@register.inclusion_tag("cards/_card.html", takes_context=True)
def page_card(context):
    request = context.get("request")
    return _card(build.for_page(request)) if request is not None else {}


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """The canonical absolute address of a path, as the page's card gives it (a printed page shows it)."""
    return build.absolute(context["request"], url)
