"""The newsroom's users pages in Chromium, at desktop and phone width: no axe-core violations,
nothing scrolls sideways, and an invitation made with the form shows its link."""

import pytest

from newsdesk.conftest import make_member
from newsdesk.testing import DESKTOP, PHONE, SCREENSHOTS, axe_violations, signed_in_context

pytestmark = pytest.mark.browser


def sideways(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_users_pages_are_accessible_and_fit(browser, live_server, transactional_db, viewport):
    admin = make_member("ada", "Admin")
    remy = make_member("remy", "Reporter")
    make_member("a.very.long.username.for.a.phone@newsroom.example", "Editor")
    context = signed_in_context(browser, live_server, admin, viewport=viewport)
    try:
        page = context.new_page()
        for path in ["/newsroom/users/", "/newsroom/users/invite/", f"/newsroom/users/{remy.pk}/"]:
            page.goto(live_server.url + path)
            assert axe_violations(page) == [], path
            assert sideways(page) <= 0, f"{path} scrolls sideways at {viewport['width']} px"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"users-{path.strip('/').replace('/', '-')}-{viewport['width']}.png"),
                            full_page=True)
        page.goto(live_server.url + "/newsroom/users/invite/")
        page.get_by_role("button", name="Invite").click()  # nothing filled in: the errors shown
        assert axe_violations(page) == []
        page.get_by_label("Username").fill("nils")
        page.get_by_role("textbox", name="Email").fill("nils@newsroom.example")
        page.get_by_label("Reporter").check()
        page.get_by_role("button", name="Invite").click()
        assert page.get_by_label("Link to choose a password").input_value().startswith(live_server.url)
        assert axe_violations(page) == [] and sideways(page) <= 0
    finally:
        context.close()
