"""The same event from several agencies: their items become one row on the desk listing the
agencies, measured on the words of the headline and first paragraph; an unrelated story, or
one from long before, stays apart."""

import datetime
import json

import pytest
from django.utils import timezone

from newsdesk.imports.formats import read_agency_bytes
from newsdesk.wire import grouping, ingest
from newsdesk.wire.models import WireItem

from .conftest import ninjs

pytestmark = pytest.mark.django_db

TASS = ninjs(uri="urn:tass:1", headline="Kremlin says peace talks with Ukraine will resume in Istanbul",
             body_html="<p>Kremlin spokesman Dmitry Peskov said the delegations would meet in Istanbul "
                       "next week to resume peace talks.</p><p>More later.</p>")
REUTERS = ninjs(uri="urn:reuters:9", copyrightholder="Reuters",
                headline="Russia and Ukraine to resume peace talks in Istanbul, Kremlin says",
                body_html="<p>Russian and Ukrainian delegations will resume peace talks in Istanbul next week, "
                          "Kremlin spokesman Dmitry Peskov told reporters on Tuesday.</p>")
AFP = ninjs(uri="urn:afp:3", copyrightholder="AFP",
            headline="Peace talks in Istanbul to resume, says Peskov",
            body_html="<p>Ukraine and Russia will hold peace talks in Istanbul next week, the Kremlin's "
                      "Dmitry Peskov announced.</p>")
UNRELATED = ninjs(uri="urn:tass:2", headline="Kremlin says Putin will visit China in autumn",
                  body_html="<p>President Vladimir Putin will travel to Beijing for a summit with Xi Jinping, "
                            "the Kremlin said.</p>")


def put(doc):
    (data,) = read_agency_bytes("item.json", json.dumps(doc).encode())
    return WireItem.objects.get(pk=ingest.store(data, file="item.json").item.pk)


def test_the_measure_the_docstring_describes():
    tass, reuters = grouping.terms(TASS["headline"], TASS["body_html"]), grouping.terms(
        REUTERS["headline"], REUTERS["body_html"])
    assert "said" not in tass and "more" not in tass  # common words out, and only the first paragraph
    assert grouping.similarity(tass, reuters) >= grouping.THRESHOLD
    other = grouping.terms(UNRELATED["headline"], UNRELATED["body_html"])
    assert grouping.similarity(tass, other) < 0.15


def test_two_agencies_versions_of_one_event_are_one_row_with_their_agencies(editor_client):
    tass, reuters, other = put(TASS), put(REUTERS), put(UNRELATED)
    tass.refresh_from_db()
    assert tass.group_id == reuters.group_id == tass.pk
    assert reuters.group_score >= grouping.THRESHOLD
    assert other.group_id is None
    afp = put(AFP)
    assert afp.group_id == tass.pk

    page = editor_client.get("/newsroom/wire/").content.decode()
    assert page.count('data-wire-group="%d"' % tass.pk) == 1  # one row for the event
    assert "AFP, Reuters, TASS" in page and "3 reports" in page
    assert "Putin will visit China" in page  # the unrelated story keeps its own row
    assert page.count('class="wire-row') == 2

    item = editor_client.get(f"/newsroom/wire/{reuters.pk}/").content.decode()
    assert "The same event from other reports" in item and "Jaccard similarity" in item
    assert TASS["headline"] in item and AFP["headline"] in item


def test_the_live_desk_gets_the_group_row(editor_client):
    tass, reuters = put(TASS), put(REUTERS)
    rows = editor_client.get(f"/newsroom/wire/rows/?ids={reuters.pk}").content.decode()
    assert f'data-wire-group="{tass.pk}"' in rows and "Reuters, TASS" in rows


def test_an_old_report_of_the_same_words_is_not_grouped():
    tass = put(TASS)
    tass.bands.update(at=timezone.now() - grouping.WINDOW - datetime.timedelta(minutes=1))
    assert put(REUTERS).group_id is None


def test_a_new_version_keeps_its_group():
    tass, reuters = put(TASS), put(REUTERS)
    again = put({**REUTERS, "version": "2", "headline": "Peace talks resume in Istanbul next week"})
    assert again.pk == reuters.pk and again.group_id == tass.pk
