import time

import pytest
from django.test import RequestFactory

from newsdesk import ratelimit

from .conftest import PASSWORD, make_reader

pytestmark = pytest.mark.django_db


def test_too_many_signups_from_one_address_are_refused_with_the_form_kept(client):
    for n in range(10):
        client.post("/account/signup/", {"display_name": "Ada Berg", "email": f"ada{n}@example.org", "password": "x"})

    page = client.post("/account/signup/", {"display_name": "Zoë Lund", "email": "zoe@example.org", "password": PASSWORD})

    assert page.status_code == 429 and page["Retry-After"] == "600"
    html = page.content.decode()
    assert "Too many attempts" in html and 'role="alert"' in html
    assert 'value="Zoë Lund"' in html and 'value="zoe@example.org"' in html and PASSWORD not in html


def test_another_address_may_still_sign_up(client):
    for _ in range(11):
        client.post("/account/signup/", {"display_name": "Ada"})

    page = client.post("/account/signup/", {"display_name": "Zoë Lund", "email": "zoe@example.org", "password": PASSWORD},
                       REMOTE_ADDR="192.0.2.7")

    assert page.status_code == 302


def test_too_many_logins_are_refused_even_with_the_right_password(client):
    make_reader()
    for _ in range(10):
        client.post("/account/login/", {"email": "ada@example.org", "password": "guess"})

    page = client.post("/account/login/", {"email": "ada@example.org", "password": PASSWORD})

    assert page.status_code == 429 and 0 < int(page["Retry-After"]) <= 600
    assert b"Too many failed sign-ins" in page.content and b'value="ada@example.org"' in page.content
    assert b"Sign out" not in page.content


def test_password_reset_mails_are_limited_too(client, mailoutbox):
    make_reader()
    for _ in range(10):
        client.post("/account/password/reset/", {"email": "ada@example.org"})

    page = client.post("/account/password/reset/", {"email": "ada@example.org"})

    assert page.status_code == 429 and len(mailoutbox) == 10
    assert page["Retry-After"] == "600" and b"Too many attempts" in page.content


def test_allow_counts_per_scope_and_ident():
    assert [ratelimit.allow("test", "a", 3, 60) for _ in range(4)] == [True, True, True, False]
    assert ratelimit.allow("test", "b", 3, 60) and ratelimit.allow("other", "a", 3, 60)


def test_allow_opens_a_new_window_when_the_last_one_closes():
    assert ratelimit.allow("test", "a", 1, 1) and not ratelimit.allow("test", "a", 1, 1)
    time.sleep(1.1)
    assert ratelimit.allow("test", "a", 1, 1)


def test_client_ip_trusts_no_forwarded_header_by_default():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert ratelimit.client_ip(request) == "10.0.0.1"


def test_client_ip_behind_trusted_proxies_takes_the_address_they_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.1")

    settings.TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert ratelimit.client_ip(request) == "203.0.113.9"  # the spoofed 6.6.6.6 is never used
    settings.TRUSTED_PROXY_COUNT = 5
    assert ratelimit.client_ip(request) == "10.0.0.2"


def test_client_ip_ignores_a_forwarded_value_that_is_not_an_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")

    assert ratelimit.client_ip(request) == "10.0.0.2"
