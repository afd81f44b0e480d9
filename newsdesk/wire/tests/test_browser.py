"""The wire desk in Debian's headless Chromium against a real `newsdesk serve`: a file dropped
into a folder channel appears on the open desk without a reload, j opens it in the preview
pane, Take as story makes the draft, and the agency's kill of it shows as an urgent alert on
that story. Screenshots go to var/screenshots/wire-desk.png and wire-kill.png.

Outside CI a missing Chromium skips these tests with the reason; with CI=true it fails them.
"""

import json
import re

import pytest

from newsdesk.live.tests.conftest import backend, server  # noqa: F401  (the fixtures: one `newsdesk serve`)
from newsdesk.testing import DESKTOP, SCREENSHOTS

from .conftest import ninjs

pytestmark = pytest.mark.browser

LIVE = 3000  # ms: the channel looks twice a second; the stream brings the row at once


def test_dropped_copy_appears_live_is_taken_as_a_story_and_its_kill_alerts_the_story(browser, server, tmp_path):
    from playwright.sync_api import expect

    drop = tmp_path / "drop"
    drop.mkdir()
    server.shell("from newsdesk.wire.models import Channel; "
                 f"Channel.objects.create(name='TASS', kind='folder', path={str(drop)!r})")
    context = browser.new_context(viewport=DESKTOP)
    try:
        username, password = server.credentials()
        page = context.new_page()
        page.goto(server.url + "/account/login/?next=/newsroom/wire/")
        page.get_by_label("Email address").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/newsroom/wire/$"))
        expect(page.locator(".wire-empty")).to_contain_text("Nothing on the wire yet")
        page.evaluate("window.__sameDesk = true")

        (drop / "kremlin.json.part").write_text(json.dumps(ninjs(uri="urn:tass:browser")))
        (drop / "kremlin.json.part").rename(drop / "kremlin.json")
        row = page.locator(".wire-row").first
        expect(row).to_contain_text("Kremlin says talks will go on", timeout=LIVE)
        expect(row).to_contain_text("TASS")
        assert page.evaluate("window.__sameDesk") is True, "the desk was loaded again"

        page.keyboard.press("j")
        expect(page.locator("[data-wire-pane] .wire-preview h2")).to_have_text("Kremlin says talks will go on")
        expect(page.locator("[data-wire-pane]")).to_contain_text("Dmitry Peskov said the talks would go on")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "wire-desk.png"))

        page.locator("[data-wire-pane]").get_by_role("button", name="Take as story").click()
        page.wait_for_url(re.compile(r"/newsroom/stories/\d+/$"))
        expect(page.get_by_label("Headline")).to_have_value("Kremlin says talks will go on")
        expect(page.locator(".wire-story-panel")).to_contain_text("Built on")
        story_url = page.url

        (drop / "kill.json").write_text(json.dumps(ninjs(uri="urn:tass:browser", version="2", pubstatus="canceled")))
        page.wait_for_timeout(1500)
        page.goto(story_url)
        alert = page.locator(".wire-story-panel [role=alert]")
        expect(alert).to_contain_text("Canceled by the agency")
        expect(alert.get_by_role("button", name="Withdraw the story")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "wire-kill.png"), full_page=True)
        assert not list(drop.glob("*.json")) and (drop / "done" / "kill.json").exists()
    finally:
        context.close()
