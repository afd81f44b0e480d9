"""The site's URLs with a view whose query runs for seconds, to see the query timeout."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path


def slow_sql(seconds):
    if connection.vendor == "postgresql":
        return f"SELECT pg_sleep({seconds})"
    # About a second of SQLite's work per ten million rows counted.
    return (f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(seconds * 10_000_000)}) "
            "SELECT count(*) FROM n")


def slow(request):
    with connection.cursor() as cursor:
        cursor.execute(slow_sql(5))
        return HttpResponse(str(cursor.fetchone()[0]))


def quick(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return HttpResponse(str(cursor.fetchone()[0]))


urlpatterns = [path("slow/", slow), path("quick/", quick), path("", include("newsdesk.urls"))]
