"""A comment form sent again (the reader's connection dropped before the answer came, and the
browser or the reader retried) stores one comment, and the retry is answered like the first send."""

import re

import pytest
from django.test import Client

from newsdesk.comments.models import Comment

from .conftest import form_data

pytestmark = pytest.mark.django_db

GUEST = {"name": "Gus Guest", "email": "gus@example.org"}


def form_key(client, story):
    """The hidden key of the comment form on the story's page, as a reader's browser gets it."""
    page = client.get(story.get_absolute_url()).content.decode()
    return re.search(r'<input type="hidden" name="key" value="([^"]+)"', page).group(1)


def send(client, story, **data):
    return client.post(f"/comments/stories/{story.pk}/", form_data(**data))


def test_a_guest_sending_the_same_form_twice_stores_one_comment(story):
    key = form_key(Client(), story)

    first = send(Client(), story, text="Is the ferry running?", key=key, **GUEST)
    again = send(Client(), story, text="Is the ferry running?", key=key, **GUEST)  # the first answer was lost

    comment = Comment.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == comment.get_absolute_url()
    assert comment.form_key == key


def test_a_reader_resending_by_script_gets_the_same_comment_back(client, alice, story):
    client.force_login(alice)
    key = form_key(client, story)

    first = client.post(f"/comments/stories/{story.pk}/", form_data(text="Good news.", key=key),
                        HTTP_ACCEPT="application/json")
    again = client.post(f"/comments/stories/{story.pk}/", form_data(text="Good news.", key=key),
                        HTTP_ACCEPT="application/json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] == Comment.objects.get().pk
    assert again.json()["count"] == 1
    story.refresh_from_db()
    assert story.comment_count == 1


def test_a_new_comment_from_the_same_form_is_a_new_comment(client, alice, story):
    """The script keeps the page (and its form) after a post: the next comment is sent with the same key."""
    client.force_login(alice)
    key = form_key(client, story)

    send(client, story, text="First thought.", key=key)
    send(client, story, text="Second thought.", key=key)

    assert [c.text for c in Comment.objects.all()] == ["First thought.", "Second thought."]


def test_two_guests_with_one_cached_page_both_comment(story):
    """Pages for guests are cached: many readers get the same form, and the same key."""
    key = form_key(Client(), story)

    send(Client(), story, text="Same words.", key=key, name="Ann", email="ann@example.org")
    send(Client(), story, text="Same words.", key=key, name="Ben", email="ben@example.org")

    assert sorted(Comment.objects.values_list("author_name", flat=True)) == ["Ann", "Ben"]


def test_the_same_text_from_a_new_form_is_still_refused_as_a_duplicate(client, alice, story):
    client.force_login(alice)
    send(client, story, text="Exactly this.", key=form_key(client, story))

    response = send(client, story, text="Exactly this.", key=form_key(client, story))

    assert response.status_code == 400 and "already posted this comment" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_key_not_of_our_making_is_ignored(client, alice, story):
    client.force_login(alice)
    response = send(client, story, text="Hello there.", key="<script>")

    assert response.status_code == 302
    assert Comment.objects.get().form_key == ""
