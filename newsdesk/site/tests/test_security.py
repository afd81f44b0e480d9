"""Secure by default: the headers every response carries, pages with nothing inline for a
policy to allow, HTTPS settings, and `newsdesk check --deploy` on the documented production
settings."""

import base64
import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from newsdesk.conftest import make_brief, make_member
from newsdesk.site import views

pytestmark = pytest.mark.django_db

NEWSDESK = shutil.which("newsdesk", path=str(Path(sys.executable).parent)) or "newsdesk"


def policy_of(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def assert_secure_headers(response):
    policy = policy_of(response)
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'self'"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_reader_pages_newsroom_and_errors_carry_the_security_headers(client, article):
    make_brief("The council approved the budget.")
    for path in ("/", article.get_absolute_url(), "/no-such-page/", "/account/login/", "/newsroom/"):
        assert_secure_headers(client.get(path))
    # the same page again, answered from the page cache, keeps them
    again = client.get(article.get_absolute_url())
    assert_secure_headers(again)


def test_pages_have_no_inline_script_or_style_for_the_policy_to_allow(client, article):
    make_brief("The council approved the budget.")
    member = make_member("edna", role="Editor")
    pages = [client.get(path).content.decode() for path in ("/", article.get_absolute_url())]
    client.force_login(member)
    pages += [client.get(path).content.decode() for path in ("/newsroom/", article.get_absolute_url())]

    for html in pages:
        # JSON-LD data blocks are never run, so the policy need not allow them.
        assert not re.search(r'<script(?![^>]*\bsrc=)(?! type="application/ld\+json">)[^>]*>', html), "an inline script"
        assert "<style" not in html and not re.search(r"\sstyle=", html), "an inline style"
        assert re.search(r'<link rel="stylesheet" href="/static/site/site\.[0-9a-f]+\.css"|'
                         r'<link rel="stylesheet" href="/static/site/site\.css"', html)


def test_the_server_error_page_allows_only_its_own_style_by_hash():
    response = views.server_error(RequestFactory().get("/"))

    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert style and policy_of(response)["style-src"] == f"'self' 'sha256-{digest}'"
    assert policy_of(response)["script-src"] == "'self'"


def test_over_https_browsers_are_told_to_stay_and_cookies_are_secure(client, settings):
    # What HTTPS=true sets (tested as settings below): here, what a reader over HTTPS receives.
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True

    page = client.get("/account/login/", HTTP_X_FORWARDED_PROTO="https")
    assert page["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    cookie = page.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    plain = client.get("/account/login/")
    assert "Strict-Transport-Security" not in plain


def production_env(tmp_path, **changes):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "PURGE_SECRET")}
    env.update(
        VAR_DIR=str(tmp_path), HTTPS="true", SECRET_KEY=secrets.token_urlsafe(50),
        PURGE_SECRET=secrets.token_urlsafe(24), ALLOWED_HOSTS="news.example.org",
        CSRF_TRUSTED_ORIGINS="https://news.example.org", TRUSTED_PROXY_COUNT="1",
        EMAIL_HOST="smtp.example.org",
    )
    env.update(changes)
    return {k: v for k, v in env.items() if v is not None}


def check_deploy(env):
    return subprocess.run([NEWSDESK, "check", "--deploy", "--fail-level", "WARNING"], env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_on_the_documented_production_settings(tmp_path):
    passed = check_deploy(production_env(tmp_path))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "no issues" in passed.stdout

    shown = subprocess.run(
        [NEWSDESK, "shell", "--no-imports", "-c", "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
         "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"],
        env=production_env(tmp_path), capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert shown == "True True 63072000 ('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.parametrize("changes, expected", [
    ({"SECRET_KEY": None}, "newsdesk.W001"),
    ({"PURGE_SECRET": None}, "newsdesk.W002"),
    ({"HTTPS": None}, "security.W012"),
    ({"TRUSTED_PROXY_COUNT": "0"}, "newsdesk.W004"),
    ({"EMAIL_HOST": None}, "newsdesk.W005"),
    ({"ALLOWED_HOSTS": None}, "newsdesk.W006"),
    ({"DEBUG": "true"}, "security.W018"),
])
def test_check_deploy_names_each_missing_production_setting(tmp_path, changes, expected):
    failed = check_deploy(production_env(tmp_path, **changes))
    assert failed.returncode != 0 and expected in failed.stdout + failed.stderr


def test_debug_never_runs_on_a_known_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(VAR_DIR=str(tmp_path), DEBUG="true")
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    keys = [subprocess.run([NEWSDESK, "shell", "--no-imports", "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.strip() for _ in range(2)]
    assert keys[0] == keys[1] == (tmp_path / "secret-key").read_text().strip()
    assert len(keys[0]) >= 50
