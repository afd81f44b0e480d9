"""What a reader sees when a request asks for too much: 413 for a body too large or with too many
fields, a normal page or 404 for any page number, 503 with Retry-After for a query too slow."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from newsdesk.conftest import make_article, make_member
from newsdesk.people.models import Person, Topic
from newsdesk.site import limits
from newsdesk.stories.models import Section

pytestmark = pytest.mark.django_db


def test_a_five_megabyte_comment_is_refused_with_413_and_says_the_limit(client):
    story = make_article()

    response = client.post(f"/comments/stories/{story.pk}/", {"text": "x" * (5 * 1024 * 1024)})

    assert response.status_code == 413
    html = response.content.decode()
    assert "Too much to send" in html and "at most 2 MB" in html
    assert story.comments.count() == 0


def test_a_script_is_told_the_same_in_json(client):
    story = make_article()

    response = client.post(f"/comments/stories/{story.pk}/", {"text": "x" * (5 * 1024 * 1024)},
                           HTTP_ACCEPT="application/json")

    assert response.status_code == 413 and "at most 2 MB" in response.json()["error"]


def test_a_hundred_thousand_fields_are_refused_with_413(client):
    story = make_article()
    body = "&".join(f"f{n}=1" for n in range(100_000))

    response = client.post(f"/comments/stories/{story.pk}/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert "too many fields: at most 1,000" in response.content.decode()


def test_other_bad_requests_still_answer_400(client):
    story = make_article()
    response = client.post(f"/comments/stories/{story.pk}/", b"--x\r\nnonsense", content_type="multipart/form-data")
    assert response.status_code == 400


# (A NUL character in any query is refused with 400 before any view: test_odd_requests.)
ODD_PAGES = ["0", "-1", "abc", "1e400", "99999999999999999999", "9" * 5000, "last", "%01", "2.5"]


@pytest.fixture
def listings(db):
    section = Section.objects.create(name="Harbour")
    person, topic = Person.objects.create(name="Ada Berg"), Topic.objects.create(name="Ferries")
    day = timezone.now() - timedelta(days=1)
    stories = [make_article(headline=f"Ferry story {n}", section=section, people=[person], topics=[topic],
                            published_at=day - timedelta(minutes=n)) for n in range(25)]
    year, month, dom = day.year, day.month, day.day
    public = ["/", f"/sections/{section.slug}/", f"/people/{person.slug}/", f"/topics/{topic.slug}/", "/archive/",
              f"/archive/{year}/", f"/archive/{year}/{month:02d}/", f"/archive/{year}/{month:02d}/{dom:02d}/"]
    staff = ["/newsroom/stories/", "/newsroom/log/", "/newsroom/tags/", "/newsroom/pictures/", "/moderation/",
             "/moderation/bans/", "/moderation/log/"]
    return {"public": public, "staff": staff, "story": stories[0], "section": section}


def test_any_page_number_gives_a_page_or_404_quickly_on_every_listing(client, admin_client, listings):
    staff = admin_client
    checked = 0
    for base, who in [*((url, client) for url in listings["public"]), *((url, staff) for url in listings["staff"])]:
        for number in ODD_PAGES:
            started = time.monotonic()
            response = who.get(f"{base}?page={number}")
            assert response.status_code in (200, 404), (base, number, response.status_code)
            assert time.monotonic() - started < 2, (base, number)  # no page number makes work
            checked += 1
    story = listings["story"]
    for number in ODD_PAGES:
        response = client.get(f"{story.get_absolute_url()}?cpage={number}&sort=liked&reply={number}")
        assert response.status_code == 200, number
    for number in ODD_PAGES:
        assert client.get(f"/sitemap.xml?p={number}").status_code in (200, 404)
    assert checked == len(ODD_PAGES) * 15


def test_no_parameter_makes_a_listing_longer_than_its_page(client, listings):
    url = listings["section"].get_absolute_url()
    response = client.get(f"{url}?per_page=100000&limit=100000&page_size=100000&paginate_by=100000")

    assert response.status_code == 200
    assert response.content.decode().count("Ferry story ") == 20  # SectionView's page, whatever was asked


def test_the_newsroom_suggestions_limit_is_capped(client, listings):
    client.force_login(make_member("desk", "Editor"))
    for limit in ("100000", "-5", "abc"):
        response = client.get(f"/newsroom/tags/suggestions/?text=Ada+Berg+and+Ferries&limit={limit}")
        assert response.status_code == 200, limit


@pytest.fixture
def slow_urls(settings):
    settings.ROOT_URLCONF = "newsdesk.site.tests.slow_urls"
    settings.QUERY_TIMEOUT_SECONDS = 0.5


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query guard")
def test_a_query_past_the_timeout_is_stopped_and_answers_503_on_sqlite(slow_urls):
    started = time.monotonic()
    response = Client().get("/slow/")  # a new client: the middleware reads the timeout when it starts
    took = time.monotonic() - started

    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "taking too long" in response.content.decode() and response["Cache-Control"] == "no-store"
    assert took < 3, took
    assert Client().get("/slow/", HTTP_ACCEPT="application/json").json()["retry_after"] == 30


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query guard")
def test_quick_queries_are_untouched_and_commands_have_no_guard(slow_urls):
    assert Client().get("/quick/").content == b"1"
    with connection.cursor() as cursor:  # outside a request, as a command runs: not stopped
        started = time.monotonic()
        cursor.execute(limits_test_query(0.8))
        assert time.monotonic() - started > 0.5


def limits_test_query(seconds):
    from newsdesk.site.tests.slow_urls import slow_sql

    return slow_sql(seconds)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
@pytest.mark.django_db(transaction=True)  # its own connection, opened with the web's options
def test_the_web_statement_timeout_answers_503_on_postgresql(slow_urls):
    database = connection.settings_dict
    kept = database.get("OPTIONS", {})
    connection.close()
    database["OPTIONS"] = limits.web_database_options(database, 0.5)
    try:
        started = time.monotonic()
        response = Client().get("/slow/")
        took = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "500ms"
    finally:
        connection.close()
        database["OPTIONS"] = kept
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert took < 3, took


def test_the_statement_timeout_goes_to_postgresql_connections_only():
    pg = {"ENGINE": limits.POSTGRESQL, "OPTIONS": {"options": "-c search_path=news"}}
    assert limits.web_database_options(pg, 2.5)["options"] == "-c search_path=news -c statement_timeout=2500"
    assert "options" not in limits.web_database_options({"ENGINE": limits.POSTGRESQL}, 0)
    pooled = {"ENGINE": limits.POSTGRESQL, "DISABLE_SERVER_SIDE_CURSORS": True}
    assert "options" not in limits.web_database_options(pooled, 10)  # set it on the role behind a pooler
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"init_command": "PRAGMA x;"}}
    assert limits.web_database_options(sqlite, 10) == sqlite["OPTIONS"]


def test_the_limits_come_from_the_environment_and_nonsense_is_refused(tmp_path):
    from .test_settings import settings_in_subprocess

    env = {"VAR_DIR": str(tmp_path), "REQUEST_MAX_BYTES": "65536", "REQUEST_MAX_FIELDS": "200", "QUERY_TIMEOUT_SECONDS": "2.5"}
    shown = settings_in_subprocess(env, "s.DATA_UPLOAD_MAX_MEMORY_SIZE, s.DATA_UPLOAD_MAX_NUMBER_FIELDS, s.QUERY_TIMEOUT_SECONDS")
    assert shown.stdout.strip() == "65536 200 2.5"
    for name, value in [("REQUEST_HEADER_SECONDS", "0"), ("REQUEST_HEADER_SECONDS", "61"), ("REQUEST_BODY_SECONDS", "0"),
                        ("REQUEST_MAX_BYTES", "10"), ("QUERY_TIMEOUT_SECONDS", "-1"), ("REQUEST_MAX_FIELDS", "lots")]:
        refused = settings_in_subprocess({"VAR_DIR": str(tmp_path), name: value}, "1")
        assert refused.returncode != 0 and name in refused.stderr, (name, value)
