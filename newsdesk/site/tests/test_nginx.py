"""Newsdesk behind nginx, configured by `newsdesk nginx-config` (deploy/nginx.conf)."""

import http.client
import re

import pytest

from newsdesk.site.nginx import body_limits, render_nginx_config

from .conftest import http_get, post_the_start_of
from .test_serve import article_path  # noqa: F401 (a fixture)

pytestmark = pytest.mark.nginx
HEADLINE = b"Harbour ferry returns after winter repairs"


def test_a_page_is_answered_through_nginx(nginx_front, article_path):  # noqa: F811
    status, headers, page = http_get(nginx_front, article_path)
    assert status == 200 and HEADLINE in page
    assert headers["server"].startswith("nginx")
    assert "x-cache-status" in headers


def test_static_files_are_served_by_nginx_from_static_root(served, nginx_front, article_path):  # noqa: F811
    page = http_get(nginx_front, article_path)[2].decode()
    script = re.search(r'<script src="(/static/comments/comments\.[0-9a-f]{12}\.js)"', page).group(1)
    assert (served.static_root / script.removeprefix("/static/")).is_file()

    status, headers, body = http_get(nginx_front, script)
    assert status == 200 and body == (served.static_root / script.removeprefix("/static/")).read_bytes()
    assert headers["server"].startswith("nginx") and "x-cache-status" not in headers  # not proxied
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert http_get(nginx_front, "/static/comments/no-such-file.js")[0] == 404


def test_a_reader_with_a_session_is_never_answered_from_the_cache(nginx_front, article_path):  # noqa: F811
    for _ in range(3):
        status, headers, page = http_get(nginx_front, article_path, {"Cookie": "sessionid=abc"})
        assert status == 200 and headers["x-cache-status"] == "BYPASS"


def test_a_post_is_never_answered_from_the_cache(nginx_front):
    host, port = nginx_front.removeprefix("http://").rsplit(":", 1)
    for _ in range(2):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            connection.request("POST", "/", body=b"", headers={"Content-Length": "0"})
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        # nginx caches only GET and HEAD: for a POST it does not even look (no status at all).
        assert response.getheader("X-Cache-Status") in (None, "BYPASS")
        assert response.getheader("Server").startswith("nginx") and response.status != 502


def test_anonymous_pages_are_cached_and_refreshed_by_the_purge_secret(served, nginx_front, article_path):  # noqa: F811
    status, headers, page = http_get(nginx_front, article_path)
    assert "public" in headers["cache-control"] and "s-maxage=" in headers["cache-control"]
    secret = (served.var_dir / "purge-secret").read_text().strip()
    path = article_path + "?cache-test"  # a key of this test's own
    assert http_get(nginx_front, path)[1]["x-cache-status"] == "MISS"
    assert http_get(nginx_front, path)[1]["x-cache-status"] == "HIT"

    wrong = http_get(nginx_front, path, {"X-Newsdesk-Refresh": "not the secret"})
    assert wrong[1]["x-cache-status"] == "HIT"
    refreshed = http_get(nginx_front, path, {"X-Newsdesk-Refresh": secret})
    assert refreshed[1]["x-cache-status"] == "BYPASS" and HEADLINE in refreshed[2]
    assert http_get(nginx_front, path)[1]["x-cache-status"] == "HIT"
    assert http_get(nginx_front, path, {"Cookie": "sessionid=abc"})[1]["x-cache-status"] == "BYPASS"


def test_a_correction_reaches_the_nginx_cache_within_a_second(served, nginx_front, article_path):  # noqa: F811
    import time

    path = article_path + "?correction-test"
    http_get(nginx_front, path)
    assert http_get(nginx_front, path)[1]["x-cache-status"] == "HIT"

    served.newsdesk("shell", "-c", (
        "from newsdesk.stories.models import Story; from newsdesk.stories import services; "
        f"story = Story.objects.get(headline={HEADLINE.decode()!r}); "
        "services.add_note(story, by=None, kind='correction', text='The ferry leaves at nine, not ten.')"
    ))
    committed = time.monotonic()
    time.sleep(1)
    status, headers, page = http_get(nginx_front, path)
    assert b"The ferry leaves at nine, not ten." in page, f"still stale {time.monotonic() - committed:.2f} s after"


def test_the_config_takes_no_value_that_nginx_would_read_as_syntax():
    values = dict(LISTEN="80", UPSTREAM="127.0.0.1:8000", SERVER_NAME="example.org www.example.org",
                  CACHE_DIR="/var/cache/nginx/newsdesk", STATIC_ROOT="/srv/newsdesk/static", PURGE_SECRET="s3cret-s3cret-s3cret",
                  **body_limits())
    config = render_nginx_config(**values)
    assert "server_name example.org www.example.org;" in config and " s3cret-s3cret-s3cret$" in config
    assert "{{" not in "".join(line for line in config.splitlines() if not line.lstrip().startswith("#"))
    for name, bad in [("SERVER_NAME", "example.org; include /etc/passwd"), ("STATIC_ROOT", "/srv/my static"),
                      ("PURGE_SECRET", "a.b+c.d+e.f+g.h+i.j"), ("PURGE_SECRET", "short"), ("UPSTREAM", "")]:
        with pytest.raises(ValueError):
            render_nginx_config(**{**values, name: bad})


def test_the_live_stream_passes_through_nginx_at_once(served, nginx_front, article_path):  # noqa: F811
    """nginx must not buffer the stream: an event reaches the reader as it is sent."""
    import time

    from newsdesk.live.tests.conftest import EDITOR, STORIES, Stream, story_event

    stream = Stream(nginx_front)
    try:
        assert stream.response.getheader("X-Accel-Buffering") is None  # for nginx only, not passed on
        brief = int(served.newsdesk("shell", "--no-imports", "-c", EDITOR + STORIES + (
            "print(services.publish_brief('Through nginx, at once.', by=editor).pk)")).strip())
        committed = time.monotonic()
        (*_, event) = stream.until(story_event(brief), timeout=5)
        assert time.monotonic() - committed < 2
        assert "Through nginx, at once." in event["data"]["river"]
    finally:
        stream.close()


def test_a_25_mb_upload_is_refused_by_nginx_before_the_rest_of_it_is_sent(nginx_front):
    status, page = post_the_start_of(nginx_front, "/newsroom/pictures/", 25 * 1024 * 1024)

    assert status == 413
    assert "Too large to upload" in page and "A picture may be up to 20MB" in page


def test_nginx_takes_a_body_as_large_as_the_app_takes_and_no_larger(served, nginx_front):
    from django.conf import settings

    config = served.newsdesk("nginx-config")
    assert f"client_max_body_size {settings.REQUEST_MAX_BYTES};" in config
    assert f"client_max_body_size {settings.PICTURE_UPLOAD_MAX_BYTES};" in config
    # Past the smaller limit anywhere else, nginx refuses a body a picture upload may be.
    status, page = post_the_start_of(nginx_front, "/newsroom/", settings.REQUEST_MAX_BYTES + 1)
    assert status == 413 and "Too large to upload" in page
    # Under the upload limit, nginx passes the upload on (the app answers: no login, no CSRF token).
    status, page = post_the_start_of(nginx_front, "/newsroom/pictures/", 64 * 1024, sent=64 * 1024)
    assert status not in (413, 502)


def test_the_docker_entrypoint_sets_the_same_body_limits_as_the_app():
    from pathlib import Path

    entrypoint = (Path(__file__).parents[3] / "deploy" / "nginx-entrypoint.sh").read_text()
    for name, value in body_limits().items():
        assert f"${{{name}:={value}}}" in entrypoint
