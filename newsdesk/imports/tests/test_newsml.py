"""NewsML-G2 2.x read by the agency-formats reader: IPTC's seven examples, items validated
against the 2.35 schema, envelopes that break it, bodies that cannot be shown, and the import."""

import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from newsdesk.imports.formats import Item, Refused, Skipped, read_agency_file
from newsdesk.imports.formats.newsml import SCHEMAS
from newsdesk.imports.reader import import_file
from newsdesk.stories.models import Story
from newsdesk.testing import need_shared

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "newsml-g2"
EXAMPLES = SHARED / "examples"

pytestmark = pytest.mark.django_db


def example(name):
    path = EXAMPLES / name
    need_shared(path, "the IPTC NewsML-G2 example " + name)
    return path


def variant(tmp_path, name, *changes, filename="item.xml"):
    """An IPTC example with (old, new) text changes, each of which must apply."""
    text = example(name).read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path, text):
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_projects_schemas_are_iptcs_as_published():
    need_shared(SHARED / "specification", "the IPTC NewsML-G2 schemas")
    for name in ("NewsML-G2_2.35-spec-All-Power.xsd", "nitf-3-6.xsd", "xml.xsd"):
        assert (SCHEMAS / name).read_bytes() == (SHARED / "specification" / name).read_bytes()
    assert "CC BY 4.0" in (SCHEMAS / "LICENSE").read_text() or "Attribution 4.0" in (SCHEMAS / "LICENSE").read_text()


@pytest.mark.parametrize(("name", "kind"), [
    ("LISTING_1_A_NewsML-G2_News_Item.xml", Item),
    ("LISTING_2_NewsML-G2_Text_Document.xml", Item),
    ("LISTING_22_Sports_story_in_NewsML-G2NITF.xml", Item),
    ("LISTING_27_Company_Financial_Information.xml", Item),
    ("CR00127_extend_newsmessage_header.xml", Item),
    ("LISTING_3_Photo_in_NewsML-G2.xml", Skipped),
    ("LISTING_6_Simple_NewsML-G2_Package.xml", Skipped),
])
def test_every_iptc_example_is_read(name, kind):
    [item] = read_agency_file(example(name))

    assert isinstance(item, kind)
    if kind is Item:
        assert item.guid.startswith("newsml:") and item.version and item.notes == []
        assert item.format.startswith("NewsML-G2 2.") and item.raw.lstrip().startswith(("<?xml", "<newsItem"))


def test_a_news_item_carries_everything_it_says():
    [item] = read_agency_file(example("LISTING_1_A_NewsML-G2_News_Item.xml"))

    assert item.guid == "newsml:urn:newsml:acmenews.com:20161018:US-FINANCE-FED"
    assert (item.version, item.version_key, item.pub_status) == ("11", (11,), "usable")
    assert item.signals == ["update"]
    assert item.embargoed == datetime(2018, 10, 23, 12, 0, tzinfo=UTC)
    assert item.ed_note.startswith("Note to editors: STRICTLY EMBARGOED.")
    assert item.headline == 'Fed to halt QE to avert "bubble"' and item.slugline == "US-Finance-Fed"
    assert item.subjects == [["medtop:04000000", "economy, business and finance"], ["medtop:20000523", "labour market"]]
    assert item.creators == [{"name": "Meredith Jameson", "role": "", "uri": "http://www.example.com/staff/mjameson"}]
    assert item.dateline == "Berlin"
    assert item.updated_at.isoformat() == "2018-10-21T16:25:32-05:00"  # with the offset sent
    assert item.created_at.isoformat() == "2016-10-18T13:12:21-05:00"
    assert (item.language, item.provider, item.agency) == ("en-GB", "REUTERS", "REUTERS")
    assert item.notes == [] and item.body_html == ""  # its inlineXML holds a comment only


