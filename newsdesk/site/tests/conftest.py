"""A real `newsdesk serve`, and a real nginx in front of it, for the tests that speak HTTP to them.

`served` runs the server in a subprocess on a free port, with its own VAR_DIR holding a migrated
SQLite database (never the suite's database, nor PostgreSQL or Redis); `served.newsdesk(...)` runs
a `newsdesk` command against that database. `nginx_front` starts nginx with the site config that
`newsdesk nginx-config` renders, in front of `served`.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdesk.testing import need_program

# The suite's own database and cache settings stay out of the servers' environment.
SUITE_ONLY = ("DATABASE_URL", "REDIS_URL", "STATIC_ROOT", "PURGE_SECRET", "SECRET_KEY", "DEBUG")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(base, path, headers=None, timeout=15):
    """(status, headers as a dict with lower-case names, body) of a GET on a new connection."""
    host, port = base.removeprefix("http://").rstrip("/").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, body
    finally:
        connection.close()


def post_the_start_of(base, path, size, sent=64 * 1024, timeout=15):
    """(status, body) of a POST that says it is `size` bytes long but sends only its first `sent`
    bytes, then waits for the answer: an upload refused before the rest of it is sent."""
    host, port = base.removeprefix("http://").rstrip("/").rsplit(":", 1)
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {size}\r\n"
            "Content-Type: multipart/form-data; boundary=newsdesk\r\n\r\n")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(head.encode() + b"--newsdesk\r\n" + b"\0" * (sent - 12))
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, response.read().decode().replace("\xa0", " ")


def wait_until_answering(process, base, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if http_get(base, "/robots.txt", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} did not answer within {seconds} s:\n{log.read_text()}")


def stop(process, seconds=20):
    """SIGTERM, then SIGKILL if it is still there after `seconds`; the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    return process.returncode


class Served:
    """A `newsdesk serve` subprocess with its own VAR_DIR."""

    def __init__(self, var_dir, **env):
        self.var_dir = Path(var_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Where nginx_front listens, if started: the server refreshes its pages there.
        self.nginx_port = free_port()
        self.env = {name: value for name, value in os.environ.items() if name not in SUITE_ONLY}
        self.env.update(
            VAR_DIR=str(self.var_dir), HOST="127.0.0.1", PORT=str(self.port), WEB_CONCURRENCY="2",
            SCHEDULER_SECONDS="1", SECRET_KEY="newsdesk-served-tests",
            PURGE_NGINX_URLS=f"http://127.0.0.1:{self.nginx_port}",
        )
        self.env.update(env)  # a test's own settings win (WEB_CONCURRENCY among them)
        self.log = self.var_dir / f"serve-{self.port}.log"
        self.process = None

    def newsdesk(self, *args, timeout=120):
        """Run `newsdesk ARGS` against this server's database; its output."""
        done = subprocess.run([sys.executable, "-m", "newsdesk.cli", *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"newsdesk {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self):
        with open(self.log, "w") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "serve"], env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)

    def wait(self):
        wait_until_answering(self.process, self.url, self.log)

    def stop(self):
        return stop(self.process)

    @property
    def static_root(self):
        return Path(self.env.get("STATIC_ROOT") or self.var_dir / "static")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("served"))
    server.newsdesk("migrate", "--noinput", "-v0")
    # The editor the tests publish as (a production start makes no account).
    server.newsdesk("shell", "--no-imports", "-c",
                    "from newsdesk.newsroom.accounts import ensure_demo_login; ensure_demo_login()")
    server.start()
    try:
        server.wait()
        yield server
    finally:
        server.stop()


def nginx_main_config(prefix, site_config):
    mime_types = Path("/etc/nginx/mime.types")
    types = f"include {mime_types};" if mime_types.is_file() else (
        "types { text/html html; text/css css; application/javascript js; application/json json; }")
    temp = " ".join(f"{kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root, nginx's workers would run as nobody, who cannot read pytest's private temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 1;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 2048; }}
http {{
    {types}
    default_type application/octet-stream;
    access_log off;
    {temp}
    include {site_config};
}}
"""


@pytest.fixture(scope="module")
def nginx_front(served, tmp_path_factory):
    """nginx on a free port in front of `served`, configured by `newsdesk nginx-config`; its base URL."""
    nginx = need_program("nginx", "nginx-light")
    prefix = tmp_path_factory.mktemp("nginx")
    port = served.nginx_port
    site = served.newsdesk(
        "nginx-config", "--listen", f"127.0.0.1:{port}", "--upstream", f"127.0.0.1:{served.port}",
        "--server-name", "127.0.0.1 localhost", "--cache-dir", str(prefix / "cache"),
        "--static-root", str(served.static_root),
    )
    (prefix / "site.conf").write_text(site)
    (prefix / "nginx.conf").write_text(nginx_main_config(prefix, prefix / "site.conf"))
    log = prefix / "error.log"
    with open(log, "a") as stderr:
        process = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(process, base, log, seconds=20)
        yield base
    finally:
        # nginx stops at once on SIGTERM; SIGQUIT would wait for open connections.
        stop(process, seconds=10)
