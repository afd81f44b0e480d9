"""Reading a page's card as a search engine or a social app reads it, and pictures to show."""

import io
from collections import defaultdict
from dataclasses import dataclass

import extruct
import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsdesk.pictures import services as pictures


@dataclass
class PageCard:
    json_ld: list  # every JSON-LD object of the page
    og: dict  # Open Graph property -> [values], in page order
    meta: dict  # <meta name=...> -> content (twitter:*, description)
    canonical: list  # every <link rel="canonical"> href

    def one(self, kind):
        """The page's only JSON-LD object of this @type."""
        found = [item for item in self.json_ld if item.get("@type") == kind]
        assert len(found) == 1, f"{len(found)} {kind} objects in {self.json_ld}"
        return found[0]

    def og1(self, name):
        values = self.og.get(name, [])
        assert len(values) == 1, f"{name}: {values}"
        return values[0]


def card_of(response):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    extracted = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld", "opengraph"], uniform=False)
    og = defaultdict(list)
    for item in extracted["opengraph"]:
        for name, value in item["properties"]:
            og[name].append(value)
    tree = lxml.html.fromstring(html)
    meta = {el.get("name"): el.get("content") for el in tree.xpath("//head/meta[@name]")}
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    return PageCard(json_ld=extracted["json-ld"], og=dict(og), meta=meta, canonical=canonical)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ORIGINALS_ROOT = tmp_path / "originals"
    return settings.MEDIA_ROOT


def make_picture(alt="The ferry at the quay in the morning fog", size=(2000, 1200)):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(out, "JPEG")
    upload = SimpleUploadedFile("ferry.jpg", out.getvalue(), content_type="image/jpeg")
    return pictures.store_upload(upload, alt=alt)
