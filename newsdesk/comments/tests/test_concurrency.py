"""1,000 comments from 50 concurrent clients against a real `newsdesk serve`: each stored exactly once.

The server runs in a subprocess (gunicorn, several workers) on the database the suite
runs on: SQLite in its own VAR_DIR, or, when the suite runs on PostgreSQL, a scratch
database on the same server, made and dropped here. The clients are guests, each with
its own cookie jar: they read the article page (the form's `started` token), fetch a
CSRF token and its cookie as the page's script does, wait for each other at a barrier,
then post 20 comments each with `Accept: application/json`. Every comment the server acknowledged (201 and an id) must
be in the database with the text it was sent with, and no text may be there twice.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from django.db import connection

NEWSDESK = shutil.which("newsdesk", path=str(Path(sys.executable).parent)) or "newsdesk"

CLIENTS = 50
PER_CLIENT = 20
WORKERS = 4
REQUEST_TIMEOUT = 30  # seconds, for each request
POSTING_BUDGET = 240  # seconds for all the posting: only a bound (about 20 s on SQLite on a busy 2-core machine)

PAGE = """Harbour ferry returns after winter repairs
The ferry is back on its route after three months in dry dock, the council said on Monday.
Passengers will find new seats, a larger cafe on the upper deck and a ramp for bicycles.
The first crossing leaves the harbour at six in the morning; the timetable is unchanged.
What is your opinion on this topic?
Leave the first comment
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the database the server runs on --------------------------------------------


class SQLiteTarget:
    def __init__(self, var_dir):
        self.path = var_dir / "newsdesk.sqlite3"
        self.env = {}

    def create(self):
        pass

    def drop(self):
        pass

    def comments(self, story_id):
        import sqlite3

        db = sqlite3.connect(self.path, timeout=30)
        try:
            return db.execute("select id, text from comments_comment where story_id = ?", (story_id,)).fetchall()
        finally:
            db.close()


class PostgresTarget:
    """A scratch database beside the suite's, on the same PostgreSQL server."""

    def __init__(self):
        s = connection.settings_dict
        self.params = {k: v for k, v in {"host": s["HOST"], "port": s["PORT"], "user": s["USER"],
                                          "password": s["PASSWORD"]}.items() if v}
        self.name = f"newsdesk_concurrency_{os.getpid()}"
        auth = urllib.parse.quote(s["USER"] or "", safe="")
        if s["PASSWORD"]:
            auth += ":" + urllib.parse.quote(s["PASSWORD"], safe="")
        where = (s["HOST"] or "") + (f":{s['PORT']}" if s["PORT"] else "")
        self.env = {"DATABASE_URL": f"postgres://{auth}{'@' if auth else ''}{where}/{self.name}"}

    def _admin(self, sql):
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=10, **self.params) as db:
            db.execute(sql)

    def create(self):
        self._admin(f'drop database if exists "{self.name}"')
        self._admin(f'create database "{self.name}"')

    def drop(self):
        self._admin(f'drop database if exists "{self.name}" with (force)')

    def comments(self, story_id):
        import psycopg

        with psycopg.connect(dbname=self.name, connect_timeout=10, **self.params) as db:
            return db.execute("select id, text from comments_comment where story_id = %s", (story_id,)).fetchall()


# --- the server -------------------------------------------------------------------


