"""The three feed formats, as Django's feed generators: RSS 2.0 and Atom 1.0 (Django's own,
with the full story, every author and the updated time added) and JSON Feed 1.1.

Every item carries, beside Django's fields: `content_html` (the sanitised body), `authors`
(names), `summary_text` (the description as plain text) and `language` (empty for the
site's own)."""

import json
import re

from django.utils import feedgenerator
from django.utils.feedgenerator import rfc3339_date

# Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF):
# Django's XML writer refuses them, so a headline pasted with one would break the whole feed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"


def xml_text(value):
    """`value` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def _xml_safe(fields):
    clean = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = xml_text(value)
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            value = [xml_text(v) for v in value]
        clean[name] = value
    return clean


class _XmlSafe:
    def write(self, outfile, encoding):
        self.feed = _xml_safe(self.feed)
        self.items = [_xml_safe(item) for item in self.items]
        super().write(outfile, encoding)


class Rss(_XmlSafe, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the body as content:encoded, each author as dc:creator (RSS's own
    <author> wants an email address) and the updated time as atom:updated."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC, "xmlns:content": CONTENT}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        if item["content_html"]:
            handler.addQuickElement("content:encoded", item["content_html"])


class Atom(_XmlSafe, feedgenerator.Atom1Feed):
    """Atom 1.0 with the body as <content type="html"> and every author."""

    def item_attributes(self, item):
        return {"xml:lang": item["language"]} if item["language"] else {}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        if item["content_html"]:
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class JsonFeed(feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    content_type = "application/feed+json; charset=utf-8"
    version = "https://jsonfeed.org/version/1.1"

    def document(self):
        feed = self.feed
        document = {
            "version": self.version,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "authors": [{"name": feed["author_name"]}] if feed["author_name"] else None,
            "items": [self.item(item) for item in self.items],
        }
        return {name: value for name, value in document.items() if value is not None}

    @staticmethod
    def item(item):
        enclosures = list(item["enclosures"])
        fields = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "summary": item["summary_text"] or None,
            "content_html": item["content_html"] or "",
            "date_published": rfc3339_date(item["pubdate"]) if item["pubdate"] else None,
            "date_modified": rfc3339_date(item["updateddate"]) if item["updateddate"] else None,
            "authors": [{"name": name} for name in item["authors"]] or None,
            "tags": list(item["categories"]) or None,
            "language": item["language"] or None,
            "image": enclosures[0].url if enclosures else None,
            "attachments": [
                {"url": e.url, "mime_type": e.mime_type, "size_in_bytes": int(e.length)} for e in enclosures
            ] or None,
        }
        return {name: value for name, value in fields.items() if value is not None}

    def write(self, outfile, encoding):
        # ASCII with \u escapes: valid JSON whatever the text holds (even a lone surrogate).
        outfile.write(json.dumps(self.document(), separators=(",", ":")))


# Which generator answers each URL's format.
FORMATS = {"rss": Rss, "atom": Atom, "json": JsonFeed}
TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
