import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from newsdesk.readers import services

PASSWORD = "harbour-ferry-timetable"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # A deliberately slow hash makes no sense in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with no attempts counted (the test client always comes from 127.0.0.1)."""
    cache.clear()
    yield
    cache.clear()


def make_reader(name="Ada Berg", email="ada@example.org", password=PASSWORD, verified=False):
    user = services.register(display_name=name, email=email, password=password)
    if verified:
        services.verify(services.verification_token(user))
    return get_user_model().objects.get(pk=user.pk)


def link_in(mail):
    """The path of the first link to this site in a mail."""
    return re.search(r"http://testserver(/\S+)", mail.body).group(1)
