"""Every login form refuses an account, or a client, that failed ten times in ten minutes."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed

from newsdesk.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# The three ways in: a reader with their email, the newsroom with a username (both on the site's
# sign-in page), and Django's admin.
FORMS = {
    "readers": ("/account/login/", "email", "ada@example.org", "/"),
    "newsroom": ("/account/login/?next=/newsroom/", "email", "editor", "/newsroom/"),
    "admin": ("/admin/login/?next=/admin/", "username", "editor", "/admin/"),
}


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("editor", "desk@newsroom.example", PASSWORD)


@pytest.fixture
def reader():
    return get_user_model().objects.create_user("ada", "ada@example.org", PASSWORD)


def sign_in(client, form, password, account=None, **extra):
    url, field, default_account, _ = FORMS[form]
    return client.post(url, {field: account or default_account, "password": password}, **extra)


def fail(client, form, times, **extra):
    for n in range(times):
        page = sign_in(client, form, f"wrong guess {n}", **extra)
        assert page.status_code == 200, page.status_code


@pytest.mark.parametrize("form", FORMS)
def test_after_ten_failures_even_the_right_password_is_refused_with_429(client, editor, reader, form):
    fail(client, form, 10)

    page = sign_in(client, form, PASSWORD)

    assert page.status_code == 429
    assert 590 <= int(page["Retry-After"]) <= 600
    html = page.content.decode()
    assert "Too many failed sign-ins" in html and "try again in 10 minutes" in html
    assert '<form' in html and PASSWORD not in html  # the form again, to try later
    assert "_auth_user_id" not in client.session  # not signed in


@pytest.mark.parametrize("form", FORMS)
def test_nine_failures_then_the_right_password_signs_in(client, editor, reader, form):
    fail(client, form, 9)

    page = sign_in(client, form, PASSWORD)

    assert page.status_code == 302 and page["Location"] == FORMS[form][3]
    assert "_auth_user_id" in client.session


def test_a_successful_sign_in_does_not_count(client, editor):
    fail(client, "newsroom", 9)
    assert sign_in(client, "newsroom", PASSWORD).status_code == 302
    client.post("/account/logout/")

    fail(client, "newsroom", 1)  # the tenth failure: still answered, not refused
    assert sign_in(client, "newsroom", PASSWORD).status_code == 429


def test_a_refused_sign_in_checks_no_password(client, editor):
    checked = []
    user_login_failed.connect(lambda **kwargs: checked.append(kwargs), dispatch_uid="test-checked", weak=False)
    try:
        fail(client, "admin", 10)
        assert len(checked) == 10
        sign_in(client, "admin", "one more guess")
        sign_in(client, "admin", PASSWORD)
    finally:
        user_login_failed.disconnect(dispatch_uid="test-checked")

    assert len(checked) == 10


def test_the_account_limit_holds_whatever_address_the_guesses_come_from(client, editor):
    for n in range(10):
        sign_in(client, "newsroom", "guess", REMOTE_ADDR=f"198.51.100.{n + 1}")

    page = sign_in(client, "newsroom", PASSWORD, REMOTE_ADDR="203.0.113.77")

    assert page.status_code == 429
    # Counted for the account whichever form it was typed into, and in any case.
    assert sign_in(client, "admin", PASSWORD, account="EDITOR", REMOTE_ADDR="203.0.113.78").status_code == 429


def test_the_client_limit_holds_across_accounts(client, editor, reader):
    for n in range(10):
        sign_in(client, "readers", "guess", account=f"someone{n}@example.org", REMOTE_ADDR="198.51.100.9")

    refused = sign_in(client, "readers", PASSWORD, REMOTE_ADDR="198.51.100.9")
    admin_refused = sign_in(client, "admin", PASSWORD, REMOTE_ADDR="198.51.100.9")
    elsewhere = sign_in(client, "readers", PASSWORD, REMOTE_ADDR="198.51.100.10")

    assert refused.status_code == 429 and admin_refused.status_code == 429
    assert elsewhere.status_code == 302


def test_an_unknown_account_is_refused_just_like_a_known_one(client, reader):
    for account in ("ada@example.org", "nobody@example.org"):
        for n in range(10):
            sign_in(client, "readers", "guess", account=account, REMOTE_ADDR=f"198.51.100.{n + 1}")

    known = sign_in(client, "readers", "guess", account="ada@example.org", REMOTE_ADDR="203.0.113.1")
    unknown = sign_in(client, "readers", "guess", account="nobody@example.org", REMOTE_ADDR="203.0.113.1")

    assert known.status_code == unknown.status_code == 429
    # Each window starts at its account's first failure: the second's ten began a moment later.
    assert 0 <= int(unknown["Retry-After"]) - int(known["Retry-After"]) <= 5
    assert b"Too many failed sign-ins for this account or from your network" in known.content
    assert b"Too many failed sign-ins for this account or from your network" in unknown.content


def test_behind_the_proxy_each_reader_is_counted_by_the_address_it_saw(client, settings, reader):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        # A client may write anything at the left of X-Forwarded-For: only nginx's entry counts.
        sign_in(client, "readers", "guess", account=f"someone{n}@example.org", REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.20")

    same = sign_in(client, "readers", PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    other = sign_in(client, "readers", PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.21")

    assert same.status_code == 429 and other.status_code == 302


def test_an_ipv6_client_is_counted_by_its_64_block(client, reader):
    for n in range(10):
        sign_in(client, "readers", "guess", account=f"someone{n}@example.org", REMOTE_ADDR=f"2001:db8:1:2::{n + 1}")

    assert sign_in(client, "readers", PASSWORD, REMOTE_ADDR="2001:db8:1:2::ffff").status_code == 429
    assert sign_in(client, "readers", PASSWORD, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


def test_the_limits_come_from_the_settings(client, settings, editor):
    settings.LOGIN_FAILURES_PER_ACCOUNT = (3, 120)
    fail(client, "admin", 3)

    page = sign_in(client, "admin", PASSWORD)

    assert page.status_code == 429 and 110 <= int(page["Retry-After"]) <= 120
    assert "try again in 2 minutes" in page.content.decode()


def test_failures_and_refusals_are_logged_with_account_client_and_form(client, editor, caplog):
    caplog.set_level(logging.WARNING, logger="newsdesk.logins")
    fail(client, "admin", 10, REMOTE_ADDR="198.51.100.30")
    sign_in(client, "admin", PASSWORD, REMOTE_ADDR="198.51.100.30")

    lines = [record.getMessage() for record in caplog.records if record.name == "newsdesk.logins.throttle"]
    assert lines.count("sign-in failed (account 'editor', client 198.51.100.30, form admin)") == 10
    assert lines[-1].startswith("sign-in refused: too many failures (account 'editor', client 198.51.100.30, form admin)")
