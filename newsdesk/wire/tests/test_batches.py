"""A folder's files taken together: what an editor sees on the desk is what the files one at
a time would give. A bad file among good ones is moved aside with its reason while the others
go in; a newer version of an item in the queue updates it; the same item twice in one batch
is one item with its versions; reports of one event in one batch are one row; rules and the
live desk see every item; and a run that fails takes nothing in and leaves every file."""

import pytest
from django.db import DataError, connection

from newsdesk.live.models import Event
from newsdesk.stories.models import Section
from newsdesk.wire import channels, grouping, ingest
from newsdesk.wire.models import Channel, RefusedDocument, Rule, WireItem

from .conftest import drop, ninjs
from .test_grouping import AFP, REUTERS, TASS, UNRELATED

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    return tmp_path


@pytest.fixture
def channel(folder):
    return Channel.objects.create(name="Drop", kind="folder", path=str(folder))


def run(channel):
    return {(r.file, r.guid): r for r in channels.run_channel(channel.pk)}


def done(folder):
    return sorted(p.name for p in (folder / "done").iterdir()) if (folder / "done").exists() else []


def test_a_bad_file_among_good_ones_is_moved_aside_with_its_reason_and_the_others_go_in(folder, channel):
    drop(folder, "a.json", ninjs(uri="urn:a", headline="First report"))
    drop(folder, "b.json", {"uri": "urn:bad", "headline": 42})
    drop(folder, "c.xml", "<newsItem><not-closed></newsItem>")
    drop(folder, "d.json", ninjs(uri="urn:d", headline="Second report"))
    results = run(channel)
    assert sorted(WireItem.objects.values_list("headline", flat=True)) == ["First report", "Second report"]
    assert done(folder) == ["a.json", "d.json"]
    assert sorted(p.name for p in (folder / "refused").iterdir()) == [
        "b.json", "b.json.reason.txt", "c.xml", "c.xml.reason.txt"]
    assert "headline" in (folder / "refused" / "b.json.reason.txt").read_text()
    assert "not well-formed" in (folder / "refused" / "c.xml.reason.txt").read_text()
    assert RefusedDocument.objects.filter(channel=channel).count() == 2
    assert [r.action for r in results.values()] == ["created", "refused", "refused", "created"]


def test_a_file_the_database_refuses_is_refused_whole_and_the_others_go_in(folder, channel, monkeypatch):
    fields = ingest._fields

    def refusing(data):
        if "urn:b" in data.guid:
            raise DataError("value too long for the column")
        return fields(data)

    monkeypatch.setattr(ingest, "_fields", refusing)
    for name in "abc":
        drop(folder, f"{name}.json", ninjs(uri=f"urn:{name}", headline=f"Report {name}"))
    results = run(channel)
    assert sorted(WireItem.objects.values_list("headline", flat=True)) == ["Report a", "Report c"]
    assert done(folder) == ["a.json", "c.json"]
    reason = (folder / "refused" / "b.json.reason.txt").read_text()
    assert "the database refused it: value too long" in reason
    assert results["b.json", "ninjs:urn:b"].action == "refused"
    assert "urn:b" in RefusedDocument.objects.get(channel=channel).raw


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_text_postgresql_cannot_hold_refuses_the_file_not_the_channel(folder, channel):
    drop(folder, "nul.json", ninjs(uri="urn:nul", headline="A \u0000 byte"))
    drop(folder, "fine.json", ninjs(uri="urn:fine"))
    run(channel)
    assert list(WireItem.objects.values_list("guid", flat=True)) == ["ninjs:urn:fine"]
    assert "NUL" in (folder / "refused" / "nul.json.reason.txt").read_text()


def test_a_newer_version_of_an_item_in_the_queue_updates_it_beside_new_items(folder, channel):
    drop(folder, "v1.json", ninjs(uri="urn:story", version="1", headline="Talks to go on"))
    run(channel)
    drop(folder, "v2.json", ninjs(uri="urn:story", version="2", headline="Talks are off"))
    drop(folder, "new.json", ninjs(uri="urn:new", headline="Something else entirely"))
    drop(folder, "old.json", ninjs(uri="urn:story", version="1", headline="Talks to go on again"))
    results = run(channel)
    assert results["v2.json", "ninjs:urn:story"].action == "updated"
    assert results["new.json", "ninjs:urn:new"].action == "created"
    assert results["old.json", "ninjs:urn:story"].action == "unchanged"
    item = WireItem.objects.get(guid="ninjs:urn:story")
    assert item.headline == "Talks are off" and item.version == "2"
    assert list(item.versions.order_by("received_at", "pk").values_list("version", flat=True)) == ["1", "2"]
    assert WireItem.objects.count() == 2 and len(done(folder)) == 4


