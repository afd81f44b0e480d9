"""A reporter writes a story and sends it to the editors."""

import pytest
from django.urls import reverse

from newsdesk.audit.models import Entry
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Revision, Story

from .conftest import editor_data, logged_in

pytestmark = pytest.mark.django_db


def edit_url(story):
    return reverse("newsroom:edit-story", args=[story.pk])


def test_a_reporter_writes_a_draft(client, reporter):
    Person.named("Ada Lovelace")
    Topic.named("Science")
    logged_in(client, reporter)
    assert client.get(reverse("newsroom:new-story")).status_code == 200

    page = client.post(reverse("newsroom:new-story"), editor_data(
        headline="Engine plans found", body="<p>Plans were found.</p><script>alert(1)</script>",
        people="ada lovelace", topics="Science",
    ))

    story = Story.objects.get()
    assert page.status_code == 302 and page["Location"] == edit_url(story)
    assert (story.status, story.created_by, story.revision) == (Story.Status.DRAFT, reporter, 1)
    assert story.body == "<p>Plans were found.</p>"
    assert [p.name for p in story.people.all()] == ["Ada Lovelace"]
    assert [t.name for t in story.topics.all()] == ["Science"]
    assert Revision.objects.filter(story=story, number=1, author=reporter).exists()
    assert client.get(page["Location"]).status_code == 200


def test_a_reporter_cannot_make_up_new_people_but_an_editor_can(client, reporter, editor):
    logged_in(client, reporter)
    page = client.post(reverse("newsroom:new-story"), editor_data(headline="Who?", people="Nobody Known"))

    assert page.status_code == 200 and not Story.objects.exists()
    assert b"No person named Nobody Known yet" in page.content

    logged_in(client, editor)
    client.post(reverse("newsroom:new-story"), editor_data(headline="Who?", people="Nobody Known, nobody known"))

    assert [p.name for p in Story.objects.get().people.all()] == ["Nobody Known"]


def test_every_save_keeps_a_revision(client, reporter, draft):
    logged_in(client, reporter)

    for number, headline in [(2, "Ferry late"), (3, "Ferry later")]:
        client.post(edit_url(draft), editor_data(draft, headline=headline, base_revision=number - 1))

    assert list(Revision.objects.filter(story=draft).values_list("number", "data__headline")) == [
        (3, "Ferry later"), (2, "Ferry late"), (1, "Ferry returns after repairs")]
    assert Story.objects.get(pk=draft.pk).headline == "Ferry later"


def test_a_form_with_errors_is_shown_again_with_the_text_kept(client, reporter, draft):
    logged_in(client, reporter)

    page = client.post(edit_url(draft), editor_data(draft, headline="", body="<p>My new paragraph.</p>"))

    assert page.status_code == 400
    assert b"My new paragraph." in page.content
    assert Story.objects.get(pk=draft.pk).revision == 1


def test_a_reporter_sends_a_draft_for_review_and_sees_no_publish_button(client, reporter, draft):
    logged_in(client, reporter)
    page = client.get(edit_url(draft))
    assert b"Send for review" in page.content and b"Publish now" not in page.content

    page = client.post(reverse("newsroom:submit", args=[draft.pk]), follow=True)

    assert Story.objects.get(pk=draft.pk).status == Story.Status.REVIEW
    assert b"Sent for review" in page.content and b"Ready for review" in page.content
    assert Entry.objects.filter(action="submit", target_id=str(draft.pk), actor=reporter).exists()


def test_a_reporter_still_edits_a_story_in_review(client, reporter, draft):
    logged_in(client, reporter)
    client.post(reverse("newsroom:submit", args=[draft.pk]))

    client.post(edit_url(draft), editor_data(Story.objects.get(pk=draft.pk), headline="Ferry returns at last"))

    assert Story.objects.get(pk=draft.pk).headline == "Ferry returns at last"


def test_a_reporter_who_tries_to_publish_gets_403_and_the_story_stays_a_draft(client, reporter, draft):
    logged_in(client, reporter)

    assert client.post(reverse("newsroom:publish", args=[draft.pk])).status_code == 403
    assert Story.objects.get(pk=draft.pk).status == Story.Status.DRAFT
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_page_documents_its_keyboard_shortcuts_and_loads_the_editor_script(client, reporter, draft):
    logged_in(client, reporter)

    page = client.get(edit_url(draft)).content.decode()

    assert "<kbd>Ctrl</kbd>+<kbd>S</kbd>" in page and "<kbd>Ctrl</kbd>+<kbd>Enter</kbd>" in page
    assert 'src="/static/newsroom/editor.js" defer' in page
    assert f'data-autosave-url="{reverse("newsroom:autosave", args=[draft.pk])}"' in page
    assert 'name="base_revision" value="1"' in page
