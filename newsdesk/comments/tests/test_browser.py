"""The comment flows in Debian's headless Chromium against pytest-django's live server.

A reader signs up, confirms the address, posts and replies without a page reload,
and another reader reports the comment; a guest's comment posted without JavaScript
waits for a moderator, who approves it; an open page picks up new comments; a
refused comment keeps its text. Screenshots of the comments go to var/screenshots/.

Outside CI a missing Chromium skips these tests with the reason; with CI=true it fails them.
"""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from newsdesk.comments import services
from newsdesk.comments.models import Comment, Report
from newsdesk.conftest import make_article
from newsdesk.stories.models import Story
from newsdesk.testing import DESKTOP, PHONE, SCREENSHOTS, SEED, signed_in_context

from .conftest import make_reader

pytestmark = pytest.mark.browser

WAIT = 5000  # ms: how long an open page may take to show a new comment (it arrives on the live stream)


@pytest.fixture(autouse=True)
def browser_settings(settings, comment_settings):
    mail.outbox = []


@pytest.fixture
def article(transactional_db, live_server):
    """The sample article as the importer makes it, else a made-up one; open for comments."""
    if SEED.is_file():
        call_command("import", str(SEED), "--date", timezone.localdate().isoformat(), stdout=io.StringIO(), stderr=io.StringIO())
        story = Story.objects.filter(kind=Story.Kind.ARTICLE).order_by("-pk").first()
        # The importer dates the story on the given day; it must be out already.
        Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(minutes=30))
        story.refresh_from_db()
    else:
        story = make_article(headline="Harbour ferry returns after winter repairs")
    assert story.comment_policy == Story.Comments.OPEN
    return story


def url(live_server, story, suffix=""):
    return live_server.url + story.get_absolute_url() + suffix


def comment_item(page, comment):
    return page.locator(f"#comment-{comment.pk}")


def test_reader_signs_up_verifies_posts_replies_and_another_reports(browser, live_server, article):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(url(live_server, article))
    section = page.locator("#comments")
    expect(section.get_by_role("heading", name="What is your opinion on this topic?")).to_be_visible()
    expect(section.get_by_text("Leave the first comment")).to_be_visible()

    # Sign up from the comment form's own link, which brings the reader back to the comments.
    section.get_by_role("link", name="create an account").click()
    page.get_by_label("Display name").fill("Nora Lind")
    page.get_by_label("Email address").fill("nora@example.org")
    page.get_by_label("Password").fill("harbour lights 1987")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(re.escape(article.get_absolute_url()) + "#comments$"))
    expect(page.locator(".messages")).to_contain_text("Welcome, Nora Lind. We have sent you a link")

    # The mail has the link; opening it confirms the address.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nora@example.org"]
    link = re.search(r"https?://\S+/account/verify/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)
    page.goto(link)
    expect(page.get_by_role("heading", name="Email address confirmed")).to_be_visible()

    # Post with JavaScript: no reload, the comment and the count appear in place.
    page.goto(url(live_server, article))
    expect(section.get_by_text("Commenting as Nora Lind")).to_be_visible()
    expect(section.locator(".comment-count")).to_be_hidden()
    page.evaluate("window.__marker = 'still here'")
    page_url = page.url
    section.get_by_label("Your comment").fill("Batteries and neurochips: who checks\nthat any of this is real?")
    section.get_by_role("button", name="Post comment").click()
    expect(section.locator(".form-status")).to_have_text("Thank you: your comment is published.")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED and comment.author_name == "Nora Lind"
    item = comment_item(page, comment)
    expect(item).to_contain_text("who checks")
    expect(item.locator(".comment-author")).to_have_text("Nora Lind")
    expect(section.get_by_text("Leave the first comment")).to_be_hidden()
    expect(section.locator(".comment-count")).to_have_text("1 comment")
    expect(section.get_by_label("Your comment")).to_have_value("")
    assert page.evaluate("window.__marker") == "still here" and page.url == page_url

    # Reply through the comment's Reply link: the form says so, and the reply is nested.
    item.get_by_role("link", name="Reply to Nora Lind").click()
    expect(section.locator(".replying-to")).to_contain_text("Replying to Nora Lind")
    expect(section.get_by_label("Your comment")).to_be_focused()
    page.keyboard.type("To answer myself: the Tass report names no source.")
    section.get_by_role("button", name="Post reply").click()
    reply = item.locator(":scope > ol.replies > li.comment-reply")
    expect(reply).to_contain_text("the Tass report names no source")
    expect(section.locator(".comment-count")).to_have_text("2 comments")
    expect(section.locator(".replying-to")).to_have_count(0)
    expect(section.get_by_role("button", name="Post comment")).to_be_visible()
    assert page.evaluate("window.__marker") == "still here" and page.url == page_url
    reply_comment = Comment.objects.get(parent=comment)
    assert reply_comment.thread_id == comment.pk and reply_comment.status == Comment.Status.APPROVED

    # What the reader's page looks like, at desktop and phone width, after a reload.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.reload()
    expect(comment_item(page, reply_comment)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "comments-desktop.png"), full_page=True)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, storage_state=context.storage_state())
    phone_page = phone.new_page()
    phone_page.goto(url(live_server, article, "#comments"))
    expect(comment_item(phone_page, reply_comment)).to_be_visible()
    phone_page.screenshot(path=str(SCREENSHOTS / "comments-phone.png"), full_page=True)
    phone_page.locator("#comments").screenshot(path=str(SCREENSHOTS / "comments-phone-section.png"))
    phone.close()
    context.close()

    # Another reader, on a phone, reports the comment.
    other = signed_in_context(browser, live_server, make_reader("Olle Berg", "olle@example.org"),
                              viewport=PHONE, is_mobile=True, has_touch=True)
    page = other.new_page()
    page.goto(url(live_server, article))
    item = comment_item(page, comment)
    report_box = item.locator(":scope > .comment-actions > details.report")
    report_box.locator("summary").click()
    report_box.get_by_label("Off topic").check()
    page.locator("#comments").screenshot(path=str(SCREENSHOTS / "comments-phone-report.png"))
    with page.expect_navigation():
        report_box.get_by_role("button", name="Send report").click()
    expect(page.locator(".messages")).to_have_text("Thank you: a moderator will look at it.")
    assert page.url.endswith(f"#comment-{comment.pk}")
    other.close()
    report = Report.objects.get()
    assert (report.comment_id, report.reason, report.reporter.email) == (comment.pk, "off-topic", "olle@example.org")


