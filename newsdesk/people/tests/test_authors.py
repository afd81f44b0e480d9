"""Authors are people with pages: a story's byline links them in order, their page shows
their photo, role, bio and stories with a feed, and search engines read them as Persons."""

import io
import json
from datetime import timedelta

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from newsdesk.conftest import make_article, make_member
from newsdesk.people.models import Person
from newsdesk.pictures import services as pictures
from newsdesk.stories import services
from newsdesk.stories.models import Revision, Story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ORIGINALS_ROOT = tmp_path / "originals"


def photo():
    out = io.BytesIO()
    Image.new("RGB", (600, 600), (120, 90, 60)).save(out, "JPEG")
    return pictures.store_upload(SimpleUploadedFile("nora.jpg", out.getvalue(), content_type="image/jpeg"),
                                 alt="Nora Lind, smiling")


@pytest.fixture
def nora(db):
    return Person.objects.create(name="Nora Lind", is_author=True, role="Harbour reporter",
                                 bio="Nora has covered the island ferries since 2015.")


@pytest.fixture
def per(db):
    return Person.objects.create(name="Per Berg", is_author=True)


@pytest.fixture
def editor(db):
    return make_member("edna", "Editor")


def written(editor, *authors, byline="", **fields):
    story = services.save(Story(headline="Ferry back on its route", body="<p>The ferry is back.</p>", byline=byline,
                                **fields), by=editor, authors=list(authors))
    return services.publish(story, by=editor, at=timezone.now() - timedelta(minutes=1))


def byline_of(html):
    return " ".join(lxml.html.fromstring(html).xpath("string(//span[@class='byline'])").split())


def test_the_byline_links_each_author_in_order_then_the_guests(client, editor, nora, per):
    story = written(editor, per, nora, byline="By Ann Guest")

    html = client.get(story.get_absolute_url()).content.decode()

    assert byline_of(html) == "By Per Berg, Nora Lind and Ann Guest"
    links = lxml.html.fromstring(html).xpath("//span[@class='byline']/a")
    assert [(a.text, a.get("href"), a.get("rel")) for a in links] == [
        ("Per Berg", "/people/per-berg/", "author"), ("Nora Lind", "/people/nora-lind/", "author")]


def test_two_authors_read_as_a_and_b(client, editor, nora, per):
    assert byline_of(client.get(written(editor, nora, per).get_absolute_url()).content.decode()) == \
        "By Nora Lind and Per Berg"


def test_the_authors_are_persons_with_their_pages_in_the_json_ld(client, editor, nora):
    story = written(editor, nora, byline="Ann Guest", source="Tass")

    html = client.get(story.get_absolute_url()).content.decode()

    tree = lxml.html.fromstring(html)
    data = [json.loads(s.text) for s in tree.xpath("//script[@type='application/ld+json']")]
    article = next(d for d in data if d.get("@type") == "NewsArticle")
    assert article["author"] == [
        {"@type": "Person", "name": "Nora Lind", "url": "http://testserver/people/nora-lind/"},
        {"@type": "Person", "name": "Ann Guest"},
        {"@type": "Organization", "name": "Tass"},
    ]


def test_an_author_page_shows_photo_role_bio_their_stories_and_feed(client, editor, nora):
    nora.photo = photo()
    nora.save()
    theirs = written(editor, nora)
    about = make_article(headline="Reporter wins award", people=[nora])
    other = make_article(headline="Someone else's story")

    page = client.get(nora.get_absolute_url())

    html = page.content.decode()
    tree = lxml.html.fromstring(html)
    assert tree.xpath("string(//h1)") == "Nora Lind"
    assert tree.xpath("string(//p[@class='person-role'])") == "Harbour reporter"
    assert "covered the island ferries" in tree.xpath("string(//div[@class='person-bio'])")
    assert tree.xpath("//div[@class='person-photo']//img/@alt") == ["Nora Lind, smiling"]
    assert theirs.get_absolute_url() in html and about.get_absolute_url() in html
    assert other.get_absolute_url() not in html
    feed = tree.xpath("//p[@class='person-feed']/a/@href")
    assert feed == ["/people/nora-lind/feed/"]

    rss = client.get(feed[0]).content.decode()
    assert "Ferry back on its route" in rss and "Reporter wins award" in rss and "Someone else" not in rss
    assert "<dc:creator>Nora Lind</dc:creator>" in rss  # the story she wrote names her as its author


def test_a_revision_records_the_authors_and_a_restore_brings_them_back(editor, nora, per):
    story = services.save(Story(headline="Ferry", body="<p>Back.</p>"), by=editor, authors=[nora, per])
    services.save(story, by=editor, authors=[per])

    assert [r.data["authors"] for r in Revision.objects.filter(story=story)] == [["Per Berg"], ["Nora Lind", "Per Berg"]]
    services.restore(story, Revision.objects.get(story=story, number=1), by=editor)
    assert story.authors_in_order() == [nora, per]


def test_a_change_to_a_story_purges_its_authors_pages(editor, nora):
    story = written(editor, nora)

    assert f"person:{nora.pk}" in services.public_keys(story.pk)


def test_the_revision_diff_shows_a_change_of_authors(editor, nora, per):
    from newsdesk.newsroom.desk.revisions import changes

    story = services.save(Story(headline="Ferry", body="<p>Back.</p>"), by=editor, authors=[nora])
    services.save(story, by=editor, authors=[nora, per])

    new, old = Revision.objects.filter(story=story)
    assert [(label, str(diff)) for label, diff in changes(old.data, new.data)] == [
        ("Authors", "Nora Lind\n<ins>Per Berg</ins>")]


def test_the_api_lists_the_authors_in_order(editor, nora, per):
    from django.test import RequestFactory

    from newsdesk.api.present import stories_data

    story = written(editor, per, nora)

    [data] = stories_data(RequestFactory().get("/"), [Story.objects.get(pk=story.pk)])
    assert [a["name"] for a in data["authors"]] == ["Per Berg", "Nora Lind"]


def test_a_preview_shows_the_authors_being_chosen(client, editor, nora, per):
    from django.urls import reverse

    from newsdesk.newsroom.editing.tests.conftest import editor_data

    story = services.save(Story(headline="Ferry", body="<p>Back.</p>"), by=editor, authors=[nora])
    client.force_login(editor)

    page = client.post(reverse("newsroom:preview", args=[story.pk]), editor_data(story, authors=[per.pk, nora.pk]))

    assert byline_of(page.content.decode()) == "By Per Berg and Nora Lind"
    assert story.authors_in_order() == [nora]  # a preview saves nothing
