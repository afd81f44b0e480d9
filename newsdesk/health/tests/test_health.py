"""A load balancer asks /healthz (is the server there?) and /readyz (can it serve: does its
database, and Redis when configured, answer?) of a real `newsdesk serve`."""

import json
import shutil

import pytest

from newsdesk.site.tests.conftest import Served, free_port, http_get


def test_a_server_is_live_and_ready_when_its_database_answers(served):
    status, headers, body = http_get(served.url, "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}

    status, headers, body = http_get(served.url, "/readyz")
    assert status == 200
    assert json.loads(body) == {"database": "ok", "redis": "not configured"}
    assert headers["cache-control"] == "no-store"
    assert headers["content-type"] == "application/json"
    assert "set-cookie" not in headers and "etag" not in headers and "content-security-policy" not in headers


def test_only_get_and_head_are_answered(served):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    try:
        connection.request("POST", "/readyz", body=b"")
        response = connection.getresponse()
        assert response.status == 405 and response.getheader("Allow") == "GET, HEAD"
        response.read()
        connection.request("HEAD", "/readyz")
        response = connection.getresponse()
        assert response.status == 200 and response.read() == b""
    finally:
        connection.close()


@pytest.fixture
def server_on_a_movable_database(tmp_path):
    """A server whose SQLite database is in a folder of its own, which a test can take away."""
    folder = tmp_path / "db"
    folder.mkdir()
    server = Served(tmp_path / "var", DATABASE_URL=f"sqlite:///{folder}/newsdesk.sqlite3")
    server.var_dir.mkdir()
    server.newsdesk("migrate", "--noinput", "-v0")
    server.start()
    try:
        server.wait()
        yield server, folder
    finally:
        server.stop()


def test_a_server_whose_database_is_gone_is_not_ready_until_it_is_back(server_on_a_movable_database):
    server, folder = server_on_a_movable_database
    assert http_get(server.url, "/readyz")[0] == 200

    away = folder.with_name("db-away")
    shutil.move(folder, away)  # the disk is gone: no new connection can open the database
    try:
        for _ in range(2):  # asked twice: the second answer is the server's own, never a kept copy
            status, headers, body = http_get(server.url, "/readyz")
            assert status == 503
            assert json.loads(body) == {"database": "unavailable", "redis": "not configured"}
            assert headers["retry-after"] == "5" and headers["cache-control"] == "no-store"
        assert http_get(server.url, "/healthz")[0] == 200  # still live: no reason to restart it
    finally:
        shutil.move(away, folder)
    status, _, body = http_get(server.url, "/readyz")
    assert status == 200 and json.loads(body)["database"] == "ok"


def test_a_server_whose_redis_does_not_answer_is_not_ready(tmp_path):
    server = Served(tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    server.newsdesk("migrate", "--noinput", "-v0")
    server.start()
    try:
        server.wait()
        for _ in range(6):
            status, headers, body = http_get(server.url, "/readyz")
            assert status == 503 and headers["retry-after"] == "5"
            assert json.loads(body) == {"database": "ok", "redis": "unavailable"}
    finally:
        server.stop()
    # Said once by each of its two workers, however often the load balancer asks.
    assert 1 <= server.log.read_text().count("readiness: the redis is unavailable") <= 2


@pytest.mark.nginx
def test_nginx_passes_the_checks_on_uncached(served, nginx_front):
    for _ in range(2):
        status, headers, body = http_get(nginx_front, "/readyz")
        assert status == 200 and json.loads(body)["database"] == "ok"
        assert "x-cache-status" not in headers and headers["cache-control"] == "no-store"


def test_the_checks_answer_through_django_too(client, db):
    # For a server running newsdesk.wsgi, without `newsdesk serve`'s front.
    page = client.get("/readyz")
    assert page.status_code == 200 and page.json()["database"] == "ok"
    assert page["Cache-Control"] == "no-store" and not page.cookies
    assert client.get("/healthz").json() == {"status": "ok"}
