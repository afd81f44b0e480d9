import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import authenticate

from newsdesk.newsroom.accounts import ensure_newsroom_login

NEWSDESK = shutil.which("newsdesk", path=str(Path(sys.executable).parent)) or "newsdesk"


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_first_start_makes_a_login_that_works_and_later_starts_reuse_it(var_dir):
    username, password = ensure_newsroom_login()

    assert username == "editor" and len(password) >= 12
    assert authenticate(username=username, password=password) is not None
    assert ensure_newsroom_login() == (username, password)
    assert oct((var_dir / "newsroom-login").stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db
def test_a_login_that_no_longer_works_is_replaced(var_dir, django_user_model):
    username, password = ensure_newsroom_login()
    user = django_user_model.objects.get(username=username)
    user.set_password("changed-by-hand-123")
    user.save()

    again = ensure_newsroom_login()

    assert again[1] != password and authenticate(username=username, password=again[1]) is not None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env, port):
    server = subprocess.Popen([NEWSDESK, "serve", "--workers", "1"], env={**env, "PORT": str(port)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = [server.stdout.readline() for _ in range(4)]
    for _ in range(100):
        try:
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return server, lines, page
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("server did not answer: " + "".join(lines) + server.stdout.read())


def test_serve_prints_the_login_at_every_start_and_serves_on_port(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")}
    env.update(VAR_DIR=str(tmp_path), HOST="127.0.0.1")
    subprocess.run([NEWSDESK, "migrate", "-v0"], env=env, check=True)

    seen = []
    for _ in range(2):
        server, lines, page = start_server(env, free_port())
        try:
            assert page.status == 200 and b"<title>Newsdesk</title>" in page.read()
        finally:
            server.terminate()
            server.wait(10)
        seen.append([line.strip() for line in lines if line.startswith(("username: ", "password: "))])

    assert seen[0] == seen[1]
    assert seen[0][0] == "username: editor" and seen[0][1].startswith("password: ")


def test_serve_refuses_an_unmigrated_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(VAR_DIR=str(tmp_path))

    result = subprocess.run([NEWSDESK, "serve"], env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode != 0 and "newsdesk migrate" in result.stderr
