from django import template
from django.conf import settings

from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section

from ..feeds import links

register = template.Library()


@register.inclusion_tag("feeds/_links.html", takes_context=True)
def feed_links(context):
    """{% feed_links %} in <head>: the site's feeds on every page, and the page's own feeds
    on a section's, a person's or a topic's page, and the briefs' on the home page."""
    found = links("site", settings.SITE_NAME)
    request = context.get("request")
    section, tag = context.get("section"), context.get("tag")
    if isinstance(section, Section):
        found += links("section", f"{section.name} · {settings.SITE_NAME}", section.slug)
    elif isinstance(tag, (Person, Topic)):
        found += links(tag._meta.model_name, f"{tag.name} · {settings.SITE_NAME}", tag.slug)
    elif request is not None and getattr(request.resolver_match, "view_name", "") == "home":
        found += links("river", f"Briefs · {settings.SITE_NAME}")
    return {"feeds": found}