def test_the_same_item_twice_in_one_batch_is_one_item_with_its_versions(folder, channel, caplog):
    drop(folder, "1-first.json", ninjs(uri="urn:story", version="1", headline="Talks to go on"))
    drop(folder, "2-again.json", ninjs(uri="urn:story", version="1", headline="Talks to go on"))
    drop(folder, "3-newer.json", ninjs(uri="urn:story", version="2", headline="Talks are off"))
    drop(folder, "4-ap.json", ninjs(uri="urn:ap:1-v1", altids={"itemid": "ap-77"}, headline="AP first"))
    drop(folder, "5-ap.json", ninjs(uri="urn:ap:1-v2", version="2", altids={"itemid": "ap-77"}, headline="AP second"))
    results = run(channel)
    assert [r.action for r in results.values()] == ["created", "unchanged", "updated", "created", "updated"]
    assert WireItem.objects.count() == 2
    story = WireItem.objects.get(guid="ninjs:urn:story")
    assert story.headline == "Talks are off" and story.versions.count() == 2
    assert WireItem.objects.get(alt_id="ap-77").headline == "AP second"
    assert "one by one" not in caplog.text  # taken together, not after a refusal


def test_reports_of_one_event_in_one_batch_are_grouped_as_one_at_a_time(folder, channel, caplog):
    drop(folder, "1-tass.json", TASS)
    drop(folder, "2-reuters.json", REUTERS)
    drop(folder, "3-other.json", UNRELATED)
    drop(folder, "4-afp.json", AFP)
    run(channel)
    tass, reuters, other, afp = (WireItem.objects.get(guid=f"ninjs:{doc['uri']}")
                                 for doc in (TASS, REUTERS, UNRELATED, AFP))
    assert tass.group_id == reuters.group_id == afp.group_id == tass.pk
    assert reuters.group_score >= grouping.THRESHOLD and tass.group_score is None
    assert other.group_id is None
    assert tass.terms == grouping.terms(tass.headline, tass.body_html) and tass.bands.count() == grouping.BANDS
    assert "one by one" not in caplog.text


def test_a_batch_joins_the_group_of_an_item_already_in_the_queue(folder, channel):
    drop(folder, "tass.json", TASS)
    run(channel)
    drop(folder, "reuters.json", REUTERS)
    drop(folder, "afp.json", AFP)
    run(channel)
    tass = WireItem.objects.get(guid=f"ninjs:{TASS['uri']}")
    assert tass.group_id == tass.pk  # it had no group: it leads the one its reports make
    assert set(WireItem.objects.values_list("group_id", flat=True)) == {tass.pk}


def test_rules_route_each_item_of_a_batch(folder, channel):
    politics = Section.objects.create(name="Politics")
    Rule.objects.create(name="TASS politics", position=1, agency="TASS", section=politics, priority=True)
    drop(folder, "a.json", ninjs(uri="urn:a"))
    drop(folder, "b.json", ninjs(uri="urn:b", copyrightholder="Reuters"))
    drop(folder, "c.json", ninjs(uri="urn:c", headline="Another TASS report"))
    run(channel)
    routed = WireItem.objects.filter(section=politics, priority=True, rules_applied=["TASS politics"])
    assert sorted(routed.values_list("guid", flat=True)) == ["ninjs:urn:a", "ninjs:urn:c"]
    assert Rule.objects.get().matched == 2


def test_the_live_desk_hears_of_every_item_fifty_at_a_time(folder, channel):
    for n in range(60):
        drop(folder, f"{n:02d}.json", ninjs(uri=f"urn:item-{n}", headline=f"Report number {n}"))
    before = Event.objects.filter(kind="wire").count()
    run(channel)
    events = list(Event.objects.filter(kind="wire").order_by("id"))[before:]
    told = [int(key[5:]) for event in events for key in event.keys.split()]
    assert [len(event.keys.split()) for event in events] == [50, 10]
    assert sorted(told) == sorted(WireItem.objects.values_list("pk", flat=True))


def test_a_run_that_fails_takes_nothing_in_and_leaves_every_file_for_the_next(folder, channel, monkeypatch):
    for name in "ab":
        drop(folder, f"{name}.json", ninjs(uri=f"urn:{name}"))

    def broken(item_ids):
        raise RuntimeError("the process stopped here")

    monkeypatch.setattr(ingest, "announce_many", broken)
    with pytest.raises(RuntimeError):
        channels.run_channel(channel.pk)
    assert WireItem.objects.count() == 0 and sorted(p.name for p in folder.iterdir()) == ["a.json", "b.json"]
    monkeypatch.undo()
    Channel.objects.filter(pk=channel.pk).update(lease_until=None, lease_owner="")
    run(channel)
    assert WireItem.objects.count() == 2 and done(folder) == ["a.json", "b.json"]


