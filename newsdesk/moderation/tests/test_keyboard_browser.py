"""The queue driven from the keyboard, in Debian's headless Chromium against the live server."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.comments.models import Comment
from newsdesk.conftest import make_article
from newsdesk.testing import signed_in_context

from .conftest import make_comment

pytestmark = pytest.mark.browser


def test_moderator_approves_and_marks_spam_with_the_keyboard(browser, transactional_db, live_server):
    from playwright.sync_api import expect

    story = make_article()
    now = timezone.now()
    first, second, third = (
        make_comment(story, f"Comment from {name}.", author_name=name, created_at=now - timedelta(minutes=n))
        for n, name in enumerate(["Ada", "Ben", "Cy"])
    )
    moderator = get_user_model().objects.create_superuser("maja", "maja@newsroom.example", "pw")

    context = signed_in_context(browser, live_server, moderator)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/moderation/")
        current = page.locator('[data-queue-row][aria-current="true"]')

        page.keyboard.press("j")
        expect(current).to_have_id(f"comment-{first.pk}")
        expect(current).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("a")
        expect(page.locator(".messages")).to_contain_text("Approved comment by Ada.")

        page.keyboard.press("j")
        expect(current).to_have_id(f"comment-{second.pk}")
        page.keyboard.press("ArrowDown")
        expect(current).to_have_id(f"comment-{third.pk}")
        with page.expect_navigation():
            page.keyboard.press("s")
        expect(page.locator(".messages")).to_contain_text("Marked comment by Cy as spam.")

        # r goes to the reason; letters typed there are text, not shortcuts; Enter rejects.
        page.keyboard.press("j")
        page.keyboard.press("r")
        expect(page.locator(f"#reason-{second.pk}")).to_be_focused()
        page.keyboard.type("Stay on topic, please.")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator(".messages")).to_contain_text("Rejected comment by Ben.")

        page.keyboard.press("?")
        expect(page.locator("#shortcut-help")).to_be_visible()
    finally:
        context.close()

    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "approved", second.pk: "rejected", third.pk: "spam"}
    assert Comment.objects.get(pk=second.pk).reject_reason == "Stay on topic, please."
    story.refresh_from_db()
    assert story.comment_count == 1