def test_nitf_body_byline_people_and_sources():
    [sport] = read_agency_file(example("LISTING_22_Sports_story_in_NewsML-G2NITF.xml"))
    [fed] = read_agency_file(example("LISTING_2_NewsML-G2_Text_Document.xml"))

    assert sport.clean_body().startswith("<p>(Sports Network) - A pair of teams coming off big weekend sweeps will")
    assert sport.clean_body().count("<p>") == 6
    assert sport.people == ["Doug Davis", "Freddy Garcia"] and "Baseball" in sport.topics
    assert sport.byline == "Sports Network" and sport.standfirst.startswith("A pair of teams")
    assert sport.alt_ids["idtype:tsn-id"] == "sportsnetwork.com-5932656"
    assert fed.byline == "By Meredith Jameson, Staff Reporter" and fed.dateline == "New York, NY"
    assert (fed.agency, fed.info_sources) == ("Associated Press", ["Associated Press"])


def test_a_text_item_whose_body_is_sportsml_is_read_with_a_note_and_skipped_by_the_import(tmp_path):
    text = example("LISTING_2_NewsML-G2_Text_Document.xml").read_text()
    start, end = text.index('<inlineXML contenttype="application/nitf+xml">'), text.index("</inlineXML>")
    path = tmp_path / "sport.xml"
    path.write_text(text[:start] + '<inlineXML contenttype="application/sportsml+xml">'
                    '<sports-content xmlns="http://iptc.org/std/SportsML/2008-04-01/"/>' + text[end:])

    [item] = read_agency_file(path)
    [outcome] = import_file(path)

    assert item.headline == 'Fed to halt QE to avert "bubble"' and item.body_html == ""
    assert item.notes == ["body in SportsML cannot be shown"]
    assert outcome.action == "skipped" and "body in SportsML cannot be shown" in outcome.reason


def test_a_time_without_an_offset_is_in_the_channels_time_zone(tmp_path):
    path = variant(tmp_path, "LISTING_27_Company_Financial_Information.xml",
                   ("<versionCreated>2018-10-19T14:23:00Z</versionCreated>",
                    "<versionCreated>2018-10-19T14:23:00</versionCreated>"))

    [oslo] = read_agency_file(path, channel_tz=ZoneInfo("Europe/Oslo"))
    [plain] = read_agency_file(path)

    assert oslo.updated_at == datetime(2018, 10, 19, 12, 23, tzinfo=UTC)  # 14:23 in Oslo, summer time
    assert plain.updated_at == datetime(2018, 10, 19, 14, 23, tzinfo=UTC)


def test_an_invalid_item_is_refused_with_the_line_and_the_rule(tmp_path):
    path = variant(tmp_path, "LISTING_2_NewsML-G2_Text_Document.xml",
                   ('<pubStatus qcode="stat:usable" />', '<pubStatus qcode="stat:usable" />\n<urgent>yes</urgent>'))

    [refused] = read_agency_file(path)

    assert isinstance(refused, Refused)
    assert refused.line == line_of(path, "<urgent>")
    assert "Element '{http://iptc.org/std/nar/2006-10-01/}urgent': This element is not expected." in refused.rule
    assert refused.field == "newsItem/itemMeta/urgent" and refused.guid == "newsml:urn:newsml:acmenews.com:20161121:US-FINANCE-FED"
    assert str(refused).startswith(f"{path}:{refused.line}: line {refused.line}: Element")


def test_an_invalid_nitf_body_is_refused(tmp_path):
    path = variant(tmp_path, "LISTING_2_NewsML-G2_Text_Document.xml", ("<hl1>", '<hl1 onclick="x()">'))

    [refused] = read_agency_file(path)

    assert isinstance(refused, Refused) and "attribute 'onclick' is not allowed" in refused.rule


def test_an_envelope_that_breaks_the_schema_does_not_cost_its_valid_items(tmp_path):
    path = variant(tmp_path, "CR00127_extend_newsmessage_header.xml",
                   ("<priority>4</priority>", "<priority>4</priority><agencyHint>x</agencyHint>"))

    [item] = read_agency_file(path)

    assert isinstance(item, Item) and item.guid == "newsml:simplest-test"
    assert len(item.notes) == 1 and item.notes[0].startswith("the newsMessage around it breaks NewsML-G2 2.35 (line ")
    assert "agencyHint" in item.notes[0] and item.notes[0].endswith("its items were taken")