def test_guest_comment_without_javascript_waits_for_a_moderator(browser, live_server, article):
    from playwright.sync_api import expect

    moderator = get_user_model().objects.create_superuser("maja", "maja@newsroom.example", "pw")
    guest = browser.new_context(java_script_enabled=False)
    page = guest.new_page()
    page.goto(url(live_server, article))
    form = page.locator("#comment-form")
    form.get_by_label("Your comment").fill("The ferry story was better.")
    form.get_by_label("Your name").fill("Gus Guest")
    form.get_by_label("Your email").fill("gus@example.org")
    with page.expect_navigation():
        form.get_by_role("button", name="Post comment").click()

    # The page came without a CSRF token (it is the same for every guest): the guest confirms once.
    expect(page.get_by_role("heading", name="Confirm your comment")).to_be_visible()
    expect(page.get_by_label("Your comment")).to_have_value("The ferry story was better.")
    assert not Comment.objects.exists()
    with page.expect_navigation():
        page.get_by_role("button", name="Post comment").click()

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and comment.author_id is None
    assert page.url == url(live_server, article, f"#comment-{comment.pk}")
    # The thank-you is at the comment, where the page opens, not at the top of a long article.
    thanks = comment_item(page, comment).get_by_role("status")
    expect(thanks).to_contain_text("Thank you: your comment will appear once a moderator has read it")
    expect(thanks).to_be_in_viewport()
    expect(page.locator(".messages .message")).to_have_count(0)
    expect(comment_item(page, comment)).to_contain_text("The ferry story was better.")
    expect(comment_item(page, comment).locator(".comment-pending")).to_have_text(
        "Only you can see this for now: it is waiting for a moderator.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#comments").screenshot(path=str(SCREENSHOTS / "comments-guest-pending.png"))

    # No one else sees it yet.
    stranger = browser.new_context(java_script_enabled=False)
    other_page = stranger.new_page()
    other_page.goto(url(live_server, article))
    expect(other_page.get_by_text("The ferry story was better.")).to_have_count(0)
    expect(other_page.get_by_text("Leave the first comment")).to_be_visible()

    # A moderator approves it in the queue.
    mod = signed_in_context(browser, live_server, moderator, java_script_enabled=False)
    mod_page = mod.new_page()
    mod_page.goto(live_server.url + "/moderation/")
    row = mod_page.locator(f"#comment-{comment.pk}")
    expect(row).to_contain_text("Held because comments from guests are checked before they appear")
    with mod_page.expect_navigation():
        row.get_by_role("button", name="Approve comment by Gus Guest").click()
    expect(mod_page.locator(".messages")).to_have_text("Approved comment by Gus Guest.")
    mod.close()

    # Now the guest and everyone else see it, counted.
    page.reload()
    expect(comment_item(page, comment)).to_contain_text("The ferry story was better.")
    expect(comment_item(page, comment).locator(".comment-pending")).to_have_count(0)
    other_page.goto(url(live_server, article))
    expect(comment_item(other_page, comment)).to_contain_text("The ferry story was better.")
    expect(other_page.locator(".comment-count")).to_have_text("1 comment")

    # Replying without JavaScript: the Reply link opens the form for a reply, which lands nested.
    comment_item(page, comment).get_by_role("link", name="Reply to Gus Guest").click()
    assert page.url.endswith(f"?reply={comment.pk}#comment-form")
    expect(form.locator(".replying-to")).to_contain_text("Replying to Gus Guest")
    form.get_by_label("Your comment").fill("Answering my own comment.")
    form.get_by_label("Your name").fill("Gus Guest")
    form.get_by_label("Your email").fill("gus@example.org")
    with page.expect_navigation():
        form.get_by_role("button", name="Post reply").click()
    reply = Comment.objects.get(parent=comment)
    assert page.url == url(live_server, article, f"#comment-{reply.pk}")
    expect(comment_item(page, comment).locator(f":scope > ol.replies > #comment-{reply.pk}")).to_contain_text(
        "Answering my own comment.")
    guest.close()
    stranger.close()