def test_the_command_takes_a_folder_in_batches_as_the_channel_does(folder):
    for n in range(3):
        drop(folder, f"{n}.json", ninjs(uri=f"urn:{n}"))
    drop(folder, "again.json", ninjs(uri="urn:0", version="2", headline="Updated"))
    results = ingest.ingest_path(folder)
    assert [r.action for r in results] == ["created", "created", "created", "updated"]
    assert WireItem.objects.get(guid="ninjs:urn:0").headline == "Updated"


def test_files_read_by_other_processes_go_in_as_if_read_here(folder, channel, settings, monkeypatch):
    from newsdesk.wire import reading

    settings.WIRE_WORKERS = 2
    monkeypatch.setattr(reading, "PARALLEL_FROM", 2)
    monkeypatch.setattr(reading, "CHUNK", 2)
    monkeypatch.setattr(ingest, "BATCH", 3)
    for n in range(7):
        drop(folder, f"{n}.json", ninjs(uri=f"urn:{n}", headline=f"Report {n}"))
    drop(folder, "bad.json", {"uri": "urn:bad", "headline": 42})
    results = run(channel)
    assert [r.action for r in results.values()] == ["created"] * 7 + ["refused"]
    assert WireItem.objects.count() == 7 and len(done(folder)) == 7
    assert (folder / "refused" / "bad.json").exists()


def test_a_reading_process_that_dies_loses_nothing(folder, channel, settings, monkeypatch):
    import os

    from newsdesk.wire import reading

    settings.WIRE_WORKERS = 1
    monkeypatch.setattr(reading, "PARALLEL_FROM", 2)
    here, read = os.getpid(), ingest.read_with_text

    def dying(path, **options):
        if os.getpid() != here:
            os._exit(1)  # killed, say, or out of memory
        return read(path, **options)

    monkeypatch.setattr(ingest, "read_with_text", dying)
    for n in range(4):
        drop(folder, f"{n}.json", ninjs(uri=f"urn:{n}"))
    assert [r.action for r in run(channel).values()] == ["created"] * 4
    assert len(done(folder)) == 4


def test_files_a_slow_reading_process_has_not_started_on_are_read_here_instead_of_waited_for(
        folder, channel, settings, monkeypatch):
    import os
    import time

    from newsdesk.wire import reading

    settings.WIRE_WORKERS = 1
    monkeypatch.setattr(reading, "PARALLEL_FROM", 2)
    monkeypatch.setattr(reading, "CHUNK", 1)
    here, read, read_here = os.getpid(), ingest.read_with_text, []

    def slow_elsewhere(path, **options):
        if os.getpid() != here:
            time.sleep(0.5)  # a reading process with more to do than this one
        else:
            read_here.append(path.name)
        return read(path, **options)

    monkeypatch.setattr(ingest, "read_with_text", slow_elsewhere)
    for n in range(6):
        drop(folder, f"{n}.json", ninjs(uri=f"urn:{n}", headline=f"Report {n}"))
    assert [r.action for r in run(channel).values()] == ["created"] * 6
    assert len(done(folder)) == 6
    assert 0 < len(read_here) < 6  # the reading process took some, this one the rest


def test_a_long_run_that_lost_its_lease_stops_after_its_batch_and_leaves_the_rest(folder, channel, monkeypatch):
    # Another process took the channel over while this one was busy (its lease ran out): the
    # files not yet taken stay in the folder for that process, not taken by both.
    monkeypatch.setattr(ingest, "BATCH", 2)
    for name in "abcde":
        drop(folder, f"{name}.json", ninjs(uri=f"urn:{name}", headline=f"Report {name}"))
    take = channels._take_files

    def take_then_lose_the_lease(channel, folder, files, read):
        taken = take(channel, folder, files, read)
        Channel.objects.filter(pk=channel.pk).update(lease_owner="another process")
        return taken

    monkeypatch.setattr(channels, "_take_files", take_then_lose_the_lease)
    results = run(channel)
    assert done(folder) == ["a.json", "b.json"] and len(results) == 2
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == ["c.json", "d.json", "e.json"]
    assert Channel.objects.get(pk=channel.pk).lease_owner == "another process"


def test_a_long_run_keeps_its_lease_batch_by_batch(folder, channel, monkeypatch):
    monkeypatch.setattr(ingest, "BATCH", 2)
    for name in "abcde":
        drop(folder, f"{name}.json", ninjs(uri=f"urn:{name}", headline=f"Report {name}"))
    assert len(run(channel)) == 5 and len(done(folder)) == 5
