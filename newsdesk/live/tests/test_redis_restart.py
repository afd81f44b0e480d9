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
