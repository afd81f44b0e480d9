"""Preview shows what readers will see, saves nothing and publishes nothing."""

import pytest
from django.urls import reverse

from newsdesk.people.models import Person
from newsdesk.stories.models import Revision, Story

from .conftest import editor_data, logged_in

pytestmark = pytest.mark.django_db

BANNER = "Preview — not published"


def test_preview_of_a_draft_uses_the_reader_template_with_a_banner(client, reporter, draft):
    logged_in(client, reporter)

    page = client.get(reverse("newsroom:preview", args=[draft.pk]))

    assert page.status_code == 200
    assert "stories/article.html" in [t.name for t in page.templates]
    assert BANNER in page.content.decode() and b"The ferry is back on its route." in page.content
    assert page["X-Robots-Tag"] == "noindex"
    assert Story.objects.get(pk=draft.pk).status == Story.Status.DRAFT
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_preview_of_a_brief_uses_the_brief_template(client, editor, reporter):
    from .conftest import write_story

    brief = write_story(reporter, kind=Story.Kind.BRIEF, headline="Bridge shut", body="<p>Bridge shut.</p>")
    logged_in(client, editor)

    page = client.get(reverse("newsroom:preview", args=[brief.pk]))

    assert "stories/brief.html" in [t.name for t in page.templates]


def test_preview_of_unsaved_edits_shows_them_and_saves_nothing(client, reporter, draft):
    Person.named("Ada Lovelace")
    logged_in(client, reporter)

    page = client.post(reverse("newsroom:preview", args=[draft.pk]), editor_data(
        draft, headline="Unsaved headline", body="<p>Unsaved words.</p><script>alert(1)</script>",
        people="Ada Lovelace"))

    html = page.content.decode()
    assert page.status_code == 200 and BANNER in html
    assert "Unsaved headline" in html and "<p>Unsaved words.</p>" in html and "alert(1)" not in html
    assert "Ada Lovelace" in html
    story = Story.objects.get(pk=draft.pk)
    assert (story.headline, story.revision, story.people.count()) == (draft.headline, 1, 0)
    assert Revision.objects.filter(story=draft).count() == 1


def test_preview_of_a_new_tag_name_shows_it_without_making_it(client, editor, draft):
    logged_in(client, editor)

    page = client.post(reverse("newsroom:preview", args=[draft.pk]), editor_data(draft, topics="Brand new topic"))

    assert b"Brand new topic" in page.content
    assert not draft.topics.exists()


def test_preview_of_invalid_edits_shows_the_form_again(client, reporter, draft):
    logged_in(client, reporter)

    page = client.post(reverse("newsroom:preview", args=[draft.pk]), editor_data(draft, headline=""))

    assert page.status_code == 400 and b'id="editor"' in page.content
