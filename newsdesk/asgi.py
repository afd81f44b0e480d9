"""The ASGI application `newsdesk serve` runs: cached pages and the live stream answered
in front (newsdesk.pagecache.front), everything else by Django."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
django_application = get_asgi_application()

from newsdesk.pagecache import front  # noqa: E402  (needs Django set up)

application = front.build(django_application)
