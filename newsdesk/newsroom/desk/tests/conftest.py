import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from newsdesk.stories import services
from newsdesk.stories.models import Story

PASSWORD = "a long passphrase 42"


def make_member(username, role=None):
    """An account in one of the newsroom's roles (groups made by the roles migration)."""
    user = get_user_model().objects.create_user(username, f"{username}@newsroom.example", PASSWORD)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def write_story(by, headline="Ferry returns after repairs", body="<p>The ferry is back on its route.</p>", **fields):
    """A draft saved through the newsroom, so that it has its first revision."""
    return services.save(Story(headline=headline, body=body, **fields), by=by, action="create")


@pytest.fixture(autouse=True)
def use_newsroom_urls(settings):
    settings.ROOT_URLCONF = "newsdesk.newsroom.desk.tests.urls"


@pytest.fixture
def editor(db):
    return make_member("edna", "Editor")


@pytest.fixture
def reporter(db):
    return make_member("remy", "Reporter")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client
