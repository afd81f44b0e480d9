from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.comments import services
from newsdesk.comments.models import Comment
from newsdesk.conftest import make_article, make_brief
from newsdesk.stories.models import Story

from .conftest import form_data, make_reader

pytestmark = pytest.mark.django_db


def post(client, story, **data):
    return client.post(f"/comments/stories/{story.pk}/", form_data(**data))


def test_the_first_comment_replaces_the_invitation(client, alice, story):
    page = client.get(story.get_absolute_url()).content.decode()
    assert "What is your opinion on this topic?" in page and "Leave the first comment" in page

    client.force_login(alice)
    response = post(client, story, text="Good news for the island.")

    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{story.get_absolute_url()}#comment-{comment.pk}"
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "Good news for the island." in page and "Alice Reader" in page
    assert "What is your opinion on this topic?" in page and "Leave the first comment" not in page
    assert "alice@example.org" not in page
    story.refresh_from_db()
    assert story.comment_count == 1


def test_a_guests_comment_waits_for_moderation_and_only_the_guest_sees_it(client, story):
    response = post(client, story, text="Guest opinion.", name="Gus Guest", email="gus@example.org")

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and comment.guest_email == "gus@example.org"
    own = client.get(story.get_absolute_url()).content.decode()
    assert "Guest opinion." in own and "waiting for a moderator" in own and "gus@example.org" not in own
    assert "Guest opinion." not in Client().get(story.get_absolute_url()).content.decode()

    services.approve(comment, by=None)
    other = Client().get(story.get_absolute_url()).content.decode()
    assert "Guest opinion." in other and "gus@example.org" not in other


def test_a_guest_needs_a_name_and_an_email(client, story):
    response = post(client, story, text="No name given.")

    assert response.status_code == 400
    assert "No name given." in response.content.decode()  # nothing lost
    assert Comment.objects.count() == 0


def test_an_unverified_readers_comment_waits(client, story):
    client.force_login(make_reader("Una Verified", "una@example.org", verified=False))
    post(client, story, text="Hello.")
    assert Comment.objects.get().held_because == "the email address is not verified yet"


def test_replies_nest_one_level_and_deeper_ones_say_whom_they_answer(client, alice, bob, story):
    top = services.post(story, text="Top comment.", user=alice)
    first = services.post(story, text="First reply.", user=bob, parent=top)
    deeper = services.post(story, text="Reply to the reply.", user=alice, parent=first)

    assert first.thread == top and deeper.thread == top
    html = client.get(story.get_absolute_url()).content.decode()
    thread = html[html.index(f'id="comment-{top.pk}"'):]
    assert thread.index("First reply.") < thread.index("Reply to the reply.")
    assert '<ol class="replies">' in thread
    assert "replying to Bob Writer" in thread


def test_sorting_by_oldest_newest_and_most_liked(client, alice, bob, story):
    old = services.post(story, text="Old one.", user=alice)
    new = services.post(story, text="New one.", user=bob)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    services.like(new, alice)

    def order(sort):
        html = client.get(f"{story.get_absolute_url()}?sort={sort}").content.decode()
        return html.index("Old one.") < html.index("New one.")

    assert order("oldest") is True
    assert order("newest") is False
    assert order("liked") is False


def test_long_threads_paginate(client, alice, story, settings):
    settings.COMMENTS_PER_PAGE = 10
    for n in range(25):
        Comment.objects.create(story=story, author_name="Reader", text=f"Comment {n:02d}", html=f"<p>Comment {n:02d}</p>",
                               status=Comment.Status.APPROVED, digest=str(n))
    Story.objects.filter(pk=story.pk).update(comment_count=25)

    first = client.get(story.get_absolute_url()).content.decode()
    third = client.get(f"{story.get_absolute_url()}?cpage=3").content.decode()

    assert "Comment 09" in first and "Comment 10" not in first and "Page 1 of 3" in first
    assert "Comment 24" in third and "Comment 19" not in third


def test_a_reader_edits_for_ten_minutes_and_deletes_any_time(client, alice, story):
    comment = services.post(story, text="Tpyo here.", user=alice)
    client.force_login(alice)

    assert client.post(f"/comments/{comment.pk}/edit/", {"text": "Typo fixed."}).status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Typo fixed." and comment.edited_at

    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    late = client.post(f"/comments/{comment.pk}/edit/", {"text": "Too late."})
    assert late.status_code == 403
    comment.refresh_from_db()
    assert comment.text == "Typo fixed."

    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 302
    comment.refresh_from_db()
    story.refresh_from_db()
    assert comment.status == Comment.Status.DELETED and story.comment_count == 0
    assert "Typo fixed." not in client.get(story.get_absolute_url()).content.decode()


def test_others_cannot_edit_or_delete_a_comment(client, alice, bob, story):
    comment = services.post(story, text="Mine.", user=alice)
    client.force_login(bob)

    assert client.post(f"/comments/{comment.pk}/edit/", {"text": "Yours now."}).status_code == 403
    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 403
    comment.refresh_from_db()
    assert comment.text == "Mine." and comment.status == Comment.Status.APPROVED


