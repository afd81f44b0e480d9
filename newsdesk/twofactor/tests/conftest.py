import pytest
from django.core.cache import cache

from .helpers import fresh_step  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def no_attempts_counted():
    """Rate limits count in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()
