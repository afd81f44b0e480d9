"""The story list: what is in the works and what is out, newest change first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.stories import services
from newsdesk.stories.models import Story

from .conftest import logged_in, publish_now, write_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(reporter, editor):
    """One story in each state, changed in this order."""
    stories = {
        "draft": write_story(reporter, headline="Draft about the harbour"),
        "review": write_story(reporter, headline="Review about the bridge"),
        "scheduled": write_story(reporter, headline="Scheduled about the ferry"),
        "published": write_story(reporter, headline="Published about the tunnel", body="<p>The harbour tunnel.</p>"),
        "withdrawn": write_story(reporter, headline="Withdrawn about the pier"),
        "brief": write_story(reporter, headline="Brief about the quay", kind=Story.Kind.BRIEF),
    }
    services.submit_for_review(stories["review"], by=reporter)
    services.publish(stories["scheduled"], by=editor, at=timezone.now() + timedelta(hours=1))
    publish_now(stories["published"], editor)
    publish_now(stories["withdrawn"], editor)
    services.withdraw(stories["withdrawn"], by=editor, reason="Wrong pier.")
    return stories


def headlines(page):
    return [s.headline for s in page.context["page"]]


def test_the_list_shows_every_story_newest_change_first(client, editor, desk):
    logged_in(client, editor)

    page = client.get(reverse("newsroom:stories"))

    assert page.status_code == 200
    assert headlines(page) == [
        "Withdrawn about the pier", "Published about the tunnel", "Scheduled about the ferry",
        "Review about the bridge", "Brief about the quay", "Draft about the harbour"]
    html = page.content.decode()
    assert f'href="{desk["published"].get_absolute_url()}">Live page' in html
    assert f'href="{desk["draft"].get_absolute_url()}"' not in html
    assert f'href="{reverse("newsroom:edit-story", args=[desk["draft"].pk])}">Edit' in html


@pytest.mark.parametrize("status, expected", [
    ("draft", ["Brief about the quay", "Draft about the harbour"]),
    ("review", ["Review about the bridge"]),
    ("scheduled", ["Scheduled about the ferry"]),
    ("published", ["Published about the tunnel"]),
    ("withdrawn", ["Withdrawn about the pier"]),
])
def test_the_list_filters_by_status(client, editor, desk, status, expected):
    logged_in(client, editor)

    assert headlines(client.get(reverse("newsroom:stories"), {"status": status})) == expected


def test_the_list_filters_by_kind_and_searches_headline_and_body(client, editor, desk):
    logged_in(client, editor)
    url = reverse("newsroom:stories")

    assert headlines(client.get(url, {"kind": "brief"})) == ["Brief about the quay"]
    assert headlines(client.get(url, {"q": "HARBOUR"})) == ["Published about the tunnel", "Draft about the harbour"]
    assert headlines(client.get(url, {"q": "harbour", "status": "draft"})) == ["Draft about the harbour"]


def test_a_reporter_sees_the_list_with_edit_links_only_for_what_they_may_edit(client, other_reporter, desk):
    own = write_story(other_reporter, headline="Rosa's own draft")
    logged_in(client, other_reporter)

    html = client.get(reverse("newsroom:stories")).content.decode()

    assert f'href="{reverse("newsroom:edit-story", args=[own.pk])}">Edit' in html
    assert f'href="{reverse("newsroom:edit-story", args=[desk["draft"].pk])}"' not in html


def test_the_list_is_paginated_keeping_the_filters_with_a_fixed_number_of_queries(
        client, editor, reporter, django_assert_max_num_queries):
    for n in range(55):
        write_story(reporter, headline=f"Story {n}")
    logged_in(client, editor)
    client.get(reverse("newsroom:stories"))  # the session's first request records it in its account's list

    # session, user, the session's row in its account's list, permissions, count, page of stories
    # (with their authors), plus the site's navigation
    with django_assert_max_num_queries(11):
        first = client.get(reverse("newsroom:stories"), {"status": "draft"})
    second = client.get(reverse("newsroom:stories"), {"status": "draft", "page": 2})

    assert len(headlines(first)) == 50 and headlines(second) == ["Story 4", "Story 3", "Story 2", "Story 1", "Story 0"]
    assert "?status=draft&amp;page=2" in first.content.decode()
