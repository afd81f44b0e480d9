"""ninjs read to the letter: every IPTC example taken, documents built from each version's
schema held to that version (valid ones never refused, invalid ones refused naming the field),
and versions compared as numbers."""

import json
from pathlib import Path

import pytest

from newsdesk.imports.formats import Item, Refused, Skipped, read_agency_file
from newsdesk.imports.items import version_key
from newsdesk.imports.ninjs.validation import SCHEMAS, VERSIONS
from newsdesk.testing import need_shared

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "ninjs"
SPEC = SHARED / "specification"


def write(tmp_path, doc, name="doc.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def declared(version, /, **fields):
    """A document declaring `version` the way that version spells it."""
    key = "$standard" if version.startswith("1.") else "standard"
    return {key: {"name": "ninjs", "version": version}, "uri": f"urn:test:{version}", **fields}


# 1.0 to 1.2 have no property to declare a version with (`$standard` came in 1.3).
DECLARABLE = [v for v in VERSIONS if v not in ("1.0", "1.1", "1.2")]


def top_properties(version):
    schema = json.loads((SCHEMAS / f"ninjs-schema_{version}.json").read_text(encoding="utf-8"))
    return (schema.get("properties") or schema["$defs"]["ninjsType"]["properties"]).items()


def test_the_projects_schemas_are_iptcs_as_published():
    need_shared(SPEC, "the IPTC ninjs schemas")
    for path in SCHEMAS.glob("*.json"):
        assert path.read_bytes() == (SPEC / path.name).read_bytes(), path.name
    published = {p.stem.split("_")[1] for p in SPEC.glob("ninjs-schema_*.json")}
    assert set(VERSIONS) == published  # every published version, no draft
    assert (SCHEMAS / "GeoJSON-schema.json").is_file()  # what 2.x and 3.x refer to: never fetched


@pytest.mark.parametrize("path", sorted((SHARED / "examples").glob("*/*.json")) or [None],
                         ids=lambda p: f"{p.parent.name}/{p.name}" if p else "missing")
def test_every_iptc_example_is_taken_with_nothing_to_note(path):
    if path is None:
        need_shared(SHARED / "examples", "the IPTC ninjs examples")
    items = read_agency_file(path)

    assert items and not [item for item in items if isinstance(item, Refused)]
    for item in items:
        if isinstance(item, Item):
            assert item.notes == [] and item.format.startswith("ninjs ")
            assert json.loads(item.raw)["uri"] == item.guid.removeprefix("ninjs:")
        else:
            assert isinstance(item, Skipped) and item.kind in {"picture", "audio", "video"}


@pytest.mark.parametrize("version", DECLARABLE)
def test_a_document_with_only_a_uri_is_valid_in_every_version(tmp_path, version):
    [item] = read_agency_file(write(tmp_path, declared(version)))
    [undeclared] = read_agency_file(write(tmp_path, {"uri": "urn:test:any"}))

    assert isinstance(item, Item) and item.headline == "" and item.body_html == ""
    assert item.format == f"ninjs {version}"
    assert undeclared.format == "ninjs 2.2"  # the first official schema to accept it


@pytest.mark.parametrize("version", DECLARABLE)
def test_every_string_property_of_a_version_is_taken_as_a_string_and_refused_as_a_number(tmp_path, version):
    strings = [(name, spec) for name, spec in top_properties(version) if spec.get("type") == "string"]
    assert len(strings) >= 5
    valid = declared(version, **{name: spec["enum"][0] if "enum" in spec else "text" for name, spec in strings})
    assert isinstance(read_agency_file(write(tmp_path, valid))[0], Item)

    for name, _ in strings:
        if name == "uri":
            continue
        doc = declared(version, **{name: 12})
        [refused] = read_agency_file(write(tmp_path, doc))
        assert isinstance(refused, Refused), name
        assert refused.field == name
        assert f'field "{name}": expected a string, got 12 (ninjs {version})' in refused.rule


@pytest.mark.parametrize("version", DECLARABLE)
def test_a_property_the_version_does_not_define_is_refused_unless_lenient(tmp_path, version):
    path = write(tmp_path, declared(version, **{"x-desk": "sport", "copyrightholder": "TT"}
                                    if version < "3" else {"x-desk": "sport", "copyrightHolder": "TT"}))

    [refused] = read_agency_file(path)
    [item] = read_agency_file(path, lenient_agencies=["TT"])

    assert isinstance(refused, Refused) and refused.field == "x-desk" and refused.line == 7
    assert f'ninjs {version} has no such property' in refused.rule
    assert item.notes == [f'does not conform: ninjs {version} has no property "x-desk"; accepted as the agency\'s own']


def test_iptc_suite_cases_named_in_the_issue(tmp_path):
    person = read_agency_file(write(tmp_path, {"uri": "urn:x", "person": "Francesco Schettino"}))[0]
    picture = read_agency_file(write(tmp_path, {"uri": "urn:p", "type": "picture"}))[0]
    body_text = read_agency_file(write(tmp_path, {"uri": "urn:t", "body_text": "Court opens."}))[0]

    assert isinstance(person, Refused) and person.field == "person"
    assert isinstance(picture, Skipped) and picture.kind == "picture" and picture.guid == "ninjs:urn:p"
    assert isinstance(body_text, Item) and body_text.clean_body() == "<p>Court opens.</p>"


def test_places_are_held_to_the_geojson_schema(tmp_path):
    place = {"name": "Europe", "geojson": {"type": "Foo", "co-ordinates": ["dog", "cat"]}}
    good = {"name": "Turkey", "geojson": {"type": "Point", "coordinates": [35, 39]}}

    [refused] = read_agency_file(write(tmp_path, declared("2.1", places=[good, place])))
    [item] = read_agency_file(write(tmp_path, declared("2.1", places=[good])))

    assert isinstance(refused, Refused) and refused.field == "places[1].geojson"
    assert isinstance(item, Item)


def test_a_newer_minor_version_is_checked_against_its_majors_newest_and_said_so(tmp_path):
    [item] = read_agency_file(write(tmp_path, declared("3.9", headlines=[{"value": "Storm"}])))

    assert item.format == "ninjs 3.1"
    assert item.notes == ["declares ninjs 3.9, checked against 3.1, the newest Newsdesk has"]


def test_a_document_of_an_array_is_refused_alone_with_its_number_and_raw_text(tmp_path):
    docs = [declared("2.1", headlines=[{"value": "Good"}]), declared("2.1", urgency="high")]

    good, refused = read_agency_file(write(tmp_path, docs))

    assert isinstance(good, Item) and good.headline == "Good" and json.loads(good.raw)["headlines"]
    assert (refused.document, refused.documents, refused.field) == (2, 2, "urgency")
    assert refused.reason.startswith('document 2 of 2: field "urgency": expected a number, got "high"')
    assert json.loads(refused.raw)["urgency"] == "high"


def test_versions_compare_as_numbers():
    assert version_key("10") > version_key("9")
    assert version_key("1.10") > version_key("1.9")
    assert version_key("") == () < version_key("0")


def test_an_item_carries_what_the_agency_says_of_it(tmp_path):
    doc = declared(
        "3.1", version="10", pubStatus="canceled", embargoedUntil="2030-01-02T09:00:00+01:00",
        edNote="Kill: legal", slugline="ferry", located="Bergen", urgency=2, language="nb",
        headlines=[{"value": "Ferry"}], bodies=[{"contentType": "text/html", "value": "<p>Back</p><script>x</script>"}],
        subjects=[{"uri": "http://cv.iptc.org/newscodes/mediatopic/20000573", "name": "ferry"}],
        altIds=[{"role": "itemid", "value": "abc123"}], copyrightHolder="NTB", by="Ida Brenner",
        infoSources=[{"name": "Police"}], versionCreated="2029-12-31T23:00:00-05:00",
    )

    [item] = read_agency_file(write(tmp_path, doc))

    assert (item.version, item.version_key, item.pub_status) == ("10", (10,), "canceled")
    assert item.embargoed.isoformat() == "2030-01-02T09:00:00+01:00"
    assert item.updated_at.isoformat() == "2029-12-31T23:00:00-05:00"  # the offset as sent
    assert (item.ed_note, item.slugline, item.dateline, item.urgency) == ("Kill: legal", "ferry", "Bergen", 2)
    assert item.subjects == [["http://cv.iptc.org/newscodes/mediatopic/20000573", "ferry"]]
    assert item.alt_ids == {"itemid": "abc123"}
    assert (item.agency, item.info_sources, item.creators) == ("NTB", ["Police"],
                                                                [{"name": "Ida Brenner", "role": "", "uri": ""}])
    assert item.clean_body() == "<p>Back</p>"
