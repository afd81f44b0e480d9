import pytest
from django.contrib.messages import get_messages
from django.test import Client

from newsdesk.comments import services
from newsdesk.comments.models import Ban, Comment, LogEntry

from .conftest import make_comment

pytestmark = pytest.mark.django_db


def test_approving_shows_the_comment_on_the_article_and_counts_it(mod_client, story):
    comment = make_comment(story, "The new timetable is better.", author_name="Gus Guest",
                           held_because="comments from guests are checked before they appear")

    response = mod_client.post(f"/moderation/comments/{comment.pk}/approve/", {"query": "show=pending&page=2"})

    # Nothing else waits: back to the queue's first page, with its filters.
    assert response.status_code == 302 and response["Location"] == "/moderation/?show=pending"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Approved comment by Gus Guest."]
    comment.refresh_from_db()
    story.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED and comment.held_because == ""
    assert story.comment_count == 1
    assert "The new timetable is better." in Client().get(story.get_absolute_url()).content.decode()


def test_the_message_shows_on_the_queue_after_an_action(mod_client, story):
    comment = make_comment(story, author_name="Gus Guest")

    page = mod_client.post(f"/moderation/comments/{comment.pk}/approve/", follow=True).content.decode()

    assert "Approved comment by Gus Guest." in page


def test_rejecting_keeps_the_reason_for_the_author(mod_client, story):
    comment = make_comment(story, "You are all idiots.", author_name="Rude Rudi")

    response = mod_client.post(f"/moderation/comments/{comment.pk}/reject/", {"reason": "  Please be civil. ", "query": "show=pending"})

    assert response["Location"] == "/moderation/?show=pending"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED and comment.reject_reason == "Please be civil."
    assert "You are all idiots." not in Client().get(story.get_absolute_url()).content.decode()


def test_rejecting_a_shown_comment_takes_it_off_the_count(mod_client, story):
    comment = make_comment(story, "Shown until reported.")
    services.approve(comment, by=None)

    mod_client.post(f"/moderation/comments/{comment.pk}/reject/", {"reason": "Off topic."})

    story.refresh_from_db()
    assert story.comment_count == 0


def test_spam_is_marked_and_stays_off_the_article(mod_client, story):
    comment = make_comment(story, "Cheap watches at example.com", author_name="Spammer")

    response = mod_client.post(f"/moderation/comments/{comment.pk}/spam/")

    assert response["Location"] == "/moderation/"
    comment.refresh_from_db()
    story.refresh_from_db()
    assert comment.status == Comment.Status.SPAM and story.comment_count == 0
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Marked comment by Spammer as spam."]


def test_ban_an_ip_range_from_a_comment(mod_client, story):
    comment = make_comment(story, ip="203.0.113.7")

    response = mod_client.post(f"/moderation/comments/{comment.pk}/ban/",
                               {"what": "ip", "ip": "203.0.113.0/24", "days": "7", "reason": "Spam run", "query": "show=all"})

    # The comment itself is still to deal with: the queue opens on it again.
    assert response["Location"] == f"/moderation/?show=all&focus={comment.pk}#comment-{comment.pk}"
    assert services.active_ban(ip="203.0.113.99") and not services.active_ban(ip="198.51.100.1")
    ban = Ban.objects.get()
    assert ban.until is not None and ban.reason == "Spam run"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Banned IP 203.0.113.0/24 for 7 days."]


def test_ban_the_author_account_for_good(mod_client, story, reader):
    comment = make_comment(story, author=reader, author_name="Rita R")

    mod_client.post(f"/moderation/comments/{comment.pk}/ban/", {"what": "author", "ip": "", "days": "", "reason": "Abuse"})

    assert services.active_ban(user=reader)
    assert Ban.objects.get().until is None


def test_ban_a_guest_by_email(mod_client, story):
    comment = make_comment(story, guest_email="gus@example.org")

    mod_client.post(f"/moderation/comments/{comment.pk}/ban/", {"what": "author", "days": "30"})

    assert services.active_ban(email="GUS@example.org")


def test_a_bad_ip_is_not_banned_and_says_why(mod_client, story):
    comment = make_comment(story)

    response = mod_client.post(f"/moderation/comments/{comment.pk}/ban/", {"what": "ip", "ip": "not-an-ip"}, follow=True)

    assert not Ban.objects.exists()
    assert "Not banned: &#x27;not-an-ip&#x27; is not an IP address or range" in response.content.decode()


def test_every_action_is_in_the_log(mod_client, moderator, story):
    first, second, third = (make_comment(story, f"Comment {n}.", ip="192.0.2.1") for n in range(3))

    mod_client.post(f"/moderation/comments/{first.pk}/approve/")
    mod_client.post(f"/moderation/comments/{second.pk}/reject/", {"reason": "Off topic."})
    mod_client.post(f"/moderation/comments/{third.pk}/spam/")
    mod_client.post(f"/moderation/comments/{third.pk}/ban/", {"what": "ip", "ip": "192.0.2.1", "reason": "Spam"})

    assert [(e.action, e.comment_id, e.actor) for e in LogEntry.objects.order_by("pk")] == [
        ("approve", first.pk, moderator), ("reject", second.pk, moderator),
        ("spam", third.pk, moderator), ("ban-ip", third.pk, moderator),
    ]
    page = mod_client.get("/moderation/log/").content.decode()
    for action in ("approve", "reject", "spam", "ban-ip"):
        assert f"<td>{action}</td>" in page
    assert "Off topic." in page and "192.0.2.1/32 for good: Spam" in page
