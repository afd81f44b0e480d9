"""The queue driven from the keyboard, in Debian's headless Chromium against the live server."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.comments.models import Comment, LogEntry
from newsdesk.conftest import make_article
from newsdesk.testing import signed_in_context

from .conftest import make_comment

pytestmark = pytest.mark.browser


def waiting_comments(*names):
    """A comment waiting from each of `names`, the first the newest (first in the queue)."""
    story = make_article()
    now = timezone.now()
    return story, [make_comment(story, f"Comment from {name}.", author_name=name, created_at=now - timedelta(minutes=n))
                   for n, name in enumerate(names)]


@pytest.fixture
def moderator(transactional_db):
    return get_user_model().objects.create_superuser("maja", "maja@newsroom.example", "pw")


def statuses():
    return dict(Comment.objects.values_list("author_name", "status"))


def test_a_a_a_approves_three_in_a_row_in_place(browser, live_server, moderator):
    from playwright.sync_api import expect

    story, comments = waiting_comments("Ada", "Ben", "Cy", "Dee")
    context = signed_in_context(browser, live_server, moderator)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/moderation/")
        current = page.locator('[data-queue-row][aria-current="true"]')
        expect(current).to_have_id(f"comment-{comments[0].pk}")  # the first is selected from the start
        expect(page.locator('nav[aria-label="Newsroom"] .pending-badge')).to_have_text("4 waiting")
        page.evaluate("window.sameDocument = true")

        for done, following in [(0, 1), (1, 2), (2, 3)]:
            page.keyboard.press("a")
            expect(page.locator(".messages")).to_have_text(f"Approved comment by {comments[done].author_name}.")
            expect(current).to_have_id(f"comment-{comments[following].pk}")
            expect(current).to_be_focused()

        expect(page.locator("[data-queue-row]")).to_have_count(1)
        expect(page.locator('nav[aria-label="Newsroom"] .pending-badge')).to_have_text("1 waiting")
        expect(page.locator("#queue-announce")).to_have_text("Approved comment by Cy.")
        assert page.evaluate("window.sameDocument") is True, "the page was reloaded"
        assert page.url.endswith(f"#comment-{comments[3].pk}")
    finally:
        context.close()

    assert statuses() == {"Ada": "approved", "Ben": "approved", "Cy": "approved", "Dee": "pending"}
    story.refresh_from_db()
    assert story.comment_count == 3


def test_keys_pressed_while_an_action_is_on_its_way_wait_their_turn(browser, live_server, moderator):
    from playwright.sync_api import expect

    _, comments = waiting_comments("Ada", "Ben", "Cy", "Dee")
    context = signed_in_context(browser, live_server, moderator)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/moderation/")
        page.keyboard.press("a")
        page.keyboard.press("a")
        page.keyboard.press("s")
        expect(page.locator(".messages")).to_have_text("Marked comment by Cy as spam.")
        expect(page.locator('[data-queue-row][aria-current="true"]')).to_have_id(f"comment-{comments[3].pk}")
    finally:
        context.close()
    assert statuses() == {"Ada": "approved", "Ben": "approved", "Cy": "spam", "Dee": "pending"}


def test_after_a_full_reload_the_queue_goes_on_from_the_next_comment(browser, live_server, moderator):
    from playwright.sync_api import expect

    _, comments = waiting_comments("Ada", "Ben", "Cy", "Dee")
    context = signed_in_context(browser, live_server, moderator)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/moderation/")
        page.keyboard.press("a")
        expect(page.locator(".messages")).to_have_text("Approved comment by Ada.")

        page.reload()  # the address the queue was left at opens on the next comment
        current = page.locator('[data-queue-row][aria-current="true"]')
        expect(current).to_have_id(f"comment-{comments[1].pk}")
        expect(current).to_be_focused()
        page.keyboard.press("a")
        expect(page.locator(".messages")).to_have_text("Approved comment by Ben.")
        expect(current).to_have_id(f"comment-{comments[2].pk}")
    finally:
        context.close()
    assert statuses() == {"Ada": "approved", "Ben": "approved", "Cy": "pending", "Dee": "pending"}


def test_without_scripts_each_answer_opens_on_the_next_comment(browser, live_server, moderator):
    from playwright.sync_api import expect

    _, comments = waiting_comments("Ada", "Ben", "Cy")
    context = signed_in_context(browser, live_server, moderator, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/moderation/")
        for done, following in [(0, 1), (1, 2)]:
            with page.expect_navigation():
                page.locator(f"#comment-{comments[done].pk}").get_by_role("button", name="Approve").click()
            expect(page.locator(".messages")).to_have_text(f"Approved comment by {comments[done].author_name}.")
            row = page.locator(f"#comment-{comments[following].pk}")
            expect(row).to_have_attribute("aria-current", "true")
            expect(row).to_be_focused()
            assert page.url.endswith(f"#comment-{comments[following].pk}")
        # Tab from the comment reaches its own links and buttons first.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('[data-queue-row]').id") == f"comment-{comments[2].pk}"
    finally:
        context.close()
    assert statuses() == {"Ada": "approved", "Ben": "approved", "Cy": "pending"}


def test_reject_with_a_reason_spam_and_moving_around(browser, live_server, moderator):
    from playwright.sync_api import expect

    story, comments = waiting_comments("Ada", "Ben", "Cy")
    first, second, third = comments
    context = signed_in_context(browser, live_server, moderator)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/moderation/")
        current = page.locator('[data-queue-row][aria-current="true"]')

        page.keyboard.press("j")
        expect(current).to_have_id(f"comment-{second.pk}")
        expect(current).to_be_focused()
        page.keyboard.press("ArrowDown")
        expect(current).to_have_id(f"comment-{third.pk}")
        page.keyboard.press("k")
        page.keyboard.press("ArrowUp")
        expect(current).to_have_id(f"comment-{first.pk}")

        page.keyboard.press("s")
        expect(page.locator(".messages")).to_have_text("Marked comment by Ada as spam.")
        expect(current).to_have_id(f"comment-{second.pk}")

        # r goes to the reason; letters typed there are text, not shortcuts; Enter rejects.
        page.keyboard.press("r")
        expect(page.locator(f"#reason-{second.pk}")).to_be_focused()
        page.keyboard.type("Stay on topic, please.")
        page.keyboard.press("Enter")
        expect(page.locator(".messages")).to_have_text("Rejected comment by Ben.")
        expect(current).to_have_id(f"comment-{third.pk}")
        expect(current).to_be_focused()

        page.keyboard.press("?")
        expect(page.locator("#shortcut-help")).to_be_visible()
    finally:
        context.close()

    assert statuses() == {"Ada": "spam", "Ben": "rejected", "Cy": "pending"}
    assert Comment.objects.get(pk=second.pk).reject_reason == "Stay on topic, please."
    story.refresh_from_db()
    assert story.comment_count == 0


def test_u_undoes_the_last_action_and_the_queue_opens_on_its_comment(browser, live_server, moderator):
    from playwright.sync_api import expect

    story, (ada, ben, cy) = waiting_comments("Ada", "Ben", "Cy")
    context = signed_in_context(browser, live_server, moderator)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/moderation/")
        current = page.locator('[data-queue-row][aria-current="true"]')
        badge = page.locator('nav[aria-label="Newsroom"] .pending-badge')

        page.keyboard.press("a")
        expect(current).to_have_id(f"comment-{ben.pk}")
        expect(page.locator(".undo")).to_contain_text("You approved the comment by Ada.")
        expect(badge).to_have_text("2 waiting")

        page.keyboard.press("u")
        expect(page.locator(".messages")).to_have_text(
            "Undone: the approval of the comment by Ada; it is “waiting for moderation” again.")
        expect(current).to_have_id(f"comment-{ada.pk}")
        expect(current).to_be_focused()
        expect(badge).to_have_text("3 waiting")
        expect(page.locator(".undo")).to_have_count(0)

        # The button does the same: spam Ada, then undo with a click.
        page.keyboard.press("s")
        expect(current).to_have_id(f"comment-{ben.pk}")
        undo = page.get_by_role("button", name="Undo", exact=True)
        expect(undo).to_have_accessible_description("You marked as spam the comment by Ada.")
        undo.click()
        expect(page.locator(".messages")).to_contain_text("Undone: the marking as spam of the comment by Ada")
        expect(current).to_have_id(f"comment-{ada.pk}")

        page.keyboard.press("a")
        page.keyboard.press("a")
        expect(page.locator(".messages")).to_have_text("Approved comment by Ben.")
        expect(current).to_have_id(f"comment-{cy.pk}")
    finally:
        context.close()

    assert statuses() == {"Ada": "approved", "Ben": "approved", "Cy": "pending"}
    story.refresh_from_db()
    assert story.comment_count == 2
    assert list(LogEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "approve", "undo-approve", "spam", "undo-spam", "approve", "approve"]
