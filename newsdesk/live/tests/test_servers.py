"""Several `newsdesk serve` on one database, as a deployment runs them: a change made
anywhere reaches every server's streams and cached pages; one process leads the scheduled
publishing, and another takes over when it dies; the purge hook hears every change.

On SQLite both servers share a VAR_DIR (the database file and the leader's file lock); when
the suite runs on PostgreSQL and Redis, they share a fresh database and the Redis bell."""

import http.server
import json
import re
import threading
import time

import pytest

from .conftest import (
    EDITOR, STORIES, Stream, cached, http_get, own_backend, publish_brief, river_ids, start_servers, story_event,
    wait_for,
)

LEADS = re.compile(r"process (\d+) leads the background duties")


@pytest.fixture(scope="module")
def pair(tmp_path_factory, backend):
    """Two servers started at the same time on one database; the scheduler looks every second (SCHEDULER_SECONDS=1)."""
    servers = start_servers(tmp_path_factory.mktemp("served"), count=2, LOG_LEVEL="INFO",
                            **backend)
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_a_change_made_anywhere_reaches_the_other_servers_streams_and_cache(pair):
    a, b = pair
    cached(b, "/")
    stream = Stream(b.url)
    try:
        brief = publish_brief(a, "Both bridges are open again.")
        committed = time.monotonic()
        stream.until(story_event(brief), timeout=3)
        took = time.monotonic() - committed
    finally:
        stream.close()
    assert took < 1.5, f"server B's stream got the brief {took:.2f} s after its commit"
    time.sleep(max(0.0, 1.0 - (time.monotonic() - committed)))
    for _ in range(4):  # either worker of B
        assert river_ids(http_get(b.url, "/")[2])[0] == brief


def schedule(server, headline, seconds):
    """A story scheduled `seconds` from now; (its id, its page's path)."""
    out = server.shell(EDITOR + STORIES + (
        "from datetime import timedelta; from django.utils import timezone; "
        f"story = services.save(Story(headline={headline!r}, body='<p>It happens on time.</p>'), by=editor, action='create'); "
        f"story = services.publish(story, by=editor, at=timezone.now() + timedelta(seconds={seconds})); "
        "assert story.status == 'scheduled', story.status; print(story.pk, story.get_absolute_url())"
    ))
    pk, path = out.splitlines()[-1].split()
    return int(pk), path


def publish_entries(server, pk):
    return int(server.shell(
        "from newsdesk.audit.models import Entry; "
        f"print(Entry.objects.filter(action='publish', target_type='stories.story', target_id='{pk}').count())"
    ))


def leader_of(servers):
    """The server one of whose processes said it leads (one at a time: before any is lost,
    only one server has said so)."""
    leading = [server for server in servers if LEADS.search(server.log.read_text())]
    assert len(leading) <= 1, "two servers lead at once"
    return leading[0] if leading else None


def test_the_scheduler_publishes_once_and_survives_the_loss_of_a_server(pair):
    a, b = pair
    pk, path = schedule(a, "The new harbour crane is lifted into place", 2)
    assert http_get(b.url, path)[0] == 404
    wait_for(lambda: http_get(b.url, path)[0] == 200, timeout=8, what="the scheduled story on server B")
    time.sleep(2)  # time for a second publishing, were there one
    assert publish_entries(a, pk) == 1

    leader = wait_for(lambda: leader_of(pair), timeout=5, what="a process saying it leads")
    survivor = b if leader is a else a
    leader.kill()

    pk, path = schedule(survivor, "The crane lifts its first container", 2)
    wait_for(lambda: http_get(survivor.url, path)[0] == 200, timeout=10, every=0.25,
             what="the story scheduled after the leader's server was killed")
    time.sleep(2)
    assert publish_entries(survivor, pk) == 1
    assert LEADS.search(survivor.log.read_text()), "the surviving server never took the lead"


class Hook(http.server.BaseHTTPRequestHandler):
    received = None  # a list, set on the server

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append((dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_the_purge_hook_is_sent_the_keys_of_a_change(hook, tmp_path):
    url = f"http://127.0.0.1:{hook.server_address[1]}/purge"
    with own_backend() as backend:  # a deployment of its own: the pair above still leads theirs
        (server,) = start_servers(tmp_path, PURGE_HOOK_URL=url, **backend)
        try:
            headers, keys, brief = _told_the_hook(server, hook)
        finally:
            server.stop()
    assert "river" in keys and "archive" in keys and f"story:{brief}" in keys
    assert headers["Surrogate-Key"].split() == keys
    assert headers["Content-Type"] == "application/json"


def _told_the_hook(server, hook):
    """Wait for the leader to start the hook, publish a brief; (headers, keys, brief id) of its call."""
    # The leader starts the hook's cursor at the first events it looks at: from then on.
    server.shell(
        "import time; from newsdesk.live.models import Cursor\n"
        "for _ in range(100):\n"
        "    if Cursor.objects.filter(name='purge-hook').exists(): break\n"
        "    time.sleep(0.1)\n"
        "else:\n"
        "    raise SystemExit('the leader never started the purge hook')\n"
    )
    brief = publish_brief(server, "The ferry is late this morning.")

    def told():
        for headers, body in list(hook.received):
            keys = json.loads(body)["surrogate_keys"]
            if f"story:{brief}" in keys:
                return headers, keys
        return None

    headers, keys = wait_for(told, timeout=5, what="a purge hook call with the brief's keys")
    return headers, keys, brief


def test_two_servers_start_together_on_a_fresh_database(tmp_path):
    with own_backend() as backend:
        servers = start_servers(tmp_path, count=2, login_first=False, **backend)
        for server in servers:
            server.stop()