def test_an_invalid_item_in_a_message_is_refused_alone(tmp_path):
    good = example("LISTING_2_NewsML-G2_Text_Document.xml").read_text().split("?>", 1)[1]
    bad = good.replace('guid="urn:newsml:acmenews.com:20161121:US-FINANCE-FED"', 'guid="bad"').replace(
        'version="11"', 'version="eleven"')
    path = tmp_path / "message.xml"
    path.write_text(f'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2024-01-01T00:00:00Z'
                    f"</sent></header><itemSet>{good}{bad}</itemSet></newsMessage>")

    first, second = read_agency_file(path)

    assert isinstance(first, Item) and first.headline == 'Fed to halt QE to avert "bubble"'
    assert isinstance(second, Refused) and (second.document, second.documents, second.guid) == (2, 2, "newsml:bad")
    assert "'eleven' is not a valid value" in second.rule
    assert second.reason.startswith("document 2 of 2: line ")


def test_a_canceled_item_says_so_and_the_import_withdraws_its_story(tmp_path, client):
    path = example("LISTING_2_NewsML-G2_Text_Document.xml")
    story = import_file(path)[0].story
    assert client.get(story.get_absolute_url()).status_code == 200

    canceled = variant(tmp_path, "LISTING_2_NewsML-G2_Text_Document.xml",
                       ('version="11"', 'version="12"'), ("stat:usable", "stat:canceled"))
    [item] = read_agency_file(canceled)
    [outcome] = import_file(canceled)

    assert (item.pub_status, item.version_key) == ("canceled", (12,))
    assert outcome.action == "updated" and outcome.story.pk == story.pk
    assert client.get(story.get_absolute_url()).status_code == 404


def test_the_import_command_publishes_a_text_item_and_skips_pictures_and_packages(tmp_path, client):
    out = StringIO()
    call_command("import", str(example("LISTING_2_NewsML-G2_Text_Document.xml")),
                 str(example("LISTING_3_Photo_in_NewsML-G2.xml")), str(example("LISTING_6_Simple_NewsML-G2_Package.xml")),
                 "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]

    story = Story.objects.get()
    assert rows[0] == {"kind": "article", "id": story.pk, "url": story.get_absolute_url(), "action": "created"}
    assert [r["action"] for r in rows[1:]] == ["skipped", "skipped"]
    assert "not a text story" in rows[1]["reason"] and rows[2]["reason"].startswith('package "UK"')
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Fed to halt QE to avert" in page and "Et, sent luptat luptat" in page
    assert story.source == "Associated Press" and story.byline == "By Meredith Jameson, Staff Reporter"


def test_video_and_concept_items_are_skipped_with_the_reason(tmp_path):
    video = variant(tmp_path, "LISTING_3_Photo_in_NewsML-G2.xml", ("ninat:picture", "ninat:video"), filename="v.xml")
    concept = tmp_path / "concept.xml"
    concept.write_text(
        '<conceptItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:c" version="1" standard="NewsML-G2" '
        'standardversion="2.35" conformance="power"><catalogRef href="http://www.iptc.org/std/catalog/'
        'catalog.IPTC-G2-Standards_35.xml"/><itemMeta><itemClass qcode="cinat:concept"/><provider qcode="nprov:IPTC"/>'
        "<versionCreated>2024-01-01T00:00:00Z</versionCreated></itemMeta><concept><conceptId qcode="
        '"medtop:01000000"/><name>arts</name></concept></conceptItem>')

    [skipped_video] = read_agency_file(video)
    [skipped_concept] = read_agency_file(concept)

    assert (skipped_video.kind, skipped_video.guid) == ("video", "newsml:tag:gettyimages.com,2010:GYI0062134533")
    assert "is not a text story" in skipped_video.reason
    assert (skipped_concept.kind, skipped_concept.reason) == ("concept", "concept: Newsdesk takes text items only")


def test_an_item_in_utf16_is_read_and_kept_as_text(tmp_path):
    text = example("LISTING_2_NewsML-G2_Text_Document.xml").read_text().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / "wide.xml"
    path.write_bytes(text.encode("utf-16"))

    [item] = read_agency_file(path)

    assert item.headline == 'Fed to halt QE to avert "bubble"' and item.raw == text
