"""Redis restarting under a running site: nothing committed meanwhile is lost. Open pages
still get every change (the feed reads the events from the database; Redis only rings the
bell), cached pages are still purged, and once Redis is back the bell rings again.

The test runs a Redis server of its own, on a free port, so that it can stop and start it."""

import shutil
import subprocess
import time

import pytest

from newsdesk.site.tests.conftest import free_port, http_get
from newsdesk.testing import need

from .conftest import Stream, publish_brief, river_ids, start_servers, story_event


class OwnRedis:
    def __init__(self, folder):
        self.port, self.folder, self.process = free_port(), folder, None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if subprocess.run([shutil.which("redis-cli"), "-p", str(self.port), "ping"], capture_output=True,
                                  text=True, timeout=2).stdout.strip() == "PONG":
                    return
            except subprocess.TimeoutExpired:
                pass
            time.sleep(0.1)
        raise AssertionError("the test's Redis did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture
def redis_server(tmp_path):
    need(shutil.which("redis-server") and shutil.which("redis-cli"), "no redis-server (Debian package: redis-server)")
    redis = OwnRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def fresh_home(server, brief, seconds=1.5):
    """Whether every answer of the home page shows `brief` first within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(river_ids(http_get(server.url, "/")[2])[0] == brief for _ in range(4)):
            return True
        time.sleep(0.1)
    return False


def test_redis_restarting_loses_no_change(tmp_path, redis_server):
    (server,) = start_servers(tmp_path / "served", REDIS_URL=redis_server.url)
    try:
        http_get(server.url, "/")
        stream = Stream(server.url)
        try:
            first = publish_brief(server, "The ferry runs on time today.")
            stream.until(story_event(first), timeout=3)
            assert fresh_home(server, first)

            redis_server.stop()
            down = publish_brief(server, "Redis is down and the news goes on.")
            stream.until(story_event(down), timeout=3)  # the feed found it in the database
            assert fresh_home(server, down), "a page cached before Redis went down was not purged"

            redis_server.start()  # empty, as a restarted Redis with nothing kept on disk
            time.sleep(2)  # the bell's listener reconnects
            back = publish_brief(server, "Redis is back.")
            stream.until(story_event(back), timeout=3)
            assert fresh_home(server, back)
        finally:
            stream.close()
        status, _, page = http_get(server.url, "/")
        assert status == 200 and b"Redis is back." in page
    finally:
        server.stop()


def redis_away(tmp_path, redis_server, seconds, figures=None):
    """Redis stopped for `seconds` under a running site: readers get pages and guests' comments
    are taken all along; once it is back, an open stream hears of a brief filed after."""
    from newsdesk.site.tests.faults import Guest, current_test, request
    from newsdesk.testing import record_figures

    (server,) = start_servers(tmp_path / "served", REDIS_URL=redis_server.url, COMMENTS_ON_BRIEFS="true",
                              COMMENTS_MIN_SECONDS="0", COMMENTS_RATE_IP="100000/60")
    try:
        story = publish_brief(server, "Redis will be stopped for a while.")
        path = server.shell(f"from newsdesk.stories.models import Story; print(Story.objects.get(pk={story}).get_absolute_url())")
        stream = Stream(server.url)
        try:
            redis_server.stop()
            down, answers, acknowledged, n = time.monotonic(), [], [], 0
            guest = Guest(server.url, path, story)
            while time.monotonic() - down < seconds:
                n += 1
                for page in ("/", path, f"/?while-redis-is-down={n}"):
                    answers.append(request(server.url, "GET", page, timeout=10)[0])
                guest.open_form()
                text = f"Comment {n} while Redis is down."
                status = guest.post(text, timeout=10)[0]
                answers.append(status)
                if status == 302:
                    acknowledged.append(text)
                time.sleep(0.2)
            assert set(answers) == {200, 302}, f"answers while Redis was down: {sorted(set(answers))}"

            redis_server.start()  # empty, as a restarted Redis with nothing kept on disk
            back = time.monotonic()
            time.sleep(2)  # the bell's listener reconnects (it tries every second)
            filed = publish_brief(server, "Redis is back after a long break.")
            committed = time.monotonic()
            stream.until(story_event(filed), timeout=3)
            heard = time.monotonic() - committed
            assert fresh_home(server, filed)
        finally:
            stream.close()
        texts = server.shell("from newsdesk.comments.models import Comment; "
                             "print(*Comment.objects.values_list('text', flat=True), sep=chr(10))").splitlines()
        stored, duplicates = set(texts), len(texts) - len(set(texts))
        assert set(acknowledged) <= stored and len(acknowledged) == n and not duplicates
        if figures:
            record_figures(
                figures, test=current_test(), title="Redis stopped for 60 seconds",
                what=(f"The site's Redis (page cache, rate limits, the live bell) killed for {seconds} s under a running "
                      "`newsdesk serve`: pages (cached and not) and guests' comments are asked for all along; then "
                      "Redis restarts empty, a brief is filed, and an open live stream must get it."),
                faults_injected=1, outage_seconds=seconds, requests_during_outage=len(answers),
                answered_other_than_200_or_302=sum(1 for s in answers if s not in (200, 302)),
                comments_acknowledged=len(acknowledged), comments_stored=len(stored & set(acknowledged)),
                comments_lost=len(set(acknowledged) - stored), duplicates=duplicates,
                seconds_from_redis_back_to_filing=round(committed - back, 2),
                seconds_from_filed_to_stream_event=round(heard, 2),
            )
    finally:
        server.stop()


def test_redis_away_for_a_few_seconds_keeps_pages_and_comments(tmp_path, redis_server):
    redis_away(tmp_path, redis_server, 5)


@pytest.mark.reliability
def test_redis_stopped_for_60_seconds(tmp_path, redis_server):
    redis_away(tmp_path, redis_server, 60, figures="redis-stopped")
