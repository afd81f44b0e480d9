"""The editor's script in headless Chromium: autosave, its conflict stop, and the keys.

Outside CI a missing Chromium skips these tests with the reason; with CI=true it fails them.
"""

import re

import pytest
from django.urls import reverse

from newsdesk.newsroom.roles import sync_roles
from newsdesk.stories import services
from newsdesk.stories.models import Story
from newsdesk.testing import DESKTOP, signed_in_context

from .conftest import make_member, write_story

pytestmark = pytest.mark.browser


@pytest.fixture
def reporter(transactional_db, live_server):
    sync_roles()  # the flush after a live-server test empties the groups the migration made
    return make_member("remy", "Reporter")


def editing(browser, live_server, user, story):
    page = signed_in_context(browser, live_server, user, viewport=DESKTOP).new_page()
    page.goto(live_server.url + reverse("newsroom:edit-story", args=[story.pk]))
    return page


def test_autosave_on_leaving_a_field_then_ctrl_s_saves_without_a_conflict(browser, live_server, reporter):
    from playwright.sync_api import expect

    story = write_story(reporter)
    page = editing(browser, live_server, reporter, story)

    page.get_by_label("Body").fill("The ferry is back, a day late.")  # the rich-text editor
    page.get_by_label("Headline").focus()

    expect(page.locator("[data-autosave-status]")).to_have_text(re.compile(r"^Saved \d\d:\d\d$"))
    assert page.locator("[data-base-revision]").input_value() == "2"
    assert Story.objects.get(pk=story.pk).body == "<p>The ferry is back, a day late.</p>"

    page.get_by_label("Headline").fill("Ferry back a day late")
    page.keyboard.press("Control+s")

    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    saved = Story.objects.get(pk=story.pk)
    assert (saved.headline, saved.revision) == ("Ferry back a day late", 3)


def test_autosave_stops_at_a_conflict_and_says_so(browser, live_server, reporter):
    from playwright.sync_api import expect

    story = write_story(reporter)
    page = editing(browser, live_server, reporter, story)
    editor = make_member("edna", "Editor")
    services.save(Story.objects.get(pk=story.pk), by=editor, base_revision=1)

    page.get_by_label("Body").fill("My words.")
    page.get_by_label("Headline").focus()

    expect(page.locator("[data-autosave-status]")).to_contain_text("edna saved this story while you were editing it")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Autosave is off")
    assert page.locator("textarea[name=body]").input_value() == "<p>My words.</p>"


def test_ctrl_enter_previews_the_unsaved_text_in_another_tab(browser, live_server, reporter):
    story = write_story(reporter)
    page = editing(browser, live_server, reporter, story)
    page.get_by_label("Headline").fill("Not saved yet")

    with page.context.expect_page() as opened:
        page.keyboard.press("Control+Enter")
    preview = opened.value
    preview.wait_for_load_state()

    assert preview.get_by_role("heading", level=1).inner_text() == "Not saved yet"
    assert preview.get_by_text("Preview — not published").is_visible()
