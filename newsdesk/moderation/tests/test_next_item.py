"""After each action the queue opens on the comment to deal with next, with no script needed:
the answer is the queue, that comment marked (aria-current), focused (autofocus) and anchored."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.comments.models import Comment
from newsdesk.moderation.views import PER_PAGE

from .conftest import make_comment

pytestmark = pytest.mark.django_db


def comments_by_age(story, count, **fields):
    """`count` comments waiting, newest first (the queue's default order)."""
    now = timezone.now()
    return [make_comment(story, f"Comment number {n}.", author_name=f"Reader {n}",
                         created_at=now - timedelta(minutes=n), **fields) for n in range(count)]


def marked_rows(html):
    return re.findall(r'<li class="queue-row" id="comment-(\d+)"[^>]*aria-current="true" autofocus>', html)


@pytest.mark.parametrize("action, data", [("approve", {}), ("reject", {"reason": "Off topic."}), ("spam", {})])
def test_after_an_action_the_queue_opens_on_the_next_comment(mod_client, story, action, data):
    first, second, third = comments_by_age(story, 3)

    response = mod_client.post(f"/moderation/comments/{first.pk}/{action}/", {"query": "show=pending", **data})

    assert response["Location"] == f"/moderation/?show=pending&focus={second.pk}#comment-{second.pk}"
    page = mod_client.get(response["Location"]).content.decode()
    assert marked_rows(page) == [str(second.pk)]
    assert f'id="comment-{first.pk}"' not in page and f'id="comment-{third.pk}"' in page


def test_three_in_a_row_without_a_script(mod_client, story):
    comments = comments_by_age(story, 4)
    location = "/moderation/"
    for comment in comments[:3]:
        page = mod_client.get(location).content.decode()
        # The comment the page opens on is the one its buttons act on next.
        assert marked_rows(page) in ([], [str(comment.pk)])
        query = re.search(rf'action="/moderation/comments/{comment.pk}/approve/"[^>]*>.*?name="query" value="([^"]*)"',
                          page, re.S).group(1)
        location = mod_client.post(f"/moderation/comments/{comment.pk}/approve/", {"query": query})["Location"]

    assert location == f"/moderation/?focus={comments[3].pk}#comment-{comments[3].pk}"
    assert [c.status for c in Comment.objects.order_by("-created_at")] == ["approved"] * 3 + ["pending"]


def test_the_last_comment_of_the_list_goes_back_to_the_one_before(mod_client, story):
    first, second = comments_by_age(story, 2)

    response = mod_client.post(f"/moderation/comments/{second.pk}/approve/", {"query": "show=pending"})

    assert response["Location"] == f"/moderation/?show=pending&focus={first.pk}#comment-{first.pk}"


def test_the_oldest_first_order_goes_on_to_the_newer_comment(mod_client, story):
    newest, middle, oldest = comments_by_age(story, 3)

    response = mod_client.post(f"/moderation/comments/{middle.pk}/approve/", {"query": "order=oldest"})

    assert response["Location"] == f"/moderation/?order=oldest&focus={newest.pk}#comment-{newest.pk}"


def test_the_page_follows_the_comments_that_move_up(mod_client, story):
    comments = comments_by_age(story, PER_PAGE + 2)
    last_of_first_page, first_of_second_page = comments[PER_PAGE - 1], comments[PER_PAGE]

    # The last of page 1 approved: the first of page 2 moves up to page 1.
    response = mod_client.post(f"/moderation/comments/{last_of_first_page.pk}/approve/", {"query": "page=1"})
    assert response["Location"] == f"/moderation/?focus={first_of_second_page.pk}#comment-{first_of_second_page.pk}"
    assert marked_rows(mod_client.get(response["Location"]).content.decode()) == [str(first_of_second_page.pk)]

    # On page 2, the next one is there still.
    on_second_page = comments[PER_PAGE + 1]
    response = mod_client.post(f"/moderation/comments/{on_second_page.pk}/approve/", {"query": "page=2"})
    assert response["Location"] == f"/moderation/?focus={comments[PER_PAGE].pk}#comment-{comments[PER_PAGE].pk}"


def test_filters_are_kept_and_an_emptied_queue_says_so(mod_client, story):
    (only,) = comments_by_age(story, 1)

    response = mod_client.post(f"/moderation/comments/{only.pk}/approve/", {"query": f"story={story.pk}&focus=999"})

    assert response["Location"] == f"/moderation/?story={story.pk}"
    page = mod_client.get(response["Location"]).content.decode()
    assert "No comments here." in page and "Approved comment by Reader 0." in page


def test_shown_everything_the_next_comment_is_the_one_listed_after(mod_client, story):
    first, second, third = comments_by_age(story, 3)

    response = mod_client.post(f"/moderation/comments/{second.pk}/spam/", {"query": "show=all"})

    assert response["Location"] == f"/moderation/?show=all&focus={third.pk}#comment-{third.pk}"


def test_a_refused_action_stays_on_its_comment(mod_client, story):
    first, second = comments_by_age(story, 2)

    response = mod_client.post(f"/moderation/comments/{first.pk}/reject/", {"reason": "x" * 301, "query": "show=pending"})

    assert response["Location"] == f"/moderation/?show=pending&focus={first.pk}#comment-{first.pk}"
    first.refresh_from_db()
    assert first.status == Comment.Status.PENDING
    page = mod_client.get(response["Location"]).content.decode()
    assert "Not rejected: Ensure this value has at most 300 characters" in page


def test_a_bad_focus_is_ignored(mod_client, story):
    comments_by_age(story, 2)
    for focus in ["abc", "-1", "99999", "1e9"]:
        response = mod_client.get(f"/moderation/?focus={focus}")
        assert response.status_code == 200 and marked_rows(response.content.decode()) == []
