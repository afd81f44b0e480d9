from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.conftest import make_article
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Story

from .conftest import make_member, write_story

pytestmark = pytest.mark.django_db


def test_an_editor_finds_the_brief_box_focused_at_the_top(editor_client):
    Person.objects.create(name="Jonas Gahr Støre")
    Topic.objects.create(name="Budget")

    page = editor_client.get(reverse("newsroom:home"))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index('action="/newsroom/brief/"') < html.index("My drafts")
    assert "autofocus" in html and ">Publish</button>" in html
    assert '<option value="Jonas Gahr Støre">Person</option>' in html and '<option value="Budget">Topic</option>' in html


def test_a_reporter_is_told_that_only_editors_publish_briefs(reporter_client):
    page = reporter_client.get(reverse("newsroom:home"))

    assert page.status_code == 200
    assert b"Only editors publish briefs" in page.content and b">Publish</button>" not in page.content


def test_home_lists_drafts_waiting_scheduled_and_published_stories(editor_client, editor, reporter):
    write_story(editor, headline="My own draft")
    write_story(reporter, headline="Someone else's draft")
    write_story(reporter, headline="Please check this", status=Story.Status.REVIEW)
    in_an_hour = timezone.localtime() + timedelta(hours=1)
    scheduled = write_story(editor, headline="Out at noon", status=Story.Status.SCHEDULED, published_at=in_an_hour)
    make_article(headline="Already out")

    page = editor_client.get(reverse("newsroom:home")).content.decode()

    assert "My own draft" in page and "Someone else's draft" not in page
    assert "Please check this" in page and "Already out" in page
    assert f'href="{reverse("newsroom:edit-story", args=[scheduled.pk])}"' in page
    assert f"{in_an_hour:%H:%M}" in page


def test_a_reporter_sees_only_their_own_stories_sent_for_review(reporter_client, reporter):
    write_story(reporter, headline="Mine for review", status=Story.Status.REVIEW)
    write_story(make_member("other", "Reporter"), headline="Theirs for review", status=Story.Status.REVIEW)

    page = reporter_client.get(reverse("newsroom:home")).content.decode()

    assert "Sent for review" in page and "Mine for review" in page and "Theirs for review" not in page


def test_a_reader_without_a_newsroom_role_is_refused(client):
    client.force_login(make_member("rita"))

    assert client.get(reverse("newsroom:home")).status_code == 403


def test_home_takes_a_fixed_number_of_queries(editor_client, editor, django_assert_num_queries):
    for n in range(5):
        write_story(editor, headline=f"Draft {n}")
        make_article(headline=f"Out {n}")
    editor_client.get(reverse("newsroom:home"))  # the session's first request records it in its account's list
    # session, user, the session's row in its account's list, user and group permissions, the reader
    # profile (masthead), people and topics for the datalist, the four lists and the open wire alerts
    with django_assert_num_queries(13):
        editor_client.get(reverse("newsroom:home"))
