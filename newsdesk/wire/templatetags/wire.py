from django import template

register = template.Library()


@register.inclusion_tag("wire/_story_panel.html", takes_context=True)
def wire_story_panel(context, story):
    """On a story's newsroom page: the wire item it was built on, and the agency's alerts."""
    from newsdesk.wire.views import story_panel_context

    return {**story_panel_context(story), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("wire/_home_alerts.html", takes_context=True)
def wire_home_alerts(context, user):
    """On an editor's newsroom home: the open alerts on the stories they wrote or took."""
    from newsdesk.wire import alerts

    found = alerts.for_editor(user) if user.is_authenticated else []
    for alert in found:
        alert.diff = alerts.diff(alert)
    return {"wire_alerts": found, "csrf_token": context.get("csrf_token"), "next": "/newsroom/"}


@register.simple_tag
def wire_rows(items, query=""):
    """The desk's queue rows (see wire/rows.py for why they are not a template)."""
    from newsdesk.wire import rows

    return rows.render(items, query)
