import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.comments.forms import started_token
from newsdesk.conftest import make_article


@pytest.fixture(autouse=True)
def comment_settings(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_RATE_IP = (1000, 60)
    settings.COMMENTS_RATE_ACCOUNT = (1000, 60)
    # The cache the run has (Redis on the PostgreSQL and Redis pass, so that the limits are
    # tried there too); clear() empties only the test run's own Redis database.
    from django.core.cache import cache

    cache.clear()
    return settings


def make_reader(name="Alice Reader", email="alice@example.org", verified=True, joined_days_ago=30):
    from newsdesk.readers.models import Reader

    user = get_user_model().objects.create_user(
        username=email, email=email, password="a long passphrase 42",
        date_joined=timezone.now() - timezone.timedelta(days=joined_days_ago),
    )
    Reader.objects.create(user=user, display_name=name, email_verified_at=timezone.now() if verified else None)
    return user


@pytest.fixture
def alice(db):
    return make_reader()


@pytest.fixture
def bob(db):
    return make_reader("Bob Writer", "bob@example.org")


@pytest.fixture
def story(db):
    return make_article(headline="The harbour reopens")


def form_data(text="A thoughtful comment.", **extra):
    return {"text": text, "started": started_token(), "website": "", **extra}
