"""A newsroom with an editor and a reporter, each with a token, and stories readers see."""

import pytest
from django.test import Client

from newsdesk.api.models import Token
from newsdesk.conftest import make_member

from newsdesk.conftest import make_article, make_brief, write_story  # noqa: F401  (used by the tests here)


@pytest.fixture
def editor(db):
    return make_member("edna", "Editor")


@pytest.fixture
def reporter(db):
    return make_member("rita", "Reporter")


def token_for(user, name="Partner app"):
    return Token.issue(user, name)[1]


def with_token(secret):
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def editor_api(editor):
    return with_token(token_for(editor))


@pytest.fixture
def reporter_api(reporter):
    return with_token(token_for(reporter))


@pytest.fixture(autouse=True)
def roomy_rate_limits(settings):
    """Tests call far faster than a client would; the rate-limit test sets its own."""
    settings.API_RATE_TOKEN = settings.API_RATE_CLIENT = (100_000, 60)
