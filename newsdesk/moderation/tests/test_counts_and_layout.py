"""Pending counts where the newsroom works, and the moderation pages inside the newsroom's layout."""

import re

import pytest
from django.contrib.auth.models import Group

from newsdesk.comments.models import Comment
from newsdesk.conftest import make_article, make_member, write_story

from .conftest import make_comment

pytestmark = pytest.mark.django_db


def badge(html):
    """The count beside the menu's Comments link, or None when there is none."""
    found = re.search(r'Comments <span class="pending-badge">(\d+)<span class="visually-hidden"> waiting</span></span>', html)
    return int(found.group(1)) if found else None


@pytest.fixture
def editor_moderator(db):
    """An editor who also moderates: sees the stories and the queue."""
    user = make_member("erik", "Editor")
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


@pytest.mark.parametrize("path", ["/moderation/", "/moderation/bans/", "/moderation/words/", "/moderation/log/"])
def test_moderation_pages_keep_the_newsroom_menu(mod_client, story, path):
    make_comment(story)
    html = mod_client.get(path).content.decode()
    assert '<nav aria-label="Newsroom">' in html
    assert re.search(r'<a href="/moderation/" aria-current="page">Comments', html)
    assert 'aria-label="Moderation"' in html
    assert badge(html) == 1


def test_the_menu_counts_comments_waiting_on_every_newsroom_page(client, story, editor_moderator):
    other = make_article(headline="Council approves the budget")
    make_comment(story, "One.")
    make_comment(story, "Two.")
    make_comment(other, "Three.")
    make_comment(story, "Shown already.", status=Comment.Status.APPROVED)
    make_comment(story, "Spam.", status=Comment.Status.SPAM)
    client.force_login(editor_moderator)

    for path in ["/newsroom/", "/newsroom/stories/", "/newsroom/security/", "/moderation/"]:
        assert badge(client.get(path).content.decode()) == 3, path

    waiting = Comment.objects.filter(status=Comment.Status.PENDING).first()
    client.post(f"/moderation/comments/{waiting.pk}/approve/")
    assert badge(client.get("/newsroom/").content.decode()) == 2


def test_no_count_when_nothing_waits_or_for_who_does_not_moderate(client, story, editor_moderator):
    client.force_login(editor_moderator)
    assert badge(client.get("/newsroom/").content.decode()) is None

    make_comment(story)
    client.force_login(make_member("edna", "Editor"))
    html = client.get("/newsroom/").content.decode()
    assert "pending-badge" not in html and 'href="/moderation/"' not in html


def test_each_story_shows_its_comments_waiting_in_the_list_and_on_its_page(client, editor_moderator):
    busy = write_story(editor_moderator, headline="Ferry returns")
    quiet = write_story(editor_moderator, headline="Budget approved")
    make_comment(busy, "One.")
    make_comment(busy, "Two.")
    make_comment(quiet, "Fine.", status=Comment.Status.APPROVED)
    client.force_login(editor_moderator)

    listing = client.get("/newsroom/stories/").content.decode()
    assert f'<a class="pending-link" href="/moderation/?story={busy.pk}">2 comments waiting</a>' in listing
    assert f"/moderation/?story={quiet.pk}" not in listing

    page = client.get(f"/newsroom/stories/{busy.pk}/").content.decode()
    assert f'<a class="pending-link" href="/moderation/?story={busy.pk}">2 comments waiting</a>' in page
    assert "comment waiting" not in client.get(f"/newsroom/stories/{quiet.pk}/").content.decode()

    queue = client.get(f"/moderation/?story={busy.pk}").content.decode()
    assert "One." in queue and "Two." in queue and "2 comments" in queue


def test_an_editor_who_does_not_moderate_sees_no_counts_on_stories(client):
    editor = make_member("edna", "Editor")
    story = write_story(editor)
    make_comment(story)
    client.force_login(editor)
    assert "pending-link" not in client.get("/newsroom/stories/").content.decode()
    assert "pending-link" not in client.get(f"/newsroom/stories/{story.pk}/").content.decode()
