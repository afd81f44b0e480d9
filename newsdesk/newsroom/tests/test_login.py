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

from newsdesk.newsroom.accounts import ensure_demo_login

NEWSDESK = shutil.which("newsdesk", path=str(Path(sys.executable).parent)) or "newsdesk"


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_first_start_makes_a_login_that_works_and_later_starts_reuse_it(var_dir):
    username, password = ensure_demo_login()

    assert username == "editor" and len(password) >= 12
    assert authenticate(username=username, password=password) is not None
    assert ensure_demo_login() == (username, password)
    assert oct((var_dir / "newsroom-login").stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db
def test_a_login_that_no_longer_works_is_replaced(var_dir, django_user_model):
    username, password = ensure_demo_login()
    user = django_user_model.objects.get(username=username)
    user.set_password("changed-by-hand-123")
    user.save()

    again = ensure_demo_login()

    assert again[1] != password and authenticate(username=username, password=again[1]) is not None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env, port, *args):
    server = subprocess.Popen([NEWSDESK, "serve", "--workers", "1", *args], env={**env, "PORT": str(port)},
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


def test_a_demo_start_prints_the_login_at_every_start_and_serves_on_port(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")}
    env.update(VAR_DIR=str(tmp_path), HOST="127.0.0.1")
    subprocess.run([NEWSDESK, "migrate", "-v0"], env=env, check=True)

    seen = []
    for _ in range(2):
        server, lines, page = start_server(env, free_port(), "--demo")
        try:
            assert page.status == 200 and b"<title>Newsdesk</title>" in page.read()
        finally:
            page.close()
            server.terminate()
            server.wait(20)  # a worker still answering is given SHUTDOWN_SECONDS to finish
        seen.append([line.strip() for line in lines if line.startswith(("username: ", "password: "))])

    assert seen[0] == seen[1]
    assert seen[0][0] == "username: editor" and seen[0][1].startswith("password: ")


def run_shell(env, code):
    return subprocess.run([NEWSDESK, "shell", "--no-imports", "-c", code], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_a_production_start_never_creates_resets_reactivates_or_prints_an_account(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")}
    env.update(VAR_DIR=str(tmp_path), HOST="127.0.0.1")
    subprocess.run([NEWSDESK, "migrate", "-v0"], env=env, check=True)
    accounts = "from django.contrib.auth.models import User; print(User.objects.count())"

    # A fresh install: no account is made; the log says how to make the first.
    server, lines, page = start_server(env, free_port())
    page.close()
    server.terminate()
    output = "".join(lines) + server.communicate(timeout=15)[0]
    assert run_shell(env, accounts) == "0"
    assert "username:" not in output and "password:" not in output
    assert "newsdesk createsuperuser" in output

    # An admin made that way, then disabled by another admin: it stays disabled, its
    # password unchanged, and nothing about it is printed.
    subprocess.run([NEWSDESK, "createsuperuser", "--noinput", "--username", "editor", "--email", "e@example.org"],
                   env={**env, "DJANGO_SUPERUSER_PASSWORD": "a long passphrase 42"}, check=True)
    run_shell(env, "from django.contrib.auth.models import User; User.objects.filter(username='editor').update(is_active=False)")
    server, lines, page = start_server(env, free_port())
    page.close()
    server.terminate()
    output = "".join(lines) + server.communicate(timeout=15)[0]
    assert "username:" not in output and "password:" not in output
    assert run_shell(env, "from django.contrib.auth.models import User; u = User.objects.get(); "
                          "print(u.is_active, u.check_password('a long passphrase 42'))") == "False True"
    assert not (tmp_path / "newsroom-login").exists()


def test_serve_refuses_an_unmigrated_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(VAR_DIR=str(tmp_path))

    result = subprocess.run([NEWSDESK, "serve"], env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode != 0 and "newsdesk migrate" in result.stderr
