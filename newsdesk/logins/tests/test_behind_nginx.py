"""Behind the nginx of deploy/ (TRUSTED_PROXY_COUNT=1), sign-ins are counted by the address nginx
saw, whatever a client writes in X-Forwarded-For, and by every server process alike."""

import http.client
import re
from urllib.parse import urlencode

import pytest

from newsdesk.site.nginx import body_limits, render_nginx_config
from newsdesk.site.tests.conftest import Served, nginx_front  # noqa: F401 (a fixture)

pytestmark = pytest.mark.nginx


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`newsdesk serve` with two worker processes on one database, told nginx is in front; an
    account is refused after 3 failures (below the requests the server handles at once)."""
    server = Served(tmp_path_factory.mktemp("served"), TRUSTED_PROXY_COUNT="1",  # and WEB_CONCURRENCY=2
                    LOGIN_FAILURES_PER_ACCOUNT="3/600")
    server.newsdesk("migrate", "--noinput", "-v0")
    server.start()
    try:
        server.wait()
        yield server
    finally:
        server.stop()


def post_login(base, account, password, headers=()):
    """(status, headers) of a sign-in sent on a new connection, after fetching the form's CSRF token."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=15)
    try:
        connection.request("GET", "/account/login/", headers=dict(headers))
        form = connection.getresponse()
        page = form.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        cookie = re.search(r"csrftoken=([^;]+)", form.getheader("Set-Cookie")).group(1)
        body = urlencode({"csrfmiddlewaretoken": token, "email": account, "password": password})
        connection.request("POST", "/account/login/", body=body, headers={
            **dict(headers), "Cookie": f"csrftoken={cookie}", "Content-Type": "application/x-www-form-urlencoded",
        })
        response = connection.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()


def test_a_client_cannot_escape_its_limit_by_writing_x_forwarded_for(nginx_front):  # noqa: F811
    for n in range(10):
        status, _ = post_login(nginx_front, f"someone{n}@example.org", "guess",
                               headers={"X-Forwarded-For": f"198.51.100.{n}"})
        assert status == 200

    status, headers = post_login(nginx_front, "another@example.org", "guess",
                                 headers={"X-Forwarded-For": "198.51.100.200"})

    assert status == 429 and 0 < int(headers["retry-after"]) <= 600


def test_every_proxied_location_tells_the_app_the_address_nginx_saw():
    values = dict(SERVER_NAME="news.example.org", LISTEN="80", UPSTREAM="127.0.0.1:8000", CACHE_DIR="/var/cache/n",
                  STATIC_ROOT="/srv/static", PURGE_SECRET="s" * 20)
    config = render_nginx_config(**values, **body_limits())

    # $proxy_add_x_forwarded_for appends $remote_addr last: the entry TRUSTED_PROXY_COUNT=1 reads.
    assert config.count("proxy_pass ") == config.count("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;") >= 3


def test_guesses_sent_all_at_once_get_no_more_answers_than_the_limit(served):
    from concurrent.futures import ThreadPoolExecutor

    def guess(n):  # straight to the server, as nginx would pass it: each from another address
        return post_login(served.url, "target@example.org", f"guess {n}", headers={"X-Forwarded-For": f"192.0.2.{n}"})[0]

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(guess, range(30)))

    assert statuses.count(200) == 3 and statuses.count(429) == 27
