"""The preview in Chromium: what it shows of a scheduled story is what readers see once it is out."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.conftest import make_brief
from newsdesk.newsroom.roles import sync_roles
from newsdesk.people.models import Person, Topic
from newsdesk.stories import services
from newsdesk.stories.models import Story
from newsdesk.testing import signed_in_context

from .conftest import make_member, write_story

pytestmark = pytest.mark.browser


def test_a_scheduled_storys_preview_is_the_page_readers_get_when_it_goes_out(browser, live_server, transactional_db):
    from playwright.sync_api import expect

    sync_roles()
    editor = make_member("edna", "Editor")
    make_brief("The council approved the new ferry budget.")
    story = write_story(editor, headline="Harbour festival returns in June",
                        body="<p>The harbour festival is back after five years.</p>")
    services.save(story, by=editor, base_revision=story.revision,
                  people=[Person.named("Nora Lind")], topics=[Topic.named("Festivals")])
    context = signed_in_context(browser, live_server, editor)
    page = context.new_page()

    # A draft: no time yet, and said so.
    response = page.goto(live_server.url + f"/newsroom/stories/{story.pk}/preview/")
    assert {"private", "no-store"} <= {d.strip() for d in response.headers["cache-control"].split(",")}
    assert response.headers["x-robots-tag"] == "noindex"
    expect(page.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
    banner = page.get_by_role("status").filter(has_text="Preview")
    expect(banner).to_have_text("Preview — not published yet. Comments will be open.")
    expect(page.locator(".story-meta")).to_contain_text("Not yet published")

    # Scheduled: the time it goes out, the comments open as they will be, the river, people and topics.
    at = timezone.now() + timedelta(seconds=4)
    services.publish(story, by=editor, at=at)
    page.reload()
    label = page.locator(".story-meta time").inner_text()
    assert label == timezone.localtime(at).strftime("%H:%M")
    expect(banner).to_contain_text(f"Preview — not published yet: it goes out at {label}.")
    expect(page.get_by_role("heading", name="Read next")).to_be_visible()
    expect(page.get_by_role("link", name="The council approved the new ferry budget.")).to_be_visible()
    expect(page.get_by_role("list", name="Tags").get_by_role("link")).to_have_text(["Nora Lind", "Festivals"])
    expect(page.get_by_text("Comments are closed")).to_have_count(0)
    expect(page.get_by_label("Your comment")).to_be_disabled()  # a preview takes no comments
    previewed = page.locator("article.story").inner_text()
    context.close()

    # Its time comes: readers get the very story the preview showed, with a form they can use.
    time.sleep(max(0.0, (at - timezone.now()).total_seconds()) + 0.5)
    services.publish_due()
    live = browser.new_context().new_page()
    assert live.goto(live_server.url + story.get_absolute_url()).status == 200
    assert live.locator("article.story").inner_text() == previewed
    expect(live.get_by_label("Your comment")).to_be_enabled()
    live.context.close()
