from django import template
from django.utils.http import url_has_allowed_host_and_scheme

from newsdesk.readers import services

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
