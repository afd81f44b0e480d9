"""Partners' RSS 2.0 and Atom feeds, the third kind of wire, read by the same reader."""

from datetime import UTC, datetime

import pytest

from newsdesk.imports.formats import Item, Refused, Skipped, read_agency_file
from newsdesk.imports.reader import import_file
from newsdesk.stories.models import Story

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour Press</title><link>https://harbour.example/</link><description>News</description>
<language>en-gb</language>
<item><title>Ferry returns after repairs</title><link>https://harbour.example/ferry</link>
<guid>https://harbour.example/ferry</guid><pubDate>Fri, 01 Mar 2024 10:00:00 +0100</pubDate>
<author>desk@harbour.example (Ida Brenner)</author><category>Transport</category>
<description>The ferry is back.</description>
<content:encoded><![CDATA[<p onclick="steal()">The ferry is <b>back</b>.</p><script>alert(1)</script>]]></content:encoded>
</item>
<item><title>No identity</title><description>Nothing names it.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Quay Wire</title><id>urn:quay</id>
<updated>2024-03-02T08:00:00Z</updated>
<entry><title>Storm closes the coast road</title><id>urn:quay:storm</id>
<updated>2024-03-02T08:00:00+02:00</updated><published>2024-03-02T07:00:00+02:00</published>
<author><name>Erik Dahl</name></author><category term="weather" label="Weather"/>
<content type="html">&lt;p&gt;The road is closed.&lt;/p&gt;</content></entry>
</feed>"""

pytestmark = pytest.mark.django_db


def write(tmp_path, text, name):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_rss_item_is_read_with_its_partner_credit_and_a_clean_body(tmp_path):
    ferry, anonymous = read_agency_file(write(tmp_path, RSS, "feed.xml"))

    assert isinstance(ferry, Item) and ferry.format == "RSS 2.0"
    assert ferry.guid == "feed:https://harbour.example/ferry" and ferry.headline == "Ferry returns after repairs"
    assert (ferry.agency, ferry.language, ferry.topics) == ("Harbour Press", "en-gb", ["Transport"])
    assert ferry.published_at == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert ferry.clean_body() == "<p>The ferry is <b>back</b>.</p>"
    assert "<guid>https://harbour.example/ferry</guid>" in ferry.raw
    assert isinstance(anonymous, Skipped) and "neither an id nor a link" in anonymous.reason


def test_an_atom_entry_is_read(tmp_path):
    [storm] = read_agency_file(write(tmp_path, ATOM, "atom.xml"))

    assert storm.format == "Atom 1.0" and storm.guid == "feed:urn:quay:storm"
    assert (storm.agency, storm.byline, storm.topics) == ("Quay Wire", "Erik Dahl", ["Weather"])
    assert storm.updated_at == datetime(2024, 3, 2, 6, 0, tzinfo=UTC)
    assert storm.version_key == (int(storm.updated_at.timestamp()),)  # a later update is a later version
    assert storm.clean_body() == "<p>The road is closed.</p>"


def test_a_feed_imports_as_stories(tmp_path, client):
    outcomes = import_file(write(tmp_path, RSS, "feed.xml"))

    assert [o.action for o in outcomes] == ["created", "skipped"]
    story = Story.objects.get()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Ferry returns after repairs" in page and "steal()" not in page and "alert(1)" not in page


def test_a_feed_with_a_doctype_is_refused(tmp_path):
    hostile = RSS.replace('<?xml version="1.0" encoding="UTF-8"?>',
                          '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>')

    [refused] = read_agency_file(write(tmp_path, hostile.replace("Harbour Press", "&x;"), "feed.xml"))

    assert isinstance(refused, Refused) and "document type declaration" in refused.rule


def test_xml_that_is_no_wire_format_is_refused_naming_its_root(tmp_path):
    [refused] = read_agency_file(write(tmp_path, "<html><body>Hi</body></html>", "page.xml"))

    assert isinstance(refused, Refused)
    assert refused.rule == "not ninjs, NewsML-G2, RSS or Atom: its root element is <html>"
