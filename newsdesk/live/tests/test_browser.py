"""The live river in Debian's headless Chromium against a real `newsdesk serve`: a reader's
open article page and home page take a breaking brief published from the newsroom desk,
a brief brought in by `newsdesk import`, and a withdrawal, all without a reload.
A screenshot of the article page goes to var/screenshots/live-river.png.

Outside CI a missing Chromium skips these tests with the reason; with CI=true it fails them.
"""

import os
import re
import zoneinfo
from datetime import datetime, timedelta

import pytest

from newsdesk.testing import DESKTOP, SCREENSHOTS, SEED

from .conftest import import_page, withdraw

pytestmark = pytest.mark.browser

LIVE = 2000  # ms: how long an open page may take to show a change (the feed looks every 0.25 s)
MARKER = "window.__liveMarker"
FALLBACK_PAGE = """Harbour ferry returns after winter repairs
The ferry is back on its route after three months in dry dock, the council said on Monday.
Read next
00:01
The harbour office opens an hour earlier from Monday.
"""


@pytest.fixture(scope="module")
def article(server, tmp_path_factory):
    text = SEED.read_text() if SEED.is_file() else FALLBACK_PAGE
    stories = import_page(server, tmp_path_factory.mktemp("page"), "sample.txt", text)
    return stories[0]


def local_now():
    """Now in the newsroom's time zone (the server's TIME_ZONE)."""
    return datetime.now(zoneinfo.ZoneInfo(os.environ.get("TIME_ZONE") or "UTC"))


def open_page(context, url):
    page = context.new_page()
    page.goto(url)
    page.evaluate(f"{MARKER} = 'still the same page'")
    return page


def river_item(page, story_id):
    return page.locator(f'[data-live-river] .river-items > li[data-story="{story_id}"]')


def test_an_open_page_takes_new_briefs_and_withdrawals_without_a_reload(browser, server, article, tmp_path):
    from playwright.sync_api import expect

    reader = browser.new_context(viewport=DESKTOP)
    editor = browser.new_context(viewport=DESKTOP)
    try:
        page = open_page(reader, server.url + article["url"])
        home = open_page(reader, server.url + "/")
        expect(page.locator("[data-live-river] h2")).to_have_text("Read next")
        expect(home.locator("[data-live-river] h2")).to_have_text("Read next")

        # The editor signs in with the login `newsdesk serve` printed and publishes a breaking brief.
        username, password = server.credentials()
        desk = editor.new_page()
        desk.goto(server.url + "/account/login/?next=/newsroom/")
        desk.get_by_label("Email address").fill(username)
        desk.get_by_label("Password").fill(password)
        desk.get_by_role("button", name="Sign in").click()
        desk.wait_for_url(re.compile(r"/newsroom/$"))
        text = "Fire crews are at the harbour warehouse; the quay is closed."
        desk.get_by_label("Brief", exact=True).fill(text)
        before = local_now()
        desk.get_by_role("button", name="Publish").click()
        expect(desk.locator(".messages")).to_contain_text("Published the brief")
        after = local_now()

        for open_one in (page, home):
            first = open_one.locator("[data-live-river] .river-items > li").first
            expect(first).to_contain_text(text, timeout=LIVE)
            expect(first).to_have_class(re.compile(r"\bbreaking\b"))
            expect(first.locator(".breaking-mark")).to_have_text("Breaking")
            shown = first.locator("time").inner_text()
            assert shown in {before.strftime("%H:%M"), after.strftime("%H:%M")}, shown
            assert open_one.evaluate(MARKER) == "still the same page", "the page was loaded again"
        breaking = page.locator("[data-live-river] .river-items > li").first.get_attribute("data-story")

        # A page imported with one "Read next" brief from a minute ago, today.
        at = local_now() - timedelta(minutes=1)
        imported = import_page(server, tmp_path, "kayak.txt", (
            "Ferry crew rescue a kayaker off the breakwater\n"
            "The crew of the morning ferry pulled a kayaker from the water near the breakwater.\n"
            f"Read next\n{at:%H:%M}\nThe harbour office extends its opening hours for the summer.\n"
        ), "--date", at.date().isoformat())
        brief = next(story for story in imported if story["kind"] == "brief")
        for open_one in (page, home):
            item = river_item(open_one, brief["id"])
            expect(item).to_contain_text("The harbour office extends its opening hours", timeout=LIVE)
            expect(item.locator("time")).to_have_text(f"{at:%H:%M}")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("[data-live-river]").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "live-river.png"))

        # Withdrawn in the newsroom: gone from the open pages.
        withdraw(server, brief["id"])
        for open_one in (page, home):
            expect(river_item(open_one, brief["id"])).to_have_count(0, timeout=LIVE)
            expect(river_item(open_one, breaking)).to_contain_text(text)
            assert open_one.evaluate(MARKER) == "still the same page", "the page was loaded again"
    finally:
        reader.close()
        editor.close()
