"""Fixtures shared by every app's tests: stories as the newsroom would make them."""

import os
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.utils import timezone

from newsdesk.search import services as search
from newsdesk.stories.models import Story
from newsdesk.testing import CHROME_FLAGS, CHROMIUM, need_chromium


def pytest_configure(config):
    # Tests empty their Redis database between them: never one a site may be using.
    url = os.environ.get("REDIS_URL", "")
    if url and urlsplit(url).path.strip("/") in ("", "0"):
        raise pytest.UsageError(
            f"REDIS_URL={url} is Redis database 0, where a site keeps its data, and the tests empty "
            "theirs: give them one of their own, e.g. redis://127.0.0.1:6379/15 (as `make test` does)")


@pytest.fixture(autouse=True)
def no_rate_limits_counted():
    """Each test starts with no attempts counted. In the database the counters go with each
    test's transaction; in Redis (the tests' own database) they would outlive it."""
    from django.conf import settings

    if settings.REDIS_URL:
        from newsdesk.ratelimit import store

        store.current().clear()


def today_at(hour, minute=0):
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, minute)))


def make_story(**fields):
    fields.setdefault("kind", Story.Kind.ARTICLE)
    fields.setdefault("headline", "Harbour ferry returns after winter repairs")
    fields.setdefault("body", "<p>The ferry is back.</p>")
    fields.setdefault("status", Story.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(minutes=5))
    people = fields.pop("people", [])
    topics = fields.pop("topics", [])
    story = Story.objects.create(**fields)
    story.people.set(people)
    story.topics.set(topics)
    search.refresh([story.pk], new=True)  # found by search, as a story the newsroom saves is
    return story


def make_article(**fields):
    return make_story(kind=Story.Kind.ARTICLE, **fields)


def make_brief(text="The council approved the new budget.", **fields):
    fields.setdefault("headline", text)
    return make_story(kind=Story.Kind.BRIEF, body=f"<p>{text}</p>", **fields)


PASSWORD = "a long passphrase 42"


def make_member(username, role=None):
    """An account in one of the newsroom's roles (the groups come with the migrations)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from newsdesk.newsroom.roles import sync_roles

    user = get_user_model().objects.create_user(username, f"{username}@newsroom.example", PASSWORD)
    if role:
        if not Group.objects.filter(name=role).exists():
            sync_roles()  # a test before this one emptied the database, groups and all
        user.groups.add(Group.objects.get(name=role))
    return user


def write_story(by, headline="Ferry returns after repairs", body="<p>The ferry is back on its route.</p>", **fields):
    """A draft saved through the newsroom, so that it has its first revision."""
    from newsdesk.stories import services

    return services.save(Story(headline=headline, body=body, **fields), by=by, action="create")


@pytest.fixture
def article(db):
    return make_article()


# The newsroom's people, as the newsroom's and the wire desk's tests (among others) use them;
# an app's conftest may still give its own under the same name.
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


@pytest.fixture(scope="session", autouse=True)
def uncollected_static_files(tmp_path_factory):
    """Pages link the plain static names, whatever a local `newsdesk serve` collected into var/static."""
    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static")):
        yield


@pytest.fixture(autouse=True)
def fresh_shared_values():
    """Each test starts with a database of its own: nothing computed for another one is kept."""
    from newsdesk.live import state
    from newsdesk.pagecache import store
    from newsdesk.site import shared

    shared.clear()
    store.memory.clear()
    state.forget()
    yield
    shared.clear()
    store.memory.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is slow on purpose; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a module's browser tests (skipped outside CI without it, failed under CI=true)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API keeps an event loop running on this thread, which Django takes
        # for an async context and so refuses ORM calls; the tests' ORM calls (and the database
        # flush after each test) are plain synchronous code all the same. Module scope keeps
        # that allowance to the modules that drive a browser.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
