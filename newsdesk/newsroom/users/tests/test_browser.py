"""The newsroom's users pages in Chromium, at desktop and phone width: no axe-core violations,
nothing scrolls sideways, an invitation made with the form shows its link; valid HTML."""

import pytest

from newsdesk.conftest import make_member
from newsdesk.testing import DESKTOP, PHONE, SCREENSHOTS, axe_violations, nu_errors, signed_in_context

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


def test_the_users_pages_are_valid_html(client, db):
    admin = make_member("ada", "Admin")
    remy = make_member("remy", "Reporter")
    client.force_login(admin)
    invited = client.post("/newsroom/users/invite/", {"username": "nils", "email": "nils@newsroom.example",
                                                       "roles": ["Editor"]}).content.decode()
    pages = {
        "list": client.get("/newsroom/users/").content.decode(),
        "user": client.get(f"/newsroom/users/{remy.pk}/").content.decode(),
        "invite": client.get("/newsroom/users/invite/").content.decode(),
        "invite-errors": client.post("/newsroom/users/invite/", {"username": "a b"}).content.decode(),
        "invited": invited,
        "roles-error": client.post(f"/newsroom/users/{admin.pk}/roles/", {"roles": ["Editor"]}).content.decode(),
    }
    assert nu_errors(pages) == []
