"""The known people a story names are linked to it when it is saved; an editor may unlink
one, and that sticks."""

import pytest
from django.urls import reverse

from newsdesk.people.models import Person
from newsdesk.stories import services
from newsdesk.stories.models import Story

from .conftest import editor_data, logged_in

pytestmark = pytest.mark.django_db

TEXT = "<p>Vladimir Putin met Steve Witkoff in Moscow.</p>"


def edit_url(story):
    return reverse("newsroom:edit-story", args=[story.pk])


def names(story):
    return sorted(story.people.values_list("name", flat=True))


@pytest.fixture
def known(db):
    return Person.named("Vladimir Putin"), Person.named("Steve Witkoff")


def test_saving_links_the_known_people_the_text_names(client, editor, known):
    logged_in(client, editor)

    client.post(reverse("newsroom:new-story"), editor_data(headline="Talks in Moscow", body=TEXT))

    story = Story.objects.get()
    assert names(story) == ["Steve Witkoff", "Vladimir Putin"]
    html = client.get(edit_url(story)).content.decode()
    assert "Linked because the text names them" in html
    assert 'data-remove-tag="people" data-name="Vladimir Putin"' in html
    assert 'name="initial-people" value="Steve Witkoff, Vladimir Putin"' in html


def test_an_unlinked_person_stays_unlinked_on_later_saves(client, editor, known):
    logged_in(client, editor)
    story = services.save(Story(headline="Talks in Moscow", body=TEXT), by=editor)
    assert names(story) == ["Steve Witkoff", "Vladimir Putin"]

    # The editor deletes Putin from People, as the Unlink button does.
    client.post(edit_url(story), editor_data(story, people="Steve Witkoff",
                                             **{"initial-people": "Steve Witkoff, Vladimir Putin"}))
    assert names(story) == ["Steve Witkoff"]

    # Saved again (the text still names him), by the form and by the service: not re-added.
    story.refresh_from_db()
    client.post(edit_url(story), editor_data(story, headline="Talks in Moscow go on",
                                             **{"initial-people": "Steve Witkoff"}))
    story.refresh_from_db()
    services.save(story, by=editor)
    assert story.headline == "Talks in Moscow go on" and names(story) == ["Steve Witkoff"]
    html = client.get(edit_url(story)).content.decode()
    assert 'data-add-tag="people" data-name="Vladimir Putin"' in html  # offered, not linked

    # Linked again by hand: linked, and no longer kept out.
    story.refresh_from_db()
    client.post(edit_url(story), editor_data(story, people="Steve Witkoff, Vladimir Putin",
                                             **{"initial-people": "Steve Witkoff"}))
    assert names(story) == ["Steve Witkoff", "Vladimir Putin"]
    assert not story.unlinked_people.exists()


def test_a_person_linked_after_the_page_was_loaded_is_not_unlinked_by_its_autosave(client, editor, known):
    logged_in(client, editor)
    story = services.save(Story(headline="Talks", body="<p>Talks in Moscow.</p>"), by=editor)
    page = client.get(edit_url(story)).content.decode()
    assert 'name="initial-people"' in page and 'data-remove-tag' not in page

    # The draft autosaves with the text naming Putin: he is linked on the server...
    client.post(reverse("newsroom:autosave", args=[story.pk]),
                editor_data(story, body="<p>Putin? Vladimir Putin.</p>", **{"initial-people": ""}))
    assert names(story) == ["Vladimir Putin"]
    # ... and the next autosave of the same page, whose People field never showed him, keeps him.
    story.refresh_from_db()
    client.post(reverse("newsroom:autosave", args=[story.pk]),
                editor_data(story, body="<p>Putin? Vladimir Putin!</p>", people="", **{"initial-people": ""}))
    assert names(story) == ["Vladimir Putin"]


def test_a_recorded_alias_links_the_person_too(client, editor, known):
    putin, _ = known
    putin.aliases = "President Putin\nPutin"
    putin.save()

    story = services.save(Story(headline="Kremlin", body="<p>President Putin spoke on Friday.</p>"), by=editor)

    assert names(story) == ["Vladimir Putin"]


def test_a_breaking_brief_is_linked_to_the_people_it_names(editor, known):
    brief = services.publish_brief("Vladimir Putin has landed in Minsk.", by=editor)

    assert names(brief) == ["Vladimir Putin"]
