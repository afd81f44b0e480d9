import pytest

from newsdesk.ratelimit import store


@pytest.fixture(autouse=True)
def no_failures_counted(db):
    """Each test starts with nothing counted (in Redis, the suite's runs share the counters)."""
    store.current().clear()
    yield
    store.current().clear()
