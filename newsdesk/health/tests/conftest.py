from newsdesk.site.tests.conftest import nginx_front, served  # noqa: F401 (fixtures)
