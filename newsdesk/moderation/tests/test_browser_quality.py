"""The moderation queue in Chromium, at desktop and phone width: no axe-core violations,
nothing scrolls sideways; and the queue's pages are valid HTML.

With SCREENSHOTS=1 the queue's pictures for the README are written to docs/screenshots/
(moderation-desktop.png, moderation-phone.png)."""

import os
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.comments import services
from newsdesk.comments.models import Comment, Report
from newsdesk.conftest import make_article
from newsdesk.testing import DESKTOP, PHONE, REPO, axe_violations, nu_errors, signed_in_context

from .conftest import make_comment

pytestmark = pytest.mark.browser
DOCS_SCREENSHOTS = REPO / "docs" / "screenshots"


@pytest.fixture
def busy_queue(transactional_db):
    """A queue as a morning finds it: guests, an account, a suspect word, reports; one approved just now."""
    now = timezone.now()
    ferry = make_article(headline="Harbour ferry returns after winter repairs")
    budget = make_article(headline="Council approves next year's budget")
    reader = get_user_model().objects.create_user("tom.h", "tom@example.org", "a long passphrase 42")
    moderator = get_user_model().objects.create_superuser("maja", "maja@newsroom.example", "pw")
    done = make_comment(ferry, "Glad she is back. The winter timetable was a nightmare.", author_name="Ingrid",
                        guest_email="ingrid@example.org", ip="198.51.100.23", created_at=now - timedelta(minutes=2),
                        held_because="comments from guests are checked before they appear")
    make_comment(ferry, "Will the late sailing on Fridays come back too? It was the only way home from the "
                 "evening shift for many of us.", author_name="Ola Nordmann", guest_email="ola@example.org",
                 ip="198.51.100.7", created_at=now - timedelta(minutes=5),
                 held_because="comments from guests are checked before they appear")
    make_comment(budget, "The council is run by crooks, as usual.", author=reader, author_name="Tom H.",
                 ip="203.0.113.40", created_at=now - timedelta(minutes=9), held_because="suspect words: crooks")
    reported = make_comment(budget, "Cheap flights to anywhere: visit example.com today!", author_name="Deals",
                            guest_email="deals@example.com", ip="192.0.2.80", created_at=now - timedelta(minutes=30),
                            status=Comment.Status.PENDING, report_count=3, held_because="reported by 3 readers")
    for ip in ["192.0.2.1", "192.0.2.2", "192.0.2.3"]:
        Report.objects.create(comment=reported, ip=ip, reason=Report.Reason.SPAM)
    services.approve(done, by=moderator)
    return moderator


def sideways(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("name, viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_the_queue_is_accessible_and_fits(browser, live_server, busy_queue, name, viewport):
    from playwright.sync_api import expect

    context = signed_in_context(browser, live_server, busy_queue, viewport=viewport)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/moderation/")
        expect(page.locator('[data-queue-row][aria-current="true"]')).to_have_count(1)
        expect(page.locator(".undo")).to_contain_text("You approved the comment by Ingrid.")
        assert axe_violations(page) == []
        assert sideways(page) <= 0, f"the queue scrolls sideways at {viewport['width']} px"
        if os.environ.get("SCREENSHOTS"):
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOCS_SCREENSHOTS / f"moderation-{name}.png"), full_page=True)
        ban = page.locator("[data-ban] summary").first
        ban.click()  # the ban form open must fit as well
        assert sideways(page) <= 0
    finally:
        context.close()


def test_the_moderation_pages_are_valid_html(client, busy_queue):
    client.force_login(busy_queue)
    focused = Comment.objects.filter(status=Comment.Status.PENDING).first()
    pages = {name: client.get(path).content.decode() for name, path in [
        ("queue", f"/moderation/?focus={focused.pk}"), ("all", "/moderation/?show=all"),
        ("bans", "/moderation/bans/"), ("words", "/moderation/words/"), ("log", "/moderation/log/"),
    ]}
    assert 'autofocus' in pages["queue"] and "data-undo" in pages["queue"]
    assert nu_errors(pages) == []
