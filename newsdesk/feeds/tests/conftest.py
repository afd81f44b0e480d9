"""A small newsroom's output: a section, a person, a topic, an article with a lead picture and
two authors, an older article and a brief; and the feeds read as feed readers read them."""

import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from newsdesk.conftest import make_article, make_brief
from newsdesk.people.models import Person, Topic
from newsdesk.pictures.services import store_upload
from newsdesk.stories.models import Section

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ORIGINALS_ROOT = tmp_path / "originals"
    return settings.MEDIA_ROOT


def photo():
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), (30, 90, 160)).save(out, "JPEG")
    return store_upload(SimpleUploadedFile("ferry.jpg", out.getvalue(), content_type="image/jpeg"),
                        alt="The ferry at the quay")


@pytest.fixture
def newsroom(db):
    harbour = Section.objects.create(name="Harbour")
    nora, ferries = Person.objects.create(name="Nora Lind"), Topic.objects.create(name="Ferries")
    now = timezone.now()
    lead = make_article(
        headline="Harbour ferry returns after winter repairs", standfirst="The old ferry is back on its route.",
        body="<p>The ferry is back.</p><p>Its crew is <em>glad</em>.</p>", byline="Maren Holt and Jonas Ekdahl",
        section=harbour, people=[nora], topics=[ferries], lead_picture=photo(),
        published_at=now - timedelta(hours=2), updated_at=now - timedelta(minutes=30))
    older = make_article(headline="Quay works begin", body="<p>Work on the quay begins on Monday. More soon.</p>",
                         published_at=now - timedelta(days=1))
    brief = make_brief("The council approved the new budget.", people=[nora], published_at=now - timedelta(hours=1))
    return {"lead": lead, "older": older, "brief": brief, "section": harbour, "person": nora, "topic": ferries}


def parsed(response):
    """The feed as feedparser reads it, which must find nothing wrong with it."""
    assert response.status_code == 200, response.status_code
    feed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
    assert not feed.bozo, f"{response.wsgi_request.path}: {feed.get('bozo_exception')!r}"
    return feed


def xml_of(response):
    return ET.fromstring(response.content)
