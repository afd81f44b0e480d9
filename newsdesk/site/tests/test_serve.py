"""`newsdesk serve` as it runs in production: granian's workers on a real port."""

import json
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from .conftest import Served, http_get, post_the_start_of

PAGE = """Harbour ferry returns after winter repairs
The ferry is back on its route after three months in dry dock, the council said on Monday.
Passengers will find new seats, a larger cafe on the upper deck and a ramp for bicycles.
What is your opinion on this topic?
Leave the first comment
"""


@pytest.fixture(scope="module")
def article_path(served, tmp_path_factory):
    page = tmp_path_factory.mktemp("page") / "ferry.txt"
    page.write_text(PAGE)
    return json.loads(served.newsdesk("import", "--json", str(page)).splitlines()[0])["url"]


def test_serve_answers_the_home_page_and_an_article(served, article_path):
    status, _, home = http_get(served.url, "/")
    assert status == 200 and b"<html" in home
    status, headers, page = http_get(served.url, article_path)
    assert status == 200 and b"Harbour ferry returns after winter repairs" in page
    assert headers["server"] == "granian"


def _loaded_libraries(pid):
    """The compiled libraries a process has mapped, by file name."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return {line.rsplit("/", 1)[-1] for line in maps.splitlines() if ".so" in line}


def test_a_worker_answering_readers_carries_no_library_only_other_pages_need(served, article_path):
    # Each worker's memory is the site's ceiling under a spike: what readers' pages never use
    # (the API's schemas, wire validation, two-step sign-in, the PostgreSQL driver on SQLite)
    # is loaded by the page that needs it, not by every worker at start.
    for path in ("/", article_path, "/search/?q=ferry", "/rss.xml"):
        for _ in range(4):  # several requests, so that every worker answers some
            assert http_get(served.url, path)[0] == 200
    workers = [int(pid) for pid in Path(f"/proc/{served.process.pid}/task").glob("*/children")
               for pid in pid.read_text().split()]
    assert workers, "no worker processes found"
    unwanted = ("_pydantic_core", "jsonschema_rs", "_rust.abi3", "lxml")
    if "DATABASE_URL" not in served.env:
        unwanted += ("psycopg",)
    for pid in workers:
        loaded = _loaded_libraries(pid)
        assert not [name for name in loaded if name.startswith(unwanted)], f"worker {pid} loaded {sorted(loaded)}"
    # And the API answers all the same, loading its part when asked.
    status, headers, body = http_get(served.url, "/api/openapi.json")
    assert status == 200 and json.loads(body)["info"]["title"] == "Newsdesk API"


def test_static_files_are_linked_under_hashed_names_and_cached_for_good(served, article_path):
    page = http_get(served.url, article_path)[2].decode()
    script = re.search(r'<script src="(/static/comments/comments\.[0-9a-f]{12}\.js)"', page)
    assert script, "the comments script is not linked under a hashed name"
    assert (served.static_root / script.group(1).removeprefix("/static/")).is_file()

    status, headers, body = http_get(served.url, script.group(1))
    assert status == 200 and body
    cache_control = {part.strip() for part in headers["cache-control"].split(",")}
    assert {"public", "immutable"} <= cache_control
    assert int(next(part for part in cache_control if part.startswith("max-age=")).split("=")[1]) >= 31536000


def test_a_stalled_request_is_dropped_while_other_clients_are_answered(served):
    # More stalled clients than workers: none of them may hold a worker.
    stalled = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(4)]
    for s in stalled:
        s.sendall(b"GET / HT")
        s.settimeout(20)
    started = time.monotonic()
    closed_after = []

    def wait_for_close(s):
        try:
            while s.recv(1024):
                pass
        except OSError:
            pass
        closed_after.append(time.monotonic() - started)

    waiters = [threading.Thread(target=wait_for_close, args=(s,)) for s in stalled]
    for waiter in waiters:
        waiter.start()
    answered = 0
    while any(waiter.is_alive() for waiter in waiters) and time.monotonic() - started < 20:
        assert http_get(served.url, "/robots.txt", timeout=5)[0] == 200
        answered += 1
        time.sleep(0.5)
    for waiter in waiters:
        waiter.join()
    for s in stalled:
        s.close()

    assert len(closed_after) == 4 and max(closed_after) < 15, closed_after
    assert answered >= 10


def test_two_servers_start_together_and_stop_cleanly_on_sigterm(served, article_path, tmp_path):
    # The same database, a static folder of their own: both collect into it at once.
    servers = [Served(served.var_dir, STATIC_ROOT=str(tmp_path / "static")) for _ in range(2)]
    for server in servers:
        server.start()
    try:
        for server in servers:
            server.wait()
            assert http_get(server.url, "/")[0] == 200
            assert http_get(server.url, article_path)[0] == 200
        assert (tmp_path / "static" / "staticfiles.json").is_file()
    finally:
        started = time.monotonic()
        exits = [server.stop() for server in servers]
    assert exits == [0, 0], [server.log.read_text() for server in servers]
    assert time.monotonic() - started < 15
    for server in servers:
        assert "Traceback" not in server.log.read_text(), server.log.read_text()
        assert "password:" not in server.log.read_text()  # a production start prints no login


def test_a_25_mb_upload_is_refused_before_the_rest_of_it_is_sent(served):
    status, page = post_the_start_of(served.url, "/newsroom/pictures/", 25 * 1024 * 1024)

    assert status == 413 and "a picture may be up to 20 mb" in page.lower()
    # The server answers the next request as ever.
    assert http_get(served.url, "/robots.txt")[0] == 200