def test_a_guest_with_javascript_gets_a_token_on_first_use_and_posts(browser, live_server, article):
    from playwright.sync_api import expect

    guest = browser.new_context()
    page = guest.new_page()
    page.goto(url(live_server, article))
    form = page.locator("#comment-form")
    expect(form.get_by_label("Your comment")).to_be_visible()
    # The page is everyone's: no cookie until the reader starts on the form.
    assert guest.cookies() == []
    assert form.locator("input[name=csrfmiddlewaretoken]").input_value() == ""

    form.get_by_label("Your comment").fill("Posted by a guest, with JavaScript.")
    expect(form.locator("input[name=csrfmiddlewaretoken]")).not_to_have_value("")
    assert "csrftoken" in {c["name"] for c in guest.cookies()}
    form.get_by_label("Your name").fill("Gus Guest")
    form.get_by_label("Your email").fill("gus@example.org")
    form.get_by_role("button", name="Post comment").click()

    expect(form.locator(".form-status")).to_contain_text("will appear once a moderator has read it")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and comment.author_name == "Gus Guest"
    assert comment.text == "Posted by a guest, with JavaScript."
    guest.close()


def test_a_guest_reports_a_comment_sent_before_any_field_had_focus(browser, live_server, article):
    from playwright.sync_api import expect

    shown = services.post(article, text="Worth a report.", user=make_reader())
    guest = browser.new_context()
    page = guest.new_page()
    page.goto(url(live_server, article))
    report_form = comment_item(page, shown).locator("details.report form")
    # Sent by a script, as a tap that focuses nothing would: the token is fetched before it goes.
    with page.expect_navigation():
        report_form.evaluate(
            "form => { form.querySelector('input[value=off-topic]').checked = true; form.requestSubmit(); }")

    expect(page.locator(".messages")).to_have_text("Thank you: a moderator will look at it.")
    report = Report.objects.get()
    assert (report.comment_id, report.reason, report.reporter) == (shown.pk, "off-topic", None)
    guest.close()


