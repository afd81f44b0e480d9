"""The wire queue: items keep their agency identity and every version; newer versions
update, older or equal ones change nothing; kills stand out; embargoes hold stories built on
the copy; untaken items expire; `newsdesk wire ingest` reports each item."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from newsdesk.stories import services as stories
from newsdesk.stories.models import Story
from newsdesk.wire import ingest, taking
from newsdesk.wire.models import Band, RefusedDocument, WireItem

from .conftest import drop, ninjs

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    try:
        call_command("wire", "ingest", "--json", *map(str, args), stdout=out)
        code = 0
    except CommandError as error:
        code = error.returncode
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_new_item_enters_the_queue_with_its_agency_identity_and_wire_fields(tmp_path):
    doc = ninjs(altids={"itemid": "ap-123"}, embargoed="2099-01-01T06:00:00Z")
    code, lines = run(drop(tmp_path, "a.json", doc))
    assert code == 0
    assert lines == [{"file": str(tmp_path / "a.json"), "guid": "ninjs:urn:tass:kremlin-1", "version": "1",
                      "headline": "Kremlin says talks will go on", "status": "usable", "action": "created"}]
    item = WireItem.objects.get()
    assert (item.agency, item.urgency, item.language, item.alt_id, item.dateline) == ("TASS", 3, "en", "ap-123", "MOSCOW")
    assert item.embargoed == datetime.datetime(2099, 1, 1, 6, tzinfo=datetime.UTC)
    assert item.under_embargo
    assert ["", "politics"] in item.subjects or ["medtop:11000000", "politics"] in item.subjects
    assert item.versions.get().raw == json.dumps(doc) or json.loads(item.versions.get().raw) == doc


def test_versions_compare_as_numbers_newer_updates_and_older_or_equal_changes_nothing(tmp_path):
    run(drop(tmp_path, "v9.json", ninjs(version="9")))
    code, lines = run(drop(tmp_path, "v10.json", ninjs(version="10", headline="Kremlin says talks are off")))
    assert [line["action"] for line in lines] == ["updated"]
    item = WireItem.objects.get()
    assert item.headline == "Kremlin says talks are off" and item.version == "10"
    for old in ("9", "10"):
        code, lines = run(drop(tmp_path, f"again-{old}.json", ninjs(version=old, headline="Something else")))
        assert lines[0]["action"] == "unchanged" and "not newer" in lines[0]["reason"]
    item.refresh_from_db()
    assert item.headline == "Kremlin says talks are off"
    assert list(item.versions.order_by("received_at", "pk").values_list("version", flat=True)) == ["9", "10"]


def test_ap_item_id_ties_versions_with_different_uris_together(tmp_path):
    run(drop(tmp_path, "a.json", ninjs(uri="urn:ap:1-v1", altids={"itemid": "ap-77"})))
    _, lines = run(drop(tmp_path, "b.json", ninjs(uri="urn:ap:1-v2", version="2", altids={"itemid": "ap-77"})))
    assert lines[0]["action"] == "updated"
    assert WireItem.objects.count() == 1


def test_a_cancel_or_a_withhold_marks_the_item(tmp_path):
    run(drop(tmp_path, "a.json", ninjs()))
    _, lines = run(drop(tmp_path, "b.json", ninjs(version="2", pubstatus="canceled")))
    assert lines[0]["status"] == "canceled"
    item = WireItem.objects.get()
    assert item.status == "canceled" and item.stands_out
    run(drop(tmp_path, "c.json", ninjs(uri="urn:other", pubstatus="withheld")))
    assert WireItem.objects.get(guid="ninjs:urn:other").status == "withheld"


def test_refused_and_skipped_items_are_reported_and_the_command_fails(tmp_path):
    bad = drop(tmp_path, "bad.json", {"uri": "urn:bad", "version": "1", "person": "Dmitry Peskov"})
    picture = drop(tmp_path, "pic.json", {"uri": "urn:pic", "type": "picture"})
    code, lines = run(bad, picture)
    assert code != 0
    refused = next(line for line in lines if line["action"] == "refused")
    assert "person" in refused["reason"] and refused["file"] == str(bad)
    skipped = [line for line in lines if line["action"] == "skipped"]
    assert skipped and skipped[0]["reason"]
    kept = RefusedDocument.objects.get()
    assert "Dmitry Peskov" in kept.raw and "person" in kept.reason


def test_a_folder_of_files_and_a_missing_path(tmp_path):
    drop(tmp_path, "a.json", ninjs(uri="urn:a"))
    drop(tmp_path, "b.json", ninjs(uri="urn:b"))
    (tmp_path / "notes.txt").write_text("not for the wire")
    code, lines = run(tmp_path)
    assert code == 0 and [line["action"] for line in lines] == ["created", "created"]
    with pytest.raises(CommandError, match="no such file"):
        call_command("wire", "ingest", str(tmp_path / "nowhere.json"), stdout=StringIO())
    with pytest.raises(CommandError, match="no channel called"):
        call_command("wire", "ingest", "--channel", "Nope", str(tmp_path), stdout=StringIO())


def test_lenient_lets_an_agencys_own_properties_through_with_a_note(tmp_path):
    doc = ninjs(**{"$standard": {"name": "ninjs", "version": "2.1"}}, tass_desk="Moscow")
    doc.pop("subject"), doc.pop("located")
    path = drop(tmp_path, "lenient.json", doc)
    code, lines = run(path)
    assert code != 0 and lines[0]["action"] == "refused"
    out = StringIO()
    call_command("wire", "ingest", "--json", "--lenient", str(path), stdout=out)
    assert json.loads(out.getvalue())["action"] == "created"
    assert any("does not conform" in note for note in WireItem.objects.get().notes)


def test_untaken_items_expire_and_taken_ones_never_do(tmp_path, settings):
    from newsdesk.conftest import make_member

    settings.WIRE_EXPIRE_DAYS = 7
    run(drop(tmp_path, "a.json", ninjs(uri="urn:a")), drop(tmp_path, "b.json", ninjs(uri="urn:b")))
    taken = WireItem.objects.get(guid="ninjs:urn:b")
    taking.take(taken, by=make_member("edna", "Editor"))
    later = timezone.now() + datetime.timedelta(days=7, minutes=1)
    assert list(WireItem.objects.current(later).values_list("guid", flat=True)) == ["ninjs:urn:b"]
    assert ingest.prune_expired(later) == 1
    assert list(WireItem.objects.values_list("guid", flat=True)) == ["ninjs:urn:b"]
    # its bands go with it (the ORM's cascade: the database holds no constraint for them)
    assert set(Band.objects.values_list("item_id", flat=True)) == {taken.pk}


def test_a_story_built_on_embargoed_copy_cannot_be_published_or_scheduled_before_the_embargo(tmp_path):
    from newsdesk.conftest import make_member

    editor = make_member("edna", "Editor")
    ends = timezone.now() + datetime.timedelta(hours=3)
    run(drop(tmp_path, "a.json", ninjs(embargoed=ends.isoformat())))
    story = taking.take(WireItem.objects.get(), by=editor)
    assert story.status == Story.Status.DRAFT  # taken into a draft while under embargo
    with pytest.raises(stories.WorkflowError, match="under embargo until"):
        stories.publish(story, by=editor)
    with pytest.raises(stories.WorkflowError, match="under embargo until"):
        stories.publish(story, by=editor, at=ends - datetime.timedelta(minutes=5))
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    stories.publish(story, by=editor, at=ends + datetime.timedelta(minutes=1))
    assert story.status == Story.Status.SCHEDULED
    # The agency moves its embargo later: the scheduled story waits for it.
    run(drop(tmp_path, "b.json", ninjs(version="2", embargoed=(ends + datetime.timedelta(days=1)).isoformat())))
    assert stories.publish_due(ends + datetime.timedelta(minutes=2)) == []
    assert Story.objects.get(pk=story.pk).status == Story.Status.SCHEDULED
