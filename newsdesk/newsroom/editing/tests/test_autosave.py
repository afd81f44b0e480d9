"""Autosave keeps drafts safe and never changes a live story."""

import pytest
from django.urls import reverse

from newsdesk.audit.models import Entry
from newsdesk.stories.models import Revision, Story

from .conftest import editor_data, logged_in, publish_now

pytestmark = pytest.mark.django_db


def autosave(client, story, **changes):
    return client.post(reverse("newsroom:autosave", args=[story.pk]), editor_data(story, **changes))


def test_autosave_keeps_a_draft_and_answers_with_the_new_revision(client, reporter, draft):
    logged_in(client, reporter)

    answer = autosave(client, draft, body="<p>Half a sentence</p>")

    assert answer.status_code == 200
    data = answer.json()
    assert data["revision"] == 2 and data["saved_at"] and len(data["saved_at_label"]) == 5
    assert Story.objects.get(pk=draft.pk).body == "<p>Half a sentence</p>"
    assert Revision.objects.filter(story=draft, number=2).exists()
    assert Entry.objects.filter(action="autosave", actor=reporter).count() == 1


def test_autosave_after_autosave_uses_the_revision_it_was_given(client, reporter, draft):
    logged_in(client, reporter)

    first = autosave(client, draft, body="<p>One</p>").json()
    second = autosave(client, draft, body="<p>Two</p>", base_revision=first["revision"])

    assert second.json()["revision"] == 3


def test_autosave_refuses_a_live_story_and_keeps_nothing(client, editor, draft):
    publish_now(draft, editor)
    draft.refresh_from_db()
    logged_in(client, editor)

    answer = autosave(client, draft, headline="Half-typed headl")

    assert answer.status_code == 409 and "not saved automatically" in answer.json()["error"]
    story = Story.objects.get(pk=draft.pk)
    assert (story.headline, story.revision) == (draft.headline, draft.revision)


def test_autosave_on_a_stale_revision_is_a_conflict(client, reporter, editor, draft):
    logged_in(client, editor)
    client.post(reverse("newsroom:edit-story", args=[draft.pk]), editor_data(draft, headline="Editor's headline"))
    logged_in(client, reporter)

    answer = autosave(client, draft, headline="Reporter's headline")

    assert answer.status_code == 409 and answer.json()["conflict"] is True
    assert "edna saved this story while you were editing it" in answer.json()["error"]
    assert Story.objects.get(pk=draft.pk).headline == "Editor's headline"


def test_autosave_of_an_invalid_form_says_why(client, reporter, draft):
    logged_in(client, reporter)

    answer = autosave(client, draft, headline="")

    assert answer.status_code == 400 and "required" in answer.json()["error"]
    assert Story.objects.get(pk=draft.pk).revision == 1