def test_an_open_page_shows_new_comments_and_the_count(browser, live_server, article):
    from playwright.sync_api import expect

    alice, bob = make_reader(), make_reader("Bob Writer", "bob@example.org")
    context = browser.new_context()
    page = context.new_page()
    page.goto(url(live_server, article))
    page.evaluate("window.__marker = 1")
    count = page.locator(".comment-count")
    expect(count).to_be_hidden()

    first = services.post(article, text="Posted while the page was open.", user=alice)
    expect(comment_item(page, first)).to_contain_text("Posted while the page was open.", timeout=WAIT)
    expect(count).to_have_text("1 comment")
    expect(page.get_by_text("Leave the first comment")).to_be_hidden()

    # A reply from elsewhere goes under its comment; a comment waiting for a moderator does not show.
    services.post(article, text="Held: a guest wrote this.", name="Gus", email="gus@example.org")
    reply = services.post(article, text="A reply from another reader.", user=bob, parent=first)
    expect(comment_item(page, first).locator(f":scope > ol.replies > #comment-{reply.pk}")).to_be_visible(timeout=WAIT)
    expect(count).to_have_text("2 comments")
    expect(page.get_by_text("Held: a guest wrote this.")).to_have_count(0)
    assert page.evaluate("window.__marker") == 1
    context.close()


def test_a_comment_approved_while_the_page_is_open_appears(browser, live_server, article):
    from playwright.sync_api import expect

    moderator = get_user_model().objects.create_superuser("maja", "maja@newsroom.example", "pw")
    held = services.post(article, text="A guest's comment, held.", name="Gus", email="gus@example.org")
    later = services.post(article, text="Published straight away.", user=make_reader())
    context = browser.new_context()
    page = context.new_page()
    page.goto(url(live_server, article))
    expect(comment_item(page, later)).to_be_visible()

    services.approve(held, by=moderator)
    try:
        expect(page.locator(".comment-count")).to_have_text("2 comments", timeout=WAIT)
        expect(comment_item(page, held)).to_contain_text("A guest's comment, held.", timeout=2000)
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_refused_comment_shows_why_and_keeps_the_text(browser, live_server, article, settings, javascript):
    from playwright.sync_api import expect

    context = signed_in_context(browser, live_server, make_reader(), java_script_enabled=javascript)
    page = context.new_page()
    page.goto(url(live_server, article))
    if javascript:
        page.evaluate("window.__marker = 1")
    # The limit shrinks while the page is open, so the browser lets the text through.
    settings.COMMENTS_MAX_LENGTH = 20
    text = "A comment a good deal longer than twenty characters."
    form = page.locator("#comment-form")
    form.get_by_label("Your comment").fill(text)
    reason = f"Your comment is {len(text)} characters long; the limit is 20."
    if javascript:
        form.get_by_role("button", name="Post comment").click()
        expect(form.get_by_role("alert").get_by_role("listitem")).to_have_text([reason])
        assert page.evaluate("window.__marker") == 1
    else:
        with page.expect_navigation():
            form.get_by_role("button", name="Post comment").click()
        expect(form.get_by_role("alert").get_by_role("listitem")).to_have_text([reason])
    # Either way the reason is in view, not at the top of a long article.
    expect(form.get_by_role("alert")).to_be_in_viewport()
    expect(form.get_by_label("Your comment")).to_have_value(text)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    form.screenshot(path=str(SCREENSHOTS / f"comments-refused-{'js' if javascript else 'nojs'}.png"))
    expect(form.get_by_role("button", name="Post comment")).to_be_enabled()

    # Rate limited: the second of two comments allowed a minute is refused, and kept.
    settings.COMMENTS_MAX_LENGTH = 5000
    settings.COMMENTS_RATE_ACCOUNT = (1, 60)
    form.get_by_role("button", name="Post comment").click()
    if javascript:
        expect(form.locator(".form-status")).to_have_text("Thank you: your comment is published.")
    else:
        page.wait_for_url(re.compile(r"#comment-\d+$"))
    form.get_by_label("Your comment").fill("One more thought.")
    if javascript:
        form.get_by_role("button", name="Post comment").click()
        expect(form.get_by_role("alert")).to_contain_text("You are commenting too fast")
        assert page.evaluate("window.__marker") == 1
    else:
        with page.expect_navigation():
            form.get_by_role("button", name="Post comment").click()
        expect(form.get_by_role("alert")).to_contain_text("You are commenting too fast")
    expect(form.get_by_label("Your comment")).to_have_value("One more thought.")
    assert list(Comment.objects.values_list("text", flat=True)) == [text]
    context.close()
