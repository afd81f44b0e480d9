"""Publishing on time without cron: a thread in the serving process that runs publish_due."""

import logging
import threading

from django.db import close_old_connections

from .services import publish_due

log = logging.getLogger(__name__)


def run_every(seconds, stop):
    while not stop.wait(seconds):
        try:
            close_old_connections()
            for story in publish_due():
                log.warning("published on schedule: %s", story.headline)
        except Exception:  # keep the scheduler alive through a database hiccup
            log.exception("publishing scheduled stories failed")
        finally:
            close_old_connections()


def start(seconds):
    """Start the scheduler thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_every, args=(seconds, stop), name="publish-due", daemon=True).start()
    return stop
