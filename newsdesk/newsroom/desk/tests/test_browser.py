"""From the newsroom home to a brief in a reader's river, in Debian's headless Chromium.

A screenshot of the newsroom home goes to var/screenshots/newsroom-home.png.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.conftest import make_article
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Story
from newsdesk.testing import DESKTOP, SCREENSHOTS, signed_in_context

from .conftest import write_story

pytestmark = pytest.mark.browser

BRIEF = "Polls close early in the north after a storm warning."
SECOND_BRIEF = "The count starts at nine."


def test_an_editor_publishes_a_brief_in_three_actions_and_a_reader_sees_it(browser, transactional_db, live_server):
    from playwright.sync_api import expect

    editor = get_user_model().objects.create_superuser("edna", "edna@newsroom.example", "pw")
    article = make_article(headline="Harbour ferry returns after winter repairs")
    Person.objects.create(name="Kari Nordmann")
    Topic.objects.create(name="Elections")
    write_story(editor, headline="Council budget: what changes for schools")
    write_story(editor, headline="Ferry timetable explained", status=Story.Status.SCHEDULED,
                published_at=timezone.now() + timedelta(hours=3))

    reader = browser.new_page()
    try:
        reader.goto(live_server.url + article.get_absolute_url())
        river = reader.locator(".river")
        expect(river).not_to_contain_text(BRIEF)

        context = signed_in_context(browser, live_server, editor, viewport=DESKTOP)
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
        context.close()
    finally:
        reader.context.close()

    assert Story.objects.briefs().published().count() == 2
