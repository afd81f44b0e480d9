import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
application = get_wsgi_application()

from newsdesk.site.limits import bound_web_queries  # noqa: E402

bound_web_queries()  # before any connection is made: web requests' queries are timed
