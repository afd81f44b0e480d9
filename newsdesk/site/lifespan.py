"""What each serving process starts before it answers: the live feed (purges and open
pages' streams) and its bid to lead the deployment's background duties."""

from django.db import close_old_connections


def startup():
    from newsdesk.live import feed, leader

    try:
        feed.get().started.wait(10)
        leader.start()
    finally:
        close_old_connections()
