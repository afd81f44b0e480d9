"""Bylines and people in headless Chromium: an editor picks two authors in order and
unlinks a person the text names (it sticks); a reader follows the byline to the author's
page, on a desktop and a phone.

Outside CI a missing Chromium skips these tests with the reason; with CI=true it fails them.
"""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from newsdesk.conftest import make_member
from newsdesk.newsroom.roles import sync_roles
from newsdesk.people.models import Person
from newsdesk.pictures import services as pictures
from newsdesk.stories import services
from newsdesk.stories.models import Story
from newsdesk.testing import DESKTOP, PHONE, SCREENSHOTS, axe_violations, signed_in_context

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(transactional_db, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ORIGINALS_ROOT = tmp_path / "originals"
    sync_roles()  # the flush after a live-server test empties the groups the migration made
    return make_member("edna", "Editor")


def portrait():
    out = io.BytesIO()
    image = Image.new("RGB", (600, 600), (70, 110, 150))
    ImageDraw.Draw(image).ellipse((170, 90, 430, 350), fill=(235, 200, 170))
    ImageDraw.Draw(image).rectangle((110, 380, 490, 600), fill=(40, 60, 90))
    image.save(out, "JPEG")
    return pictures.store_upload(SimpleUploadedFile("nora.jpg", out.getvalue(), content_type="image/jpeg"),
                                 alt="Nora Lind at the harbour")


@pytest.fixture
def authors(editor):
    nora = Person.objects.create(name="Nora Lind", is_author=True, role="Harbour reporter", photo=portrait(),
                                 bio="Nora has covered the island ferries and the harbour since 2015.")
    per = Person.objects.create(name="Per Berg", is_author=True, role="Transport editor")
    Person.named("Vladimir Putin")
    return nora, per


def people_of(story):
    return sorted(Story.objects.get(pk=story.pk).people.values_list("name", flat=True))


def test_an_editor_picks_authors_in_order_and_an_unlinked_person_stays_unlinked(browser, live_server, editor, authors):
    from playwright.sync_api import expect

    nora, per = authors
    page = signed_in_context(browser, live_server, editor, viewport=DESKTOP).new_page()
    page.goto(live_server.url + reverse("newsroom:new-story"))
    page.get_by_label("Headline").fill("Ferry talks reach the Kremlin")
    page.get_by_label("Body").fill("<p>Vladimir Putin was asked about the island ferry.</p>")
    page.get_by_label("Author 1").select_option(label="Per Berg · Transport editor")
    page.get_by_label("Author 2").select_option(label="Nora Lind · Harbour reporter")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Saved as a draft.")).to_be_visible()
    story = Story.objects.get()
    assert story.authors_in_order() == [per, nora] and people_of(story) == ["Vladimir Putin"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".field-authors").screenshot(path=SCREENSHOTS / "editor-authors.png")

    # Linked because the text names him: the editor unlinks him, and saves twice.
    page.get_by_role("button", name="Unlink Vladimir Putin").click()
    expect(page.get_by_text("Vladimir Putin will be unlinked when you save.")).to_be_visible()
    assert "Vladimir Putin" not in page.get_by_role("textbox", name="People").input_value()
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert people_of(story) == []
    page.get_by_label("Standfirst").fill("The island route is on the agenda.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert people_of(story) == [] and Story.objects.get().standfirst == "The island route is on the agenda."
    expect(page.get_by_role("button", name="Add person Vladimir Putin")).to_be_visible()
    assert Story.objects.get().authors_in_order() == [per, nora]  # kept through the saves


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_reader_follows_the_byline_to_the_author_page(browser, live_server, editor, authors, viewport):
    from playwright.sync_api import expect

    nora, per = authors
    story = services.save(Story(headline="Ferry back on its route after the winter",
                                body="<p>The island ferry is back on its route.</p>", byline="Ann Guest"),
                          by=editor, authors=[nora, per])
    services.publish(story, by=editor, at=timezone.now() - timedelta(minutes=1))
    name = "desktop" if viewport is DESKTOP else "phone"
    page = browser.new_context(viewport=viewport).new_page()

    page.goto(live_server.url + story.get_absolute_url())
    byline = page.locator(".byline")
    expect(byline).to_have_text("By Nora Lind, Per Berg and Ann Guest")
    byline.get_by_role("link", name="Nora Lind").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nora Lind")
    expect(page.locator(".person-role")).to_have_text("Harbour reporter")
    expect(page.get_by_role("img", name="Nora Lind at the harbour")).to_be_visible()
    expect(page.get_by_role("link", name="Ferry back on its route after the winter")).to_be_visible()
    expect(page.get_by_role("link", name="Follow Nora Lind’s stories by feed (RSS)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"author-page-{name}.png", full_page=True)
