"""PostgreSQL stopping under load: readers get cached pages, or a friendly 503 with Retry-After
(the site's look, no traceback), never a 500; a comment sent meanwhile is answered "not saved,
try again in a moment"; once the database is back the same server answers everything again,
without a restart. Every comment it acknowledged is stored, once.

The test runs a PostgreSQL of its own on a free port, to stop and start it at will."""

import time

import psycopg
import pytest

from newsdesk.live.tests.conftest import publish_brief, start_servers
from newsdesk.testing import record_figures

from .faults import Guest, Load, OwnPostgres, current_test, request


@pytest.fixture
def postgres():
    server = OwnPostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()


def stored_comments(url):
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return [row[0] for row in conn.execute("SELECT text FROM comments_comment")]


def until_answering(server, story, seconds=60):
    """Seconds until a page no cache holds and a new comment are both answered again."""
    began, n = time.monotonic(), 0
    page_back = comment_back = False
    guest = Guest(server.url, *story)
    while time.monotonic() - began < seconds:
        n += 1
        try:
            page_back = page_back or request(server.url, "GET", f"/?after-outage={n}", timeout=5)[0] == 200
            if not comment_back:
                guest.open_form()
                comment_back = guest.post(f"Back after the outage ({n}).", timeout=5)[0] == 302
        except (OSError, AssertionError):
            pass
        if page_back and comment_back:
            return time.monotonic() - began
        time.sleep(0.1)
    raise AssertionError(f"the site did not answer again within {seconds} s of the database's return")


def outage(tmp_path, postgres, *, seconds, readers, commenters, figures=None):
    url = postgres.create_database()
    (server,) = start_servers(tmp_path / "served", DATABASE_URL=url, COMMENTS_ON_BRIEFS="true",
                              COMMENTS_MIN_SECONDS="0", COMMENTS_RATE_IP="100000/60")
    try:
        story_id = publish_brief(server, "The database will be stopped for a while.")
        path = server.shell(f"from newsdesk.stories.models import Story; print(Story.objects.get(pk={story_id})"
                            ".get_absolute_url())")
        story = (path, story_id)
        cached = ["/", path]
        for page in cached * 6:  # each worker renders and caches a copy of its own
            assert request(server.url, "GET", page)[0] == 200
        # A query string no reader asked for before is a page no cache holds: Django renders it.
        pages = [page for n in range(20_000) for page in (f"/?reader={n}", *cached)]
        load = Load(server.url, readers, commenters, pages, path, story_id).start()
        time.sleep(3)
        down = time.monotonic()
        postgres.stop()
        time.sleep(seconds)
        postgres.start()
        up = time.monotonic()
        recovered = until_answering(server, story)
        time.sleep(2)
        load.stop()
        end = time.monotonic()

        during = load.between(down, up)
        statuses = [a[2] for a in load.answers]
        assert not [s for s in statuses if not isinstance(s, int)], "connections failed instead of answering"
        assert 500 not in statuses, "a reader or commenter got a 500"
        assert set(statuses) <= {200, 302, 503}, set(statuses)

        cached_during = [a for a in during if a[1] in cached]
        assert cached_during and all(a[2] == 200 for a in cached_during), "cached pages were not served"
        unavailable = [a for a in during if a[2] == 503]
        assert unavailable, "no request needed the database during the outage"
        for _, kind, _, headers, body in unavailable:
            assert headers.get("retry-after") == "10" and b"Traceback" not in body
            if kind == "comment":
                assert b"not saved" in body and b"try again in a moment" in body, body[:500]
            else:
                assert b"back in a moment" in body and b"Please try again in a moment" in body
        assert any(a[1] == "comment" for a in unavailable), "no comment was sent during the outage"
        after = load.between(up + recovered, end)
        assert after and all(a[2] in (200, 302) for a in after), "the site had not recovered"

        everything = stored_comments(url)
        assert len(everything) == len(set(everything)), "a comment was stored twice"
        stored = [text for text in everything if not text.startswith("Back after the outage")]  # not the probe's
        acknowledged = load.acknowledged
        lost = set(acknowledged) - set(stored)
        duplicates = len(stored) - len(set(stored))
        assert not lost and not duplicates
        if figures:
            record_figures(
                figures, test=current_test(), title="PostgreSQL stopped for 20 seconds",
                what=(f"PostgreSQL stopped at once (pg_ctl -m immediate) for {seconds} s under load: {readers} readers "
                      f"(cached pages, and pages no cache holds) and {commenters} guests commenting, on one "
                      "`newsdesk serve` with two workers, which is not restarted."),
                faults_injected=1, outage_seconds=seconds, readers=readers, commenters=commenters,
                requests_during_outage=len(during),
                cached_pages_served_during_outage=len(cached_during),
                answered_503_during_outage=len(unavailable),
                answered_500=statuses.count(500),
                comments_refused_503_during_outage=sum(1 for a in unavailable if a[1] == "comment"),
                comments_acknowledged=len(acknowledged), comments_stored=len(stored),
                comments_lost=len(lost), duplicates=duplicates,
                seconds_to_recover=round(recovered, 2), requests_total=len(load.answers),
            )
    finally:
        server.stop()


def test_a_short_database_outage_gets_cached_pages_and_a_friendly_503(tmp_path, postgres):
    outage(tmp_path, postgres, seconds=4, readers=4, commenters=2)


@pytest.mark.reliability
def test_postgresql_stopped_for_20_seconds_under_load(tmp_path, postgres):
    outage(tmp_path, postgres, seconds=20, readers=16, commenters=8, figures="postgresql-stopped")
