"""People of the newsroom and the stories they write, for the editing tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.stories import services
from newsdesk.stories.models import Story

from newsdesk.conftest import PASSWORD, make_member, write_story  # noqa: F401  (used by the tests here)


def publish_now(story, by):
    return services.publish(story, by=by, at=timezone.now() - timedelta(seconds=1))


def editor_data(story=None, **changes):
    """What the editor form posts for `story` as it is saved, with `changes`."""
    data = {
        "kind": story.kind if story else Story.Kind.ARTICLE,
        "headline": story.headline if story else "",
        "standfirst": story.standfirst if story else "",
        "body": story.body if story else "",
        "authors": [p.pk for p in story.authors_in_order()] if story else [],
        "byline": story.byline if story else "",
        "source": story.source if story else "",
        "section": story.section_id or "" if story else "",
        "people": ", ".join(p.name for p in story.people.all()) if story else "",
        "topics": ", ".join(t.name for t in story.topics.all()) if story else "",
        "language": story.language if story else "",
        "embargo_until": "",
        "comments_mode": story.comments_mode if story else "",
        "base_revision": story.revision if story else "",
    }
    data.update(changes)
    return data


# `editor` and `reporter` come from newsdesk/conftest.py.
@pytest.fixture
def other_reporter(db):
    return make_member("rosa", "Reporter")


@pytest.fixture
def other_editor(db):
    return make_member("eddie", "Editor")


@pytest.fixture
def moderator(db):
    return make_member("maja", "Moderator")


@pytest.fixture
def reader(db):
    return make_member("rita")


@pytest.fixture
def draft(reporter):
    return write_story(reporter)


def logged_in(client, user):
    client.force_login(user)
    return client
