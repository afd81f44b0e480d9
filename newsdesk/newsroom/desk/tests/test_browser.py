"""From the newsroom home to a brief in a reader's river, in Debian's headless Chromium.

A screenshot of the newsroom home goes to var/screenshots/newsroom-home.png.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from newsdesk.conftest import make_article
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Story

from .conftest import write_story

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[4]
SCREENSHOTS = REPO / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
CHROME_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
BRIEF = "Polls close early in the north after a storm warning."
SECOND_BRIEF = "The count starts at nine."


def test_an_editor_publishes_a_brief_in_three_actions_and_a_reader_sees_it(transactional_db, live_server):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package: chromium)")
    from playwright.sync_api import expect, sync_playwright

    editor = get_user_model().objects.create_superuser("edna", "edna@newsroom.example", "pw")
    article = make_article(headline="Harbour ferry returns after winter repairs")
    Person.objects.create(name="Kari Nordmann")
    Topic.objects.create(name="Elections")
    write_story(editor, headline="Council budget: what changes for schools")
    write_story(editor, headline="Ferry timetable explained", status=Story.Status.SCHEDULED,
                published_at=timezone.now() + timedelta(hours=3))
    browser_client = Client()
    browser_client.force_login(editor)
    session = browser_client.cookies[settings.SESSION_COOKIE_NAME].value

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        try:
            reader = browser.new_page()
            reader.goto(live_server.url + article.get_absolute_url())
            river = reader.locator(".river")
            expect(river).not_to_contain_text(BRIEF)

            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
            page = context.new_page()
            text = page.get_by_label("Brief", exact=True)

            actions = 0
            page.goto(live_server.url + "/newsroom/")
            actions += 1
            expect(text).to_be_focused()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "newsroom-home.png"), full_page=True)
            text.fill(BRIEF)
            actions += 1
            with page.expect_navigation():
                page.get_by_role("button", name="Publish").click()
            actions += 1

            assert actions <= 3
            expect(page.locator(".messages")).to_contain_text(f"Published the brief {BRIEF}")
            reader.reload()
            expect(river.locator("li").first).to_contain_text(BRIEF)

            # Back on the home page the box has the focus again: type, then Ctrl+Enter.
            expect(text).to_be_focused()
            page.keyboard.type(SECOND_BRIEF)
            with page.expect_navigation():
                page.keyboard.press("Control+Enter")
            expect(page.locator(".messages")).to_contain_text(f"Published the brief {SECOND_BRIEF}")
            reader.reload()
            expect(river.locator("li").first).to_contain_text(SECOND_BRIEF)
            expect(river.locator("li").nth(1)).to_contain_text(BRIEF)
        finally:
            browser.close()

    assert Story.objects.briefs().published().count() == 2
