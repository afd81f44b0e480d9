"""What each serving process starts before it answers: the live feed (purges and open
pages' streams), its bid to lead the deployment's background duties, and the wire channels
(each claimed by one process at a time)."""

from django.conf import settings
from django.db import close_old_connections


def startup():
    import gc

    from newsdesk.live import feed, leader

    try:
        feed.get().started.wait(10)
        leader.start()
        if settings.WIRE_CHANNELS_IN_SERVE:
            from newsdesk.wire import channels

            channels.start()
    finally:
        close_old_connections()
    # What is loaded by now (Django, the apps, templates) lives as long as the process: kept out
    # of the garbage collector's passes, which otherwise walk it all again and again under load.
    gc.freeze()
