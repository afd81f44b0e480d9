from django.conf import settings

from newsdesk.live.feed import cursor as live_cursor
from newsdesk.stories.models import Section

from .shared import shared


def sections():
    """The sections menu: the same on every page, so computed once while nothing changes."""
    return shared("sections", lambda: tuple(Section.objects.all()))


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_description": settings.SITE_DESCRIPTION,
        "site_language": settings.LANGUAGE_CODE,
        # Lazy: only pages that show the navigation ask for it.
        "sections": sections,
        # Where an open page's live stream starts: the last change this page already shows.
        "live_after": live_cursor,
    }
