"""Rate limits are counted where every server process sees them: the database, or Redis."""

import json
import os
import subprocess
import sys
import time
import uuid

import pytest

from newsdesk import ratelimit
from newsdesk.ratelimit import store
from newsdesk.site.tests.conftest import Served

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["database", "redis"])
def counters(request, settings):
    """Each store in turn; Redis is the suite's own (REDIS_URL), when it runs with one."""
    if request.param == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("the Redis store is tested when the suite runs with REDIS_URL")
        settings.REDIS_URL = os.environ["REDIS_URL"]
    else:
        settings.REDIS_URL = ""
    current = store.current()
    current.clear()
    yield current
    current.clear()


def test_attempts_count_up_within_one_window(counters):
    counted = [counters.hit("test:a", 60) for _ in range(3)]

    assert [hits for hits, _ in counted] == [1, 2, 3]
    assert all(58 < left <= 60 for _, left in counted)
    assert counters.hit("test:b", 60)[0] == 1


def test_a_closed_window_starts_again(counters):
    counters.hit("test:a", 1)
    counters.hit("test:a", 1)
    time.sleep(1.1)

    assert counters.peek(["test:a"]) == {}
    assert counters.hit("test:a", 1)[0] == 1


def test_peek_counts_nothing(counters):
    counters.hit("test:a", 60)

    seen = counters.peek(["test:a", "test:never"])

    assert list(seen) == ["test:a"] and seen["test:a"][0] == 1
    assert counters.peek(["test:a"])["test:a"][0] == 1


def test_an_attempt_given_back_no_longer_counts(counters):
    counters.hit("test:a", 60)
    counters.hit("test:a", 60)

    counters.give_back("test:a")
    assert counters.peek(["test:a"])["test:a"][0] == 1
    counters.give_back("test:a")
    counters.give_back("test:a")  # never below nothing
    assert counters.hit("test:a", 60)[0] == 1


def test_allow_refuses_past_the_limit_in_either_store(counters):
    assert [ratelimit.allow("test", "192.0.2.1", 2, 60) for _ in range(3)] == [True, True, False]


# Two processes counting the same key at the same moment, each printing the counts it was told.
# Both start counting at the same moment, once Django is up in each.
COUNTING = """
import json, time
from newsdesk.ratelimit import store
current = store.current()
time.sleep(max({start} - time.time(), 0))
print(json.dumps([current.hit({key!r}, 60)[0] for _ in range({times})]))
"""


def count_in_two_processes(env, key, times):
    code = COUNTING.format(key=key, times=times, start=time.time() + 5)
    processes = [
        subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "shell", "--no-imports", "-c", code],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A database of its own (SQLite in a folder), as two server processes would share it."""
    server = Served(tmp_path_factory.mktemp("shared-counts"))
    server.newsdesk("migrate", "--noinput", "-v0")
    return server


@pytest.mark.parametrize("where", ["database", "redis"])
def test_two_processes_share_the_counts(migrated, where):
    env = dict(migrated.env)
    if where == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("the Redis store is tested when the suite runs with REDIS_URL")
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    key = f"test:{uuid.uuid4().hex}"

    first, second = count_in_two_processes(env, key, 150)

    # Every attempt was counted once: together they were told each number from 1 to 300.
    assert sorted(first + second) == list(range(1, 301))
    assert max(first) > 150 or max(second) > 150  # one saw the other's attempts


def test_closed_windows_are_deleted_from_the_database(settings):
    from newsdesk.ratelimit.models import Counter

    settings.REDIS_URL = ""
    store.DatabaseStore().hit("test:old", 1)
    time.sleep(1.1)

    store.DatabaseStore().hit("test:new", 60)  # each process deletes closed windows at its first count, then every minute

    assert list(Counter.objects.values_list("name", flat=True)) == ["test:new"]
