"""Undo of a moderator's last action: through the comments service, so the story's count and
the moderation log stay true."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client

from newsdesk.comments import services
from newsdesk.comments.models import Ban, Comment, LogEntry

from .conftest import make_comment

pytestmark = pytest.mark.django_db


def said(response):
    """What the queue says after this request (the last of its messages)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1:]


def last_entry_pk(user):
    return LogEntry.objects.filter(actor=user).values_list("pk", flat=True).first()


def undo(client, user, **data):
    return client.post("/moderation/undo/", {"entry": last_entry_pk(user), "query": "show=pending", **data})


def test_undoing_an_approval_puts_the_comment_back_in_the_queue(mod_client, moderator, story):
    comment = make_comment(story, "Ferries are late.", author_name="Ada", held_because="suspect words: late",
                           report_count=2)
    mod_client.post(f"/moderation/comments/{comment.pk}/approve/")
    story.refresh_from_db()
    assert story.comment_count == 1
    queue = mod_client.get("/moderation/").content.decode()
    assert "You approved the comment by Ada." in queue and "data-undo" in queue

    response = undo(mod_client, moderator)

    assert said(response) == ["Undone: the approval of the comment by Ada; it is “waiting for moderation” again."]
    assert response["Location"] == f"/moderation/?show=pending&focus={comment.pk}#comment-{comment.pk}"
    comment.refresh_from_db()
    story.refresh_from_db()
    assert (comment.status, comment.held_because, comment.report_count) == ("pending", "suspect words: late", 2)
    assert story.comment_count == 0
    assert "Ferries are late." not in Client().get(story.get_absolute_url()).content.decode()
    assert list(LogEntry.objects.filter(comment=comment).values_list("action", flat=True)) == ["undo-approve", "approve"]
    page = mod_client.get(response["Location"]).content.decode()
    assert "data-undo" not in page and 'aria-current="true" autofocus' in page


def test_undoing_a_rejection_forgets_its_reason(mod_client, moderator, story):
    comment = make_comment(story, author_name="Ben")
    mod_client.post(f"/moderation/comments/{comment.pk}/reject/", {"reason": "Be civil."})

    response = undo(mod_client, moderator)

    assert said(response)[0].startswith("Undone: the rejection of the comment by Ben")
    comment.refresh_from_db()
    assert (comment.status, comment.reject_reason) == ("pending", "")


def test_undoing_spam_on_a_shown_comment_shows_and_counts_it_again(mod_client, moderator, story):
    comment = make_comment(story, "Shown for a while.", author_name="Cy")
    services.approve(comment, by=None)
    mod_client.post(f"/moderation/comments/{comment.pk}/spam/", {"query": "show=all"})
    story.refresh_from_db()
    assert story.comment_count == 0

    response = undo(mod_client, moderator, query="show=all")

    assert response["Location"] == f"/moderation/?show=all&focus={comment.pk}#comment-{comment.pk}"
    comment.refresh_from_db()
    story.refresh_from_db()
    assert comment.status == "approved" and story.comment_count == 1
    assert "Shown for a while." in Client().get(story.get_absolute_url()).content.decode()


def test_only_the_last_action_is_undone_and_only_once(mod_client, moderator, story):
    first = make_comment(story, "One.", author_name="Ada")
    second = make_comment(story, "Two.", author_name="Ben")
    mod_client.post(f"/moderation/comments/{first.pk}/approve/")
    earlier = last_entry_pk(moderator)
    mod_client.post(f"/moderation/comments/{second.pk}/approve/")

    response = mod_client.post("/moderation/undo/", {"entry": earlier})
    assert said(response) == ["Not undone: only your last action in the queue can be undone, once."]
    first.refresh_from_db()
    assert first.status == "approved"

    assert said(undo(mod_client, moderator))[0].startswith("Undone:")
    again = mod_client.post("/moderation/undo/", {"entry": LogEntry.objects.get(action="approve", comment=second).pk})
    assert said(again) == ["Not undone: only your last action in the queue can be undone, once."]
    assert "data-undo" not in mod_client.get("/moderation/").content.decode()
    story.refresh_from_db()
    assert story.comment_count == 1
    assert LogEntry.objects.filter(action="undo-approve").count() == 1


def test_a_comment_changed_since_by_another_moderator_is_left_alone(mod_client, moderator, story):
    comment = make_comment(story, author_name="Ada")
    mod_client.post(f"/moderation/comments/{comment.pk}/approve/")
    services.reject(comment, by=None, reason="Second thoughts.")

    response = undo(mod_client, moderator)

    assert said(response) == ["Not undone: the comment has changed since: it is now “rejected”."]
    comment.refresh_from_db()
    assert comment.status == "rejected"
    assert not LogEntry.objects.filter(action__startswith="undo").exists()
    assert LogEntry.objects.get(action="approve").undone_at is None


def test_undoing_a_ban_lifts_it(mod_client, moderator, story):
    comment = make_comment(story, ip="203.0.113.7")
    mod_client.post(f"/moderation/comments/{comment.pk}/ban/", {"what": "ip", "ip": "203.0.113.7", "days": "", "reason": "Spam"})
    assert services.active_ban(ip="203.0.113.7")
    assert "You banned 203.0.113.7/32 (ip address or range)." in mod_client.get("/moderation/").content.decode()

    response = undo(mod_client, moderator)

    assert said(response) == ["Undone: the ban on 203.0.113.7/32 is lifted."]
    assert not services.active_ban(ip="203.0.113.7") and Ban.objects.count() == 1
    assert LogEntry.objects.filter(action="undo-ban-ip", comment=comment).exists()


def test_nobody_undoes_another_moderators_action_and_bad_input_is_answered(mod_client, story):
    other = get_user_model().objects.create_user("mo", "mo@newsroom.example", "a long passphrase 42")
    other.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    comment = make_comment(story)
    services.approve(comment, by=other)
    theirs = LogEntry.objects.get(actor=other).pk

    for entry in [theirs, "", "abc", "-3", "99999999"]:
        response = mod_client.post("/moderation/undo/", {"entry": entry})
        assert response.status_code == 302
        assert said(response) == ["Not undone: there is no such action of yours."]
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert mod_client.get("/moderation/undo/").status_code == 405