@pytest.mark.parametrize("mode, status, held", [("closed", 403, None), ("premoderated", 302, True), ("open", 302, False)])
def test_each_story_is_open_premoderated_or_closed(client, alice, mode, status, held):
    story = make_article(comments_mode=mode)
    client.force_login(alice)

    response = post(client, story, text="My view.")

    assert response.status_code == status
    if held is None:
        assert Comment.objects.count() == 0 and "My view." in response.content.decode()
    else:
        assert (Comment.objects.get().status == Comment.Status.PENDING) is held


def test_the_site_default_applies_and_briefs_are_closed_unless_allowed(client, alice, settings):
    settings.COMMENTS_DEFAULT_MODE = "premoderated"
    client.force_login(alice)
    post(client, make_article(), text="Held by default.")
    assert Comment.objects.get().status == Comment.Status.PENDING

    brief = make_brief("A brief.")
    assert post(client, brief, text="On a brief.").status_code == 403
    settings.COMMENTS_ON_BRIEFS = True
    assert post(client, brief, text="On a brief.").status_code == 302


def test_comment_counts_show_on_teasers_and_in_the_river(client, alice):
    commented = make_article(headline="Commented story")
    other = make_article(headline="Other story", published_at=timezone.now() - timedelta(hours=1))
    for n in range(2):
        services.post(commented, text=f"Comment {n}.", user=alice)

    assert "2 comments" in client.get("/").content.decode()
    river = client.get(other.get_absolute_url()).content.decode()
    assert f'href="{commented.get_absolute_url()}#comments">2 comments</a>' in river


def test_an_article_with_ten_thousand_comments_renders_one_page(client, story, django_assert_max_num_queries):
    Comment.objects.bulk_create(
        Comment(story=story, author_name=f"Reader {n}", text=f"Comment {n}", html=f"<p>Comment {n}</p>",
                status=Comment.Status.APPROVED, digest=str(n))
        for n in range(10_000)
    )
    Story.objects.filter(pk=story.pk).update(comment_count=10_000)

    with django_assert_max_num_queries(14):
        page = client.get(story.get_absolute_url())

    assert page.status_code == 200
    html = page.content.decode()
    assert ">10000</span> comments" in html and "Page 1 of 200" in html and "Comment 49<" in html


def test_posting_with_javascript_answers_json(client, alice, story):
    client.force_login(alice)

    response = client.post(f"/comments/stories/{story.pk}/", form_data(text="Via fetch."), HTTP_ACCEPT="application/json")

    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "approved" and data["count"] == 1 and "Via fetch." in data["html"]


def test_report_reasons_and_enough_reports_send_a_comment_back_to_review(client, alice, story, settings):
    settings.COMMENTS_REPORTS_TO_REVIEW = 2
    comment = services.post(story, text="Questionable.", user=alice)
    readers = [make_reader(f"Reporter {n}", f"r{n}@example.org") for n in range(2)]

    c = Client()
    c.force_login(readers[0])
    assert c.post(f"/comments/{comment.pk}/report/", {"reason": "abuse"}).status_code == 302
    assert c.post(f"/comments/{comment.pk}/report/", {"reason": "abuse"}).status_code == 302  # counted once
    comment.refresh_from_db()
    assert comment.report_count == 1 and comment.status == Comment.Status.APPROVED
    assert c.post(f"/comments/{comment.pk}/report/", {"reason": "nonsense"}).status_code == 400

    c.force_login(readers[1])
    c.post(f"/comments/{comment.pk}/report/", {"reason": "spam"})
    comment.refresh_from_db()
    story.refresh_from_db()
    assert comment.status == Comment.Status.PENDING and "reported by 2 readers" in comment.held_because
    assert story.comment_count == 0


def test_likes_toggle(client, alice, bob, story):
    comment = services.post(story, text="Likeable.", user=alice)
    client.force_login(bob)

    client.post(f"/comments/{comment.pk}/like/")
    comment.refresh_from_db()
    assert comment.like_count == 1
    client.post(f"/comments/{comment.pk}/like/")
    comment.refresh_from_db()
    assert comment.like_count == 0
    assert Client().post(f"/comments/{comment.pk}/like/").status_code == 302  # a guest is told to sign in


def test_a_draft_story_takes_no_comments(client, alice):
    draft = make_article(status=Story.Status.DRAFT)
    client.force_login(alice)
    assert post(client, draft).status_code == 404


def test_a_rejected_comment_shows_its_reason_to_its_author_only(client, alice, story):
    comment = services.post(story, text="Off the rails.", user=alice)
    services.reject(comment, by=None, reason="Please stay on topic.")

    client.force_login(alice)
    own = client.get(story.get_absolute_url()).content.decode()
    assert "Off the rails." in own and "Not published by the moderators: Please stay on topic." in own
    assert "Off the rails." not in Client().get(story.get_absolute_url()).content.decode()
