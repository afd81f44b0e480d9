"""The ASGI application `newsdesk serve` runs: cached pages and the live stream are
answered in front (newsdesk.pagecache.front), on the event loop; everything else goes to
Django, which runs as a WSGI application in a fixed pool of WEB_THREADS threads.

Why not Django's own ASGI handler: it runs each request's synchronous code in a thread of
its own, so database connections cannot be kept between requests, and it hops between
the loop and threads for every middleware; the pool keeps one connection per thread and
answers an uncached page in about half the time, and hands each request over once
(newsdesk.site.threadpool)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

import django  # noqa: E402

django.setup(set_prefix=False)

from newsdesk.site.limits import bound_web_queries  # noqa: E402

bound_web_queries()  # before any connection is made: the serving processes' queries are timed

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from newsdesk.pagecache import front  # noqa: E402
from newsdesk.site import bodies  # noqa: E402
from newsdesk.site.staticfiles import collecting_lock  # noqa: E402
from newsdesk.site.threadpool import ThreadPool  # noqa: E402

with collecting_lock(exclusive=False):  # WhiteNoise lists STATIC_ROOT here
    django_application = ThreadPool(WSGIHandler(), workers=settings.WEB_THREADS)


# Django sees a request only once its body is in: a slow client holds none of its threads.
application = front.build(bodies.guard(django_application))
