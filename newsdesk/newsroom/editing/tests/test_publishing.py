"""An editor edits, publishes, schedules, withdraws, and adds updates and corrections."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.stories import services
from newsdesk.stories.models import Note, Story

from .conftest import editor_data, logged_in, publish_now, write_story

pytestmark = pytest.mark.django_db


def action(client, name, story, **data):
    return client.post(reverse(f"newsroom:{name}", args=[story.pk]), data, follow=True)


def fresh(story):
    return Story.objects.get(pk=story.pk)


def test_an_editor_edits_a_reporters_story_and_publishes_it(client, editor, draft):
    logged_in(client, editor)
    client.post(reverse("newsroom:edit-story", args=[draft.pk]), editor_data(draft, headline="Ferry back on time"))

    page = action(client, "publish", draft)

    story = fresh(draft)
    assert story.status == Story.Status.PUBLISHED and story.headline == "Ferry back on time"
    assert b"Published." in page.content
    reader_page = client.get(story.get_absolute_url())
    assert reader_page.status_code == 200 and b"Ferry back on time" in reader_page.content


def test_publishing_a_story_without_a_body_is_refused_with_a_message(client, editor, reporter):
    story = write_story(reporter, body="")
    logged_in(client, editor)

    page = action(client, "publish", story)

    assert page.status_code == 200
    assert b"needs a headline and a body" in page.content
    assert fresh(story).status == Story.Status.DRAFT


def test_a_scheduled_story_stays_hidden_until_publish_due_runs_after_its_time(client, settings, monkeypatch,
                                                                               editor, draft):
    settings.TIME_ZONE = "Europe/Oslo"
    at = timezone.localtime(timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    logged_in(client, editor)

    page = action(client, "schedule", draft, at=at.strftime("%Y-%m-%dT%H:%M"))

    story = fresh(draft)
    assert (story.status, story.published_at) == (Story.Status.SCHEDULED, at)
    assert f"Scheduled for {at:%Y-%m-%d %H:%M}".encode() in page.content
    assert client.get(story.get_absolute_url()).status_code == 404
    assert services.publish_due(now=at - timedelta(minutes=1)) == []
    later = at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(story.get_absolute_url()).status_code == 404  # the time has come, not the publishing

    assert services.publish_due() == [story]

    assert client.get(story.get_absolute_url()).status_code == 200


def test_scheduling_in_the_past_is_refused(client, editor, draft):
    logged_in(client, editor)

    page = action(client, "schedule", draft, at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    assert b"Pick a time in the future" in page.content
    assert fresh(draft).status == Story.Status.DRAFT


def test_an_editor_unschedules_a_story(client, editor, draft):
    services.publish(draft, by=editor, at=timezone.now() + timedelta(hours=1))
    logged_in(client, editor)
    assert b"Unschedule" in client.get(reverse("newsroom:edit-story", args=[draft.pk])).content

    action(client, "unschedule", draft)

    assert fresh(draft).status == Story.Status.DRAFT


def test_publish_now_waits_for_an_embargo(client, editor, reporter):
    embargo = timezone.now() + timedelta(hours=3)
    story = write_story(reporter, embargo_until=embargo)
    logged_in(client, editor)

    page = action(client, "publish", story)

    assert (fresh(story).status, fresh(story).published_at) == (Story.Status.SCHEDULED, embargo)
    assert b"Under embargo" in page.content


def test_an_editor_withdraws_a_story_with_a_reason(client, editor, draft):
    publish_now(draft, editor)
    logged_in(client, editor)

    action(client, "withdraw", draft, reason="The court order forbids it.")

    story = fresh(draft)
    assert (story.status, story.withdrawn_reason) == (Story.Status.WITHDRAWN, "The court order forbids it.")
    assert client.get(story.get_absolute_url()).status_code in (404, 410)


def test_withdrawing_without_a_reason_is_refused(client, editor, draft):
    publish_now(draft, editor)
    logged_in(client, editor)

    page = action(client, "withdraw", draft, reason="  ")

    assert page.status_code == 200 and b"say why" in page.content
    assert fresh(draft).status == Story.Status.PUBLISHED


def test_a_correction_is_listed_on_the_edit_page_and_shown_to_readers(client, editor, draft):
    publish_now(draft, editor)
    logged_in(client, editor)

    page = action(client, "note", draft, kind="correction", text="The ferry leaves at 9, not 8.")

    assert list(Note.objects.values_list("story", "kind", "text", "author")) == [
        (draft.pk, "correction", "The ferry leaves at 9, not 8.", editor.pk)]
    assert b"Correction added." in page.content and b"The ferry leaves at 9, not 8." in page.content
    assert b"The ferry leaves at 9, not 8." in client.get(draft.get_absolute_url()).content


def test_an_empty_note_is_refused_with_a_message(client, editor, draft):
    logged_in(client, editor)

    page = action(client, "note", draft, kind="update", text="")

    assert page.status_code == 200 and b"No note added" in page.content
    assert not Note.objects.exists()


def test_an_editor_sees_the_buttons_for_the_story_state(client, editor, draft):
    logged_in(client, editor)
    edit = reverse("newsroom:edit-story", args=[draft.pk])

    draft_page = client.get(edit).content
    publish_now(draft, editor)
    live_page = client.get(edit).content

    assert b"Publish now" in draft_page and b"Schedule" in draft_page and b"Withdraw" not in draft_page
    assert b"Send for review" not in draft_page
    assert b"Withdraw" in live_page and b"Publish now" not in live_page
    assert b"Live page" in live_page and b"not a draft" in live_page
    assert b"data-autosave-url" not in live_page
