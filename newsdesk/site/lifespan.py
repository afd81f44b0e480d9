"""What each server worker does when it starts, called from the ASGI lifespan (newsdesk/asgi.py)."""

from django.conf import settings

from newsdesk.stories import scheduler


def startup():
    """Start this worker's scheduled-publishing thread (publish_due is safe in several processes)."""
    if settings.SCHEDULER_SECONDS > 0:
        scheduler.start(settings.SCHEDULER_SECONDS)
