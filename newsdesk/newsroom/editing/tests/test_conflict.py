"""Two editors on one story: the second save is stopped, and nothing is lost."""

import pytest
from django.urls import reverse

from newsdesk.stories.models import Revision, Story

from .conftest import editor_data, logged_in

pytestmark = pytest.mark.django_db


def test_the_second_of_two_editors_gets_a_conflict_and_keeps_their_text(client, editor, other_editor, draft):
    edit = reverse("newsroom:edit-story", args=[draft.pk])
    # Both open the story at revision 1.
    first = editor_data(draft, body="<p>First editor's version.</p>")
    second = editor_data(draft, body="<p>Second editor's version.</p>")
    logged_in(client, editor)
    assert client.post(edit, first).status_code == 302
    logged_in(client, other_editor)

    page = client.post(edit, second)

    html = page.content.decode()
    assert page.status_code == 409
    assert "edna saved this story while you were editing it" in html
    assert "&lt;p&gt;Second editor&#x27;s version.&lt;/p&gt;</textarea>" in html  # in the form
    assert "Latest saved version" in html and "First editor&#x27;s version." in html
    assert Story.objects.get(pk=draft.pk).body == "<p>First editor's version.</p>"
    assert Revision.objects.filter(story=draft).count() == 2
    # Having compared, saving again is deliberate: the form now carries the latest revision.
    assert 'name="base_revision" value="2"' in html


def test_saving_again_after_the_conflict_replaces_the_latest_version(client, editor, other_editor, draft):
    edit = reverse("newsroom:edit-story", args=[draft.pk])
    logged_in(client, editor)
    client.post(edit, editor_data(draft, body="<p>First.</p>"))
    logged_in(client, other_editor)
    client.post(edit, editor_data(draft, body="<p>Second.</p>"))

    page = client.post(edit, editor_data(draft, body="<p>Second, merged with first.</p>", base_revision=2))

    assert page.status_code == 302
    assert Story.objects.get(pk=draft.pk).body == "<p>Second, merged with first.</p>"


def test_a_save_without_a_base_revision_is_refused(client, editor, draft):
    logged_in(client, editor)

    page = client.post(reverse("newsroom:edit-story", args=[draft.pk]), editor_data(draft, base_revision=""))

    assert page.status_code == 400
    assert Story.objects.get(pk=draft.pk).revision == 1
