"""What the fault tests share: a PostgreSQL server of their own (to stop and start at will,
never the suite's), a guest who comments over HTTP as a browser would, and a load of readers
and commenters kept up while a fault is injected, each answer noted with its time."""

import glob
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from newsdesk.testing import need

from .conftest import free_port


def current_test():
    """The running test's id (path::name), kept with its figures: the command to run it alone."""
    return os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]


class OwnPostgres:
    """A throwaway PostgreSQL cluster on a free port, in a temporary folder, run as the
    `postgres` account when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        need(found, "no PostgreSQL server programs in /usr/lib/postgresql (Debian package: postgresql)")
        self.bin = os.path.dirname(found[-1])
        self.port = free_port()
        # Not under pytest's own temporary folder: as root that is closed to the postgres account.
        self.folder = tempfile.mkdtemp(prefix="newsdesk-pg-")
        self.data, self.socket_dir = os.path.join(self.folder, "data"), os.path.join(self.folder, "run")
        os.mkdir(self.socket_dir)
        self.as_user = []
        if os.geteuid() == 0:
            import pwd

            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                need(False, "running as root, and there is no `postgres` account to run PostgreSQL as")
            for path in (self.folder, self.socket_dir):
                os.chown(path, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.log = os.path.join(self.folder, "postgres.log")

    def run(self, program, *args, timeout=60):
        done = subprocess.run([*self.as_user, os.path.join(self.bin, program), *args],
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{program} failed: {done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self):
        self.run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30",
                 "-o", f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self):
        """As a crash or a failover would: at once, open connections cut."""
        self.run("pg_ctl", "-D", self.data, "-w", "-m", "immediate", "stop")

    def create_database(self, name="newsdesk"):
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self):
        try:
            self.stop()
        except AssertionError:
            pass  # stopped already
        shutil.rmtree(self.folder, ignore_errors=True)


def request(base, method, path, body=None, headers=None, timeout=30):
    """(status, headers as a dict with lower-case names, body) on a new connection."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


class Guest:
    """A guest commenting on one story as a browser with scripts would: the page (perhaps a
    cached copy), a CSRF token from /account/csrf/, then the form posted with its hidden fields."""

    def __init__(self, base, story_path, story_id):
        self.base, self.story_path, self.story_id = base, story_path, story_id
        self.name = f"Guest {uuid.uuid4().hex[:8]}"
        self.email = f"{self.name.split()[1]}@example.org"
        self.form = None
        self.cookie = ""

    def open_form(self):
        """Read the page's comment form and fetch a token; a fresh form (a new key) each time."""
        status, _, page = request(self.base, "GET", self.story_path)
        assert status == 200, f"the story page answered {status}"
        html = page.decode()
        fields = dict(re.findall(r'<input type="hidden" name="(started|key)" value="([^"]*)"', html))
        assert {"started", "key"} <= fields.keys(), "the comment form has no started time or key"
        status, headers, body = request(self.base, "GET", "/account/csrf/")
        assert status == 200, f"/account/csrf/ answered {status}"
        cookie = SimpleCookie(headers.get("set-cookie", ""))
        self.cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items() if name == "csrftoken")
        self.form = {**fields, "csrfmiddlewaretoken": json.loads(body)["token"]}

    def post(self, text, timeout=30):
        """Send `text` with the form as it is (a retry sends the same form again): (status, headers, body)."""
        data = {**self.form, "text": text, "name": self.name, "email": self.email, "website": "", "parent": ""}
        return request(self.base, "POST", f"/comments/stories/{self.story_id}/", urlencode(data),
                       {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}, timeout=timeout)


class Load:
    """Readers and commenters on threads until stopped; every answer kept as
    (time, kind, status, headers, body or the error's name)."""

    def __init__(self, base, readers, commenters, pages, story_path, story_id, pause=0.05):
        self.base, self.pages, self.pause = base, pages, pause
        self.story_path, self.story_id = story_path, story_id
        self.answers, self.lock, self.done = [], threading.Lock(), threading.Event()
        self.acknowledged = []  # comment texts answered 2xx/3xx
        self.threads = [threading.Thread(target=self.read, args=(i,), daemon=True) for i in range(readers)]
        self.threads += [threading.Thread(target=self.comment, args=(i,), daemon=True) for i in range(commenters)]

    def note(self, kind, status, headers=None, body=b""):
        with self.lock:
            self.answers.append((time.monotonic(), kind, status, headers or {}, body))

    def read(self, n):
        i = n
        while not self.done.is_set():
            path = self.pages[i % len(self.pages)]
            i += 1
            try:
                status, headers, body = request(self.base, "GET", path, timeout=15)
                self.note(path, status, headers, body)
            except OSError as error:
                self.note(path, type(error).__name__)
            time.sleep(self.pause)

    def comment(self, n):
        guest, sent = Guest(self.base, self.story_path, self.story_id), 0
        while not self.done.is_set():
            try:
                if guest.form is None:
                    guest.open_form()
                text = f"{guest.name} says number {sent}."
                status, headers, body = guest.post(text, timeout=15)
            except (OSError, AssertionError) as error:
                self.note("comment", type(error).__name__)
                time.sleep(0.2)
                continue
            self.note("comment", status, headers, body)
            if status < 400:
                with self.lock:
                    self.acknowledged.append(text)
                sent += 1
                guest.form = None  # the next comment from a new form, as after a page load
            time.sleep(self.pause * 4)

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self.done.set()
        for thread in self.threads:
            thread.join(30)

    def between(self, start, end, kind=None):
        return [a for a in self.answers if start <= a[0] < end and (kind is None or (a[1] == "comment") == (kind == "comment"))]
