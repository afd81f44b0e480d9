import pytest

from newsdesk.conftest import PASSWORD, make_member, write_story  # noqa: F401  (used by the tests here)


# `editor`, `reporter` and `editor_client` come from newsdesk/conftest.py.
@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client
