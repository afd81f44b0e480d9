"""An editor's whole round in Chromium: write, preview, schedule; the time passes; readers see it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.newsroom.roles import sync_roles
from newsdesk.stories import services
from newsdesk.stories.models import Story
from newsdesk.testing import signed_in_context

from .conftest import make_member

pytestmark = pytest.mark.browser


def test_write_preview_schedule_then_the_story_goes_live(browser, live_server, transactional_db):
    from playwright.sync_api import expect

    sync_roles()
    editor = make_member("edna", "Editor")
    context = signed_in_context(browser, live_server, editor)
    page = context.new_page()

    # Write.
    page.goto(live_server.url + "/newsroom/stories/new/")
    page.get_by_label("Headline").fill("Harbour festival returns in June")
    page.get_by_label("Body").fill("The harbour festival is back after five years.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved as a draft.")).to_be_visible()
    story = Story.objects.get(headline="Harbour festival returns in June")

    # Preview: the reader's page, marked as a preview, in another tab.
    with context.expect_page() as preview_tab:
        page.get_by_role("button", name="Preview").click()
    preview = preview_tab.value
    expect(preview.get_by_text("Preview — not published")).to_be_visible()
    expect(preview.get_by_role("heading", level=1)).to_have_text("Harbour festival returns in June")
    preview.close()

    # Schedule for the next minute (the form takes minutes).
    at = timezone.localtime() + timedelta(minutes=2)
    page.get_by_label("Publish at").fill(at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    story.refresh_from_db()
    assert story.status == Story.Status.SCHEDULED
    reader = browser.new_context().new_page()
    assert reader.goto(live_server.url + story.get_absolute_url()).status == 404

    # The time passes: the scheduler's job runs after it.
    services.publish_due(now=story.published_at + timedelta(seconds=1))
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(seconds=1))

    response = reader.goto(live_server.url + story.get_absolute_url())
    assert response.status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text("Harbour festival returns in June")
    context.close()
