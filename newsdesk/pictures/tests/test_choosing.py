"""Finding a picture: the library's search with thumbnails, the editor's chooser, and a
story's lead picture chosen from the story's own page, with no number typed."""

import pytest
from django.urls import reverse

from newsdesk.stories import services as stories
from newsdesk.stories.models import Story

from .conftest import PASSWORD, store

pytestmark = pytest.mark.django_db

LIBRARY = reverse("pictures:library")


def logged_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_the_library_finds_pictures_by_alt_text_caption_and_credit(client, editor):
    store(alt="Ferry at the quay", caption="Morning fog.", credit="Ann Lee")
    store(alt="Harbour festival crowd", credit="Bo Berg/Coast News")
    logged_in(client, editor)

    def found(query):
        return client.get(LIBRARY, {"q": query}).content.decode()

    assert "Ferry at the quay" in found("fog") and "Harbour festival" not in found("fog")
    assert "Harbour festival crowd" in found("coast news") and "Ferry at the quay" not in found("coast news")
    assert "Ferry at the quay" in found("ferry ann") and 'srcset="' in found("ferry ann")
    assert "No picture matches “nothing here”." in found("nothing here")


def test_the_editors_chooser_answers_with_thumbnails_as_json(client, editor):
    picture = store(alt="Ferry at the quay", caption="Morning fog.", credit="Ann Lee")
    logged_in(client, editor)

    answer = client.get(reverse("pictures:choose"), {"q": "quay"})

    assert "no-store" in answer["Cache-Control"] and "private" in answer["Cache-Control"]
    [found] = answer.json()["pictures"]
    assert found["id"] == picture.pk and found["alt"] == "Ferry at the quay" and found["credit"] == "Ann Lee"
    assert found["src"] == picture.src(640) and found["thumb"] == picture.src(320)
    assert client.get(reverse("pictures:choose"), {"q": "harbour"}).json() == {"pictures": []}


def test_the_chooser_is_for_the_newsroom_only(client, reader):
    logged_in(client, reader)
    assert client.get(reverse("pictures:choose")).status_code == 403


def test_a_lead_picture_is_chosen_from_the_storys_page_without_typing_a_number(client, editor):
    picture = store(alt="Ferry at the quay")
    story = stories.save(Story(headline="Ferry returns", body="<p>Back.</p>"), by=editor)
    logged_in(client, editor)

    editing = client.get(reverse("newsroom:edit-story", args=[story.pk])).content.decode()
    choose = f"{LIBRARY}?story={story.pk}"
    assert f'href="{choose}"' in editing

    library = client.get(choose).content.decode()
    assert "Choosing the lead picture of “" in library and "Use as lead picture" in library
    assert f'<input type="hidden" name="story" value="{story.pk}">' in library

    answer = client.post(reverse("pictures:use-as-lead", args=[picture.pk]), {"story": story.pk, "back": "story"})

    assert answer.status_code == 302 and answer["Location"] == reverse("newsroom:edit-story", args=[story.pk])
    story.refresh_from_db()
    assert story.lead_picture == picture
    editing = client.get(reverse("newsroom:edit-story", args=[story.pk])).content.decode()
    assert 'alt="Ferry at the quay"' in editing and "Remove the lead picture" in editing


def test_the_remove_button_saves_the_story_without_its_lead_picture(client, editor):
    picture = store(alt="Ferry at the quay")
    story = stories.save(Story(headline="Ferry returns", body="<p>Back.</p>", lead_picture=picture), by=editor)
    logged_in(client, editor)
    # The hidden field's value, then the button's (as a browser sends them): the last one counts.
    data = {"kind": "article", "headline": story.headline, "body": story.body, "base_revision": story.revision,
            "comments_mode": "", "lead_picture": [str(picture.pk), ""]}

    answer = client.post(reverse("newsroom:edit-story", args=[story.pk]), data)

    assert answer.status_code == 302
    story.refresh_from_db()
    assert story.lead_picture is None
