import secrets
from urllib.parse import quote

from django import template
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from newsdesk.readers import services
from newsdesk.site.shared import shared

register = template.Library()


@register.filter
def display_name(user):
    """The name shown for a user; never the email address."""
    return services.display_name(user)


@register.simple_tag(takes_context=True)
def return_path(context):
    """The page to come back to after signing in: this one, or on an account page
    the one the reader came from, if it is on this site."""
    request = context.get("request")
    if request is None:
        return ""
    match = request.resolver_match
    if match is not None and match.namespace == "readers":
        url = request.GET.get("next", "")
        return url if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else ""
    return request.get_full_path()


# Where a guest's sign-in links bring them back to, in the links kept for every guest.
_BACK = "back-" + secrets.token_hex(8)


@register.simple_tag(takes_context=True)
def guest_links(context):
    """A guest's "Sign in" and "Create account" links, back to this page. The same on every
    page but for that page: rendered once in this process (site.shared), each page filling in
    its own address."""
    back = return_path(context)
    if not back:
        return shared("readers:guest-links", lambda: mark_safe(render_to_string("readers/_guest_links.html", {})))
    html = shared("readers:guest-links-back", lambda: render_to_string("readers/_guest_links.html", {"back": _BACK}))
    return mark_safe(html.replace(_BACK, quote(back, safe="/")))
