"""What each serving process starts before it answers: the live feed (purges and open
pages' streams) and its bid to lead the deployment's background duties."""

from django.db import close_old_connections


def startup():
    import gc

    from newsdesk.live import feed, leader

    try:
        feed.get().started.wait(10)
        leader.start()
    finally:
        close_old_connections()
    # What is loaded by now (Django, the apps, templates) lives as long as the process: kept out
    # of the garbage collector's passes, which otherwise walk it all again and again under load.
    gc.freeze()
