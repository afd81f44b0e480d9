import pytest

from newsdesk.conftest import PASSWORD, make_member, write_story  # noqa: F401  (used by the tests here)


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
