"""The newsroom's token page: a member makes a token, sees it once, uses it, revokes it."""

import re

import pytest
from django.test import Client

from newsdesk.api.models import Token
from newsdesk.audit.models import Entry
from newsdesk.conftest import make_member

from .conftest import with_token

pytestmark = pytest.mark.django_db


def signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def test_a_member_creates_a_token_that_is_shown_once_and_works(reporter):
    browser = signed_in(reporter)
    assert browser.get("/newsroom/tokens/").status_code == 200

    page = browser.post("/newsroom/tokens/", {"name": "Partner <app>"})

    assert page.status_code == 201
    html = page.content.decode()
    secret = re.search(r"<code>(nd_[\w-]+)</code>", html).group(1)
    assert "Partner &lt;app&gt;" in html and "Partner <app>" not in html
    assert secret not in browser.get("/newsroom/tokens/").content.decode()  # shown once only
    token = Token.objects.get(owner=reporter)
    assert token.digest != secret and secret not in token.digest  # only its hash is kept
    assert Entry.objects.filter(actor=reporter, action="create-token").exists()

    api = with_token(secret)
    created = api.post("/api/stories", {"headline": "From a script"}, content_type="application/json")
    assert created.status_code == 201
    assert Token.objects.get(pk=token.pk).last_used_at is not None


def test_a_revoked_token_gets_401(reporter):
    browser = signed_in(reporter)
    html = browser.post("/newsroom/tokens/", {"name": "Old script"}).content.decode()
    secret = re.search(r"<code>(nd_[\w-]+)</code>", html).group(1)
    token = Token.objects.get(owner=reporter)
    assert with_token(secret).get("/api/stories").status_code == 200

    answer = browser.post(f"/newsroom/tokens/{token.pk}/revoke/", follow=True)

    assert "no longer works" in answer.content.decode()
    refused = with_token(secret).get("/api/stories")
    assert refused.status_code == 401 and "revoked" in refused.json()["error"]
    assert Entry.objects.filter(actor=reporter, action="revoke-token").exists()


def test_only_the_owner_revokes_and_readers_have_no_token_page(reporter, editor):
    token, _ = Token.issue(editor, "Editor's")
    assert signed_in(reporter).post(f"/newsroom/tokens/{token.pk}/revoke/").status_code == 404
    assert not Token.objects.get(pk=token.pk).revoked
    reader = make_member("reader")
    assert signed_in(reader).get("/newsroom/tokens/").status_code == 403
    assert Client().get("/newsroom/tokens/").status_code == 302  # to the login page


def test_a_token_without_a_name_is_not_made(reporter):
    page = signed_in(reporter).post("/newsroom/tokens/", {"name": ""})
    assert page.status_code == 400 and not Token.objects.exists()
