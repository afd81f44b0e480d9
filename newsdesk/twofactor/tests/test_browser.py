"""Setting up two-step sign-in and signing in with it, in Debian's headless Chromium. A screenshot of the set-up page goes to var/screenshots/two-step-setup.png."""

import re
import time

import pyotp
import pytest

from newsdesk.conftest import PASSWORD, make_member
from newsdesk.testing import DESKTOP, SCREENSHOTS, axe_violations

pytestmark = pytest.mark.browser


def test_an_editor_scans_the_code_confirms_it_and_signs_in_with_a_code(browser, transactional_db, live_server):
    from playwright.sync_api import expect

    make_member("ed", "Editor")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/account/login/")
        page.get_by_label("Email address").fill("ed")
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        page.goto(live_server.url + "/newsroom/")
        with page.expect_navigation():
            page.get_by_role("link", name="Sign-in security").click()
        with page.expect_navigation():
            page.get_by_role("link", name="Set up two-step sign-in").click()

        qr = page.get_by_role("img", name="QR code for your authenticator app")
        expect(qr).to_be_visible()
        box = qr.locator("svg").bounding_box()
        assert box["width"] >= 150 and abs(box["width"] - box["height"]) < 2  # square, big enough to scan
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "two-step-setup.png"), full_page=True)
        assert axe_violations(page) == []

        secret = page.locator(".security-secret").inner_text().replace(" ", "")
        totp = pyotp.TOTP(secret)
        page.get_by_label("Code from the app").fill(totp.at(time.time() - 30))
        with page.expect_navigation():
            page.get_by_role("button", name="Turn two-step sign-in on").click()
        expect(page.locator(".security-codes li")).to_have_count(10)
        expect(page.get_by_text("Two-step sign-in is on.")).to_be_visible()

        # Signed out, the password alone is not enough any more.
        with page.expect_navigation():
            page.get_by_role("button", name="Sign out").click()
        page.goto(live_server.url + "/account/login/?next=/newsroom/")
        page.get_by_label("Email address").fill("ed")
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        assert page.url.endswith("/newsroom/security/code/")
        page.get_by_label("Code").fill(totp.now())
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        assert re.search(r"/newsroom/$", page.url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    finally:
        context.close()