def newsdesk(env, *args, timeout=120):
    done = subprocess.run([NEWSDESK, *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"newsdesk {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wait_until_serving(server, url, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"newsdesk serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as page:
                if page.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"newsdesk serve did not answer {url} within {seconds} s:\n{log.read_text()}")


def stop(server):
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


# --- a reader ---------------------------------------------------------------------


class Guest:
    """One reader's browser: its own cookies, the article page's form, its comments."""

    def __init__(self, n, base, path, story_id):
        self.n, self.base, self.path, self.story_id = n, base, path, story_id
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.acknowledged = {}  # comment id -> text
        self.failures = []  # (text, status or error, body)

    def text(self, i):
        return f"Comment {i} from guest {self.n}: the ferry timetable works for me (c{self.n:02d}-{i:02d})."

    def open_page(self):
        with self.opener.open(self.base + self.path, timeout=REQUEST_TIMEOUT) as page:
            html = page.read().decode()
        self.started = re.search(r'name="started" value="([^"]+)"', html).group(1)
        # The page is the same for every guest, with no token; its script asks for one (and the cookie).
        with self.opener.open(self.base + "/account/csrf/", timeout=REQUEST_TIMEOUT) as answer:
            self.csrf = json.loads(answer.read())["token"]

    def post(self, i):
        text = self.text(i)
        data = urllib.parse.urlencode({
            "csrfmiddlewaretoken": self.csrf, "started": self.started, "website": "", "parent": "",
            "name": f"Guest {self.n}", "email": f"guest{self.n}@example.org", "text": text,
        }).encode()
        request = urllib.request.Request(
            f"{self.base}/comments/stories/{self.story_id}/", data=data,
            headers={"Accept": "application/json", "Referer": self.base + self.path},
        )
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            status, body = err.code, err.read().decode(errors="replace")
        except OSError as err:  # a timeout or a dropped connection: nobody knows if it was stored
            self.failures.append((text, repr(err), ""))
            return
        if status == 201:
            self.acknowledged[json.loads(body)["id"]] = text
        else:
            self.failures.append((text, status, body[:300]))

    def run(self, barrier):
        try:
            self.open_page()
        except Exception as err:
            self.failures.append(("(the article page)", repr(err), ""))
            barrier.abort()
            return
        try:
            barrier.wait(timeout=POSTING_BUDGET)
        except threading.BrokenBarrierError:
            return
        for i in range(PER_CLIENT):
            self.post(i)


# --- the test ---------------------------------------------------------------------


def test_1000_comments_from_50_concurrent_guests_are_each_stored_exactly_once(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    target = PostgresTarget() if connection.vendor == "postgresql" else SQLiteTarget(var_dir)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")}
    env.update(target.env, VAR_DIR=str(var_dir), LOG_LEVEL="WARNING", COMMENTS_MIN_SECONDS="0",
               COMMENTS_RATE_IP="100000/60", COMMENTS_RATE_ACCOUNT="100000/60", COMMENTS_DEFAULT_MODE="open")
    (tmp_path / "page.txt").write_text(PAGE, encoding="utf-8")

    server = None
    target.create()
    try:
        newsdesk(env, "migrate", "--noinput", "-v", "0")
        imported = [json.loads(line) for line in newsdesk(env, "import", "--json", str(tmp_path / "page.txt")).splitlines()
                    if line.startswith("{")]
        article = next(row for row in imported if row["kind"] == "article")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / "serve.log"
        with log.open("w") as out:
            server = subprocess.Popen([NEWSDESK, "serve", "--host", "127.0.0.1", "--port", str(port),
                                       "--workers", str(WORKERS)], env=env, stdout=out, stderr=subprocess.STDOUT)
        wait_until_serving(server, base + article["url"], log)

        guests = [Guest(n, base, article["url"], article["id"]) for n in range(CLIENTS)]
        barrier = threading.Barrier(CLIENTS)
        threads = [threading.Thread(target=g.run, args=(barrier,), daemon=True) for g in guests]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.1, started + POSTING_BUDGET - time.monotonic()))
        assert not any(t.is_alive() for t in threads), f"the clients did not finish within {POSTING_BUDGET} s"

        failures = [f for g in guests for f in g.failures]
        server_errors = [f for f in failures if isinstance(f[1], int) and f[1] >= 500]
        assert not server_errors, f"{len(server_errors)} answers 5xx, e.g. {server_errors[:3]}\n{log.read_text()[-3000:]}"
        assert not failures, f"{len(failures)} comments not acknowledged, e.g. {failures[:5]}"
        acknowledged = {}
        for g in guests:
            acknowledged.update(g.acknowledged)
        assert len(acknowledged) == CLIENTS * PER_CLIENT  # 1,000 ids, none given twice

        rows = target.comments(article["id"])
        texts = [text for _, text in rows]
        sent = {g.text(i) for g in guests for i in range(PER_CLIENT)}
        assert len(rows) == CLIENTS * PER_CLIENT
        assert len(set(texts)) == len(texts), "a comment is stored more than once"
        assert set(texts) == sent
        stored = dict(rows)
        assert {pk: stored.get(pk) for pk in acknowledged} == acknowledged  # each id holds the text it acknowledged
    finally:
        if server is not None:
            stop(server)
        target.drop()
