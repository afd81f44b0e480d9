"""Real `newsdesk serve` processes for the live tests: streams read with a raw HTTP client,
pages fetched over HTTP, changes made by `newsdesk shell` on the servers' database.

On SQLite every server of a test shares one VAR_DIR (the database file and the leader's
file lock). When the suite runs with DATABASE_URL on PostgreSQL, the servers get a fresh
database of their own (made here, dropped after) and the suite's Redis database: what a
deployment of several servers looks like.
"""

import contextlib
import functools
import http.client
import json
import os
import queue
import re
import signal
import threading
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from newsdesk.site.tests.conftest import Served, http_get  # noqa: F401 (re-exported)

EDITOR = "from django.contrib.auth import get_user_model; editor = get_user_model().objects.get(username='editor'); "
STORIES = "from newsdesk.stories.models import Story; from newsdesk.stories import services; "


class LiveServed(Served):
    """A server in a process group of its own (granian's workers with it), so that a test can
    kill the whole of it at once, as a machine that dies would."""

    def start(self):
        with open(self.log, "w") as log:
            import subprocess
            import sys

            self.process = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "serve"], env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self):
        """SIGKILL to the server and every worker: no shutdown, no lock released politely."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)

    def stop(self):
        status = super().stop()
        try:  # workers left behind by a server that did not stop cleanly
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return status

    def credentials(self):
        """The demo newsroom login (made before the servers started; a server prints none)."""
        username, password = self.shell(
            "from newsdesk.newsroom.accounts import ensure_demo_login; print(*ensure_demo_login(), sep=chr(10))"
        ).splitlines()[-2:]
        return username, password

    def shell(self, code):
        """Run Python in `newsdesk shell` on the server's database; what it printed, stripped."""
        return self.newsdesk("shell", "--no-imports", "-c", code).strip()


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@contextlib.contextmanager
def own_backend():
    """The environment for servers sharing one database: {} on SQLite (their shared VAR_DIR
    holds the database), or a fresh PostgreSQL database, dropped after, and the suite's Redis
    database (conftest's SUITE_ONLY keeps both out of a server's environment otherwise)."""
    url = _postgres_url()
    if url is None:
        yield {}
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'newsdesk'}_served_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {"DATABASE_URL": urlunsplit(parts._replace(path="/" + name))}
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    try:
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def backend():
    """A module's database for its servers (see own_backend)."""
    with own_backend() as env:
        yield env


@pytest.fixture(scope="module")
def server(tmp_path_factory, backend):
    """One `newsdesk serve` for a module's tests, on the module's database."""
    (server,) = start_servers(tmp_path_factory.mktemp("served"), **backend)
    try:
        yield server
    finally:
        server.stop()


def start_servers(var_dir, count=1, login_first=True, **env):
    """`count` servers on one database (migrated first), started at the same time and answering.

    The newsroom login is made before they start: servers starting together on a fresh
    database both try to create it, and one of them fails (see test_servers)."""
    servers = [LiveServed(var_dir, **env) for _ in range(count)]
    servers[0].newsdesk("migrate", "--noinput", "-v0")
    if login_first:
        servers[0].shell("from newsdesk.newsroom.accounts import ensure_demo_login; ensure_demo_login()")
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait()
    except BaseException:
        for server in servers:
            if server.process is not None:
                server.stop()
        raise
    return servers


def import_page(server, folder, name, text, *args):
    """Import a text page through `newsdesk import`; its stories as the command reports them."""
    page = folder / name
    page.write_text(text)
    return [json.loads(line) for line in server.newsdesk("import", "--json", *args, str(page)).splitlines()
            if line.startswith("{")]


def publish_brief(server, text):
    """A breaking brief published through the newsroom's service; its id."""
    return int(server.shell(EDITOR + STORIES + f"print(services.publish_brief({text!r}, by=editor).pk)"))


def withdraw(server, story_id, reason="Published in error."):
    server.shell(EDITOR + STORIES + f"services.withdraw(Story.objects.get(pk={story_id}), by=editor, reason={reason!r})")


class Stream:
    """An open GET /live/stream, read on a thread: its events as dicts (id, event, data)."""

    def __init__(self, base, path="/live/stream", headers=None, timeout=30):
        host, port = urlsplit(base).hostname, urlsplit(base).port
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.connection.request("GET", path, headers=headers or {})
        self.response = self.connection.getresponse()
        assert self.response.status == 200, self.response.read()
        assert self.response.getheader("Content-Type").startswith("text/event-stream")
        self.events = queue.Queue()
        self.closed = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        event = {}
        try:
            while not self.closed:
                line = self.response.readline()
                if not line:
                    break
                line = line.decode().rstrip("\r\n")
                if not line:
                    if "event" in event or "data" in event:
                        if "data" in event:
                            event["data"] = json.loads(event["data"])
                        self.events.put(event)
                    event = {}
                elif not line.startswith(":"):
                    field, _, value = line.partition(":")
                    event[field] = value.removeprefix(" ")
        except (OSError, ValueError, AttributeError, http.client.HTTPException):  # closed under it
            pass

    def next(self, timeout):
        """The next event, or None after `timeout` seconds."""
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def until(self, predicate, timeout):
        """Events up to and including the first one `predicate` accepts (AssertionError after `timeout`)."""
        seen, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            event = self.next(max(0.01, deadline - time.monotonic()))
            if event is None:
                break
            seen.append(event)
            if predicate(event):
                return seen
        raise AssertionError(f"no such event within {timeout} s; got {seen}")

    def drain(self, seconds):
        """Every event that arrives within `seconds`."""
        seen, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            event = self.next(left)
            if event is not None:
                seen.append(event)
        return seen

    def close(self):
        self.closed = True
        try:
            self.connection.sock.shutdown(2)
        except (OSError, AttributeError):
            pass
        self.connection.close()
        self.reader.join(5)


def story_event(story_id, kind="story"):
    return lambda event: event.get("event") == kind and event["data"].get("story") == story_id


def wait_for(check, timeout, every=0.1, what="the condition"):
    """Call check() until it returns something true; that value (AssertionError after `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout} s")
        time.sleep(every)


def river_ids(page):
    river = re.search(rb'<section class="river".*?</section>', page, re.S)
    assert river, "the page has no river"
    return [int(pk) for pk in re.findall(rb'data-story="(\d+)"', river.group(0))]


# A form's one-time values (its start time, its key), blanked.
FORM_VALUES = functools.partial(re.compile(rb'(name="(?:started|key)" value)="[^"]*"').sub, rb"\1")


def cached(server, path, tries=8):
    """The page as the cache answers it: fetched until an answer repeats an earlier one's
    ETag and Last-Modified (each of the server's workers caches a render of its own, so
    the first answers may come from different workers)."""
    seen = {}
    for _ in range(tries):
        status, headers, page = http_get(server.url, path)
        assert status == 200 and "public" in headers["cache-control"]
        stamp = (headers["etag"], headers["last-modified"])
        if stamp in seen:
            # A weak ETag: the same page, but its forms' one-time values may differ.
            same = FORM_VALUES if headers["etag"].startswith("W/") else (lambda p: p)
            assert same(seen[stamp]) == same(page)
            return headers, page
        seen[stamp] = page
    raise AssertionError(f"{path} was rendered anew {tries} times: not answered from the cache")
