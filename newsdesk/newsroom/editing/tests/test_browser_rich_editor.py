"""The rich-text editor in headless Chromium: an editor writes a story with a heading, a list,
a link, a pull quote and a picture in the body, saves, reopens it and finds it the same;
published, the reader's page shows the picture with its renditions. Without JavaScript the
body is a plain text field that still saves.

Outside CI a missing Chromium skips these tests with the reason; with CI=true it fails them.
"""

import pytest
from django.urls import reverse

from newsdesk.newsroom.roles import sync_roles
from newsdesk.pictures.tests.conftest import jpeg, store
from newsdesk.stories.models import Story
from newsdesk.testing import DESKTOP, PHONE, SCREENSHOTS, axe_violations, signed_in_context

from .conftest import make_member, write_story

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(transactional_db, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ORIGINALS_ROOT = tmp_path / "originals"
    sync_roles()  # the flush after a live-server test empties the groups the migration made
    return make_member("edna", "Editor")


def opened(browser, live_server, user, story, **context):
    page = signed_in_context(browser, live_server, user, **{"viewport": DESKTOP, **context}).new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(live_server.url + reverse("newsroom:edit-story", args=[story.pk]))
    return page, refused


def what_the_editor_writes(page):
    """The body as the editor serialises what it shows: a change and its undo make it write it."""
    page.locator(".ProseMirror").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("x")
    page.keyboard.press("Backspace")
    return page.locator("textarea[name=body]").input_value()


def test_a_story_with_a_heading_list_link_pull_quote_and_picture_round_trips_and_publishes(browser, live_server, editor):
    from playwright.sync_api import expect

    harbour = store(jpeg(size=(1600, 1000)), alt="The harbour at dawn", caption="Boats waiting.", credit="Ann Lee/Coast News")
    lead = store(jpeg(size=(1400, 900)), alt="The ferry at the quay", credit="Bo Berg")
    story = write_story(editor, headline="Ferry timetable changes", body="<p>The ferry runs again.</p>")
    page, refused = opened(browser, live_server, editor, story)
    body = page.locator(".ProseMirror")
    expect(body).to_be_visible()
    assert page.locator("textarea[name=body]").is_hidden()

    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Heading", exact=True).click()
    page.keyboard.type("The new timetable")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="List", exact=True).click()
    page.keyboard.type("Every hour on weekdays")
    page.keyboard.press("Enter")
    page.keyboard.type("Every two hours on Sundays")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty item ends the list
    page.keyboard.type("Ask the operator")
    for _ in range(len("the operator")):
        page.keyboard.press("Shift+ArrowLeft")
    page.get_by_role("button", name="Link", exact=True).click()
    page.get_by_label("Address", exact=True).fill("javascript:alert(1)")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert").filter(has_text="Give a full web address")).to_be_visible()
    page.get_by_label("Address", exact=True).fill("https://ferries.example/timetable")
    page.get_by_role("button", name="Apply").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Pull quote").click()
    page.keyboard.type("We will run every hour.")

    page.get_by_role("button", name="Picture", exact=True).click()
    page.get_by_label("Search the picture library").fill("harbour")
    page.get_by_role("button", name="The harbour at dawn").click()
    expect(page.get_by_label("Caption")).to_have_value("Boats waiting.")
    page.get_by_label("Caption").fill("Boats waiting for the first crossing.")
    page.get_by_role("button", name="Insert picture").click()
    expect(body.locator("figure img")).to_be_visible()

    page.get_by_role("button", name="Choose a lead picture").click()
    page.get_by_label("Search the picture library").fill("quay")
    page.get_by_role("button", name="The ferry at the quay").click()
    expect(page.locator("[data-lead-preview]")).to_contain_text("The ferry at the quay · Bo Berg")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()

    saved = Story.objects.get(pk=story.pk)
    assert saved.lead_picture_id == lead.pk
    assert saved.body == (
        "<p>The ferry runs again.</p><h2>The new timetable</h2>"
        "<ul><li><p>Every hour on weekdays</p></li><li><p>Every two hours on Sundays</p></li></ul>"
        '<p>Ask <a href="https://ferries.example/timetable">the operator</a></p>'
        '<blockquote class="pull-quote"><p>We will run every hour.</p></blockquote>'
        f'<figure data-picture="{harbour.pk}"><img src="{harbour.src(640)}" alt="The harbour at dawn">'
        "<figcaption>Boats waiting for the first crossing.<small>Ann Lee/Coast News</small></figcaption></figure>"
        "<p></p>"
    )
    # Reopened, the editor shows what was saved: serialised again, it is the same, byte for byte.
    page.goto(live_server.url + reverse("newsroom:edit-story", args=[story.pk]))
    expect(page.locator(".ProseMirror h2")).to_have_text("The new timetable")
    assert what_the_editor_writes(page) == saved.body
    assert not refused, refused

    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_text("Published.", exact=True)).to_be_visible()

    reader = browser.new_page(viewport=DESKTOP)
    reader.goto(live_server.url + Story.objects.get(pk=story.pk).get_absolute_url())
    picture = reader.locator(".body figure.picture-body img")
    expect(picture).to_have_attribute("alt", "The harbour at dawn")
    assert len(picture.get_attribute("srcset").split(",")) >= 2
    picture.scroll_into_view_if_needed()
    picture.evaluate("img => img.decode()")  # its file is served: the picture is seen
    expect(reader.locator(".body figure.picture-body figcaption")).to_have_text(
        "Boats waiting for the first crossing. · Ann Lee/Coast News")
    expect(reader.locator(".body blockquote.pull-quote")).to_have_text("We will run every hour.")
    expect(reader.get_by_role("link", name="the operator")).to_have_attribute("rel", "noopener")
    expect(reader.locator("figure.picture-article img").first).to_have_attribute("alt", "The ferry at the quay")
    reader.close()


def test_the_editor_page_passes_axe_and_is_shot_at_desktop_and_phone(browser, live_server, editor):
    picture = store(jpeg(size=(1600, 1000)), alt="The harbour at dawn", caption="Boats waiting.", credit="Ann Lee")
    story = write_story(editor, headline="Ferry timetable changes", body=(
        "<p>The ferry runs again from Monday, the operator said.</p><h2>The new timetable</h2>"
        "<ul><li><p>Every hour on weekdays</p></li><li><p>Every two hours on Sundays</p></li></ul>"
        '<blockquote class="pull-quote"><p>We will run every hour.</p></blockquote>'
        f'<figure data-picture="{picture.pk}"><img src="{picture.src(640)}" alt="The harbour at dawn">'
        "<figcaption>Boats waiting.<small>Ann Lee</small></figcaption></figure>"
        '<figure data-embed="youtube"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure>"))
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page, refused = opened(browser, live_server, editor, story, viewport=viewport)
        page.locator(".ProseMirror figure img").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
        assert not axe_violations(page), (name, axe_violations(page))
        assert not refused, refused
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.get_by_label("Standfirst").scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, document.querySelector('.field-standfirst').getBoundingClientRect().top - 8)")
        page.screenshot(path=SCREENSHOTS / f"editor-{name}.png")
        page.context.close()


def test_without_javascript_the_body_is_a_text_field_that_saves(browser, live_server, editor):
    from playwright.sync_api import expect

    story = write_story(editor)
    page, _ = opened(browser, live_server, editor, story, java_script_enabled=False)
    assert page.locator(".ProseMirror").count() == 0

    page.get_by_label("Body").fill("<h2>Update</h2><p>Typed as <em>HTML</em>.</p>")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert Story.objects.get(pk=story.pk).body == "<h2>Update</h2><p>Typed as <em>HTML</em>.</p>"

