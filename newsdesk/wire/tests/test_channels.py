"""Channels that run by themselves: a folder whose dropped files are taken and moved to done/
or refused/ (with the reason beside them), a URL polled from a loopback server with ETag and
If-Modified-Since, a size limit, backoff and credentials from the environment, and a lease so
that one process at a time runs a channel."""

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from newsdesk.wire import channels
from newsdesk.wire.models import Channel, ChannelError, RefusedDocument, WireItem

from .conftest import drop, ninjs

pytestmark = pytest.mark.django_db


def test_a_file_dropped_in_a_folder_is_taken_within_a_second_and_moved_to_done(tmp_path):
    channel = Channel.objects.create(name="TASS drop", kind="folder", path=str(tmp_path))
    runner = channels.Runner(tick=0.1)
    drop(tmp_path, "kremlin.json", ninjs())
    started = time.monotonic()
    runner.once()
    assert WireItem.objects.get().channel == channel
    assert time.monotonic() - started < 1.0
    assert not (tmp_path / "kremlin.json").exists() and (tmp_path / "done" / "kremlin.json").exists()
    channel.refresh_from_db()
    assert channel.counts == {"created": 1} and channel.last_run_at and channel.next_run_at
    # Half-written files wait; the next run is due within a second.
    drop(tmp_path, "next.json.part", ninjs(uri="urn:next"))
    assert (channel.next_run_at - channel.last_run_at).total_seconds() < 1
    channels.run_channel(channel.pk)
    assert (tmp_path / "next.json.part").exists()


def test_between_rounds_a_new_file_is_taken_at_the_next_look_into_the_folder(tmp_path):
    channel = Channel.objects.create(name="TASS drop", kind="folder", path=str(tmp_path))
    runner = channels.Runner()
    runner.once()  # the round: nothing there yet, and the next round is not due for a while
    Channel.objects.filter(pk=channel.pk).update(next_run_at=timezone.now() + datetime.timedelta(hours=1))
    assert runner.look_into_folders() == []
    drop(tmp_path, "late.json.part", ninjs())  # still being written: it waits
    assert runner.look_into_folders() == [] and not WireItem.objects.exists()
    (tmp_path / "late.json.part").rename(tmp_path / "late.json")
    assert runner.look_into_folders() == [channel.pk]
    assert WireItem.objects.get().channel == channel and (tmp_path / "done" / "late.json").exists()
    last_run = Channel.objects.get(pk=channel.pk).last_run_at
    assert runner.look_into_folders() == []  # nothing new: the channel is not run again
    assert Channel.objects.get(pk=channel.pk).last_run_at == last_run


def test_a_look_leaves_a_channel_another_process_runs_to_it(tmp_path):
    channel = Channel.objects.create(name="Drop", kind="folder", path=str(tmp_path))
    runner = channels.Runner()
    runner.once()
    Channel.objects.filter(pk=channel.pk).update(next_run_at=timezone.now() + datetime.timedelta(hours=1))
    assert channels.claim(channel.pk, owner="another-process")
    drop(tmp_path, "a.json", ninjs())
    assert runner.look_into_folders() == [channel.pk]  # tried: the other holds it
    assert not WireItem.objects.exists() and (tmp_path / "a.json").exists()
    assert runner.look_into_folders() == []  # and not again and again while it does
    # Had the other let go without the file, the round takes it.
    channels.release(channel.pk, owner="another-process")
    Channel.objects.filter(pk=channel.pk).update(next_run_at=None)
    runner.once()
    assert WireItem.objects.count() == 1


def test_a_paused_channels_folder_is_not_looked_into(tmp_path):
    channel = Channel.objects.create(name="Drop", kind="folder", path=str(tmp_path))
    runner = channels.Runner()
    runner.once()
    channel.paused = True
    channel.save()
    runner.once()
    drop(tmp_path, "a.json", ninjs())
    assert runner.look_into_folders() == [] and (tmp_path / "a.json").exists()


def test_a_refused_file_goes_to_refused_with_its_reason_beside_it(tmp_path):
    channel = Channel.objects.create(name="Drop", kind="folder", path=str(tmp_path))
    drop(tmp_path, "bad.json", {"uri": "urn:bad", "headline": 42})
    channels.run_channel(channel.pk)
    assert (tmp_path / "refused" / "bad.json").exists()
    reason = (tmp_path / "refused" / "bad.json.reason.txt").read_text()
    assert "headline" in reason
    refused = RefusedDocument.objects.get(channel=channel)
    assert "headline" in refused.reason and '"headline": 42' in refused.raw


def test_a_missing_folder_is_an_error_on_the_channel_with_a_growing_wait(tmp_path):
    channel = Channel.objects.create(name="Gone", kind="folder", path=str(tmp_path / "nowhere"))
    channels.run_channel(channel.pk)
    channel.refresh_from_db()
    first_wait = channel.next_run_at - channel.last_run_at
    channels.run_channel(channel.pk)
    channel.refresh_from_db()
    assert channel.failures == 2 and channel.next_run_at - channel.last_run_at > first_wait
    assert "is not there" in ChannelError.objects.filter(channel=channel).first().text


def test_a_channel_is_run_by_one_process_at_a_time(tmp_path):
    channel = Channel.objects.create(name="Drop", kind="folder", path=str(tmp_path))
    assert channels.claim(channel.pk, owner="worker-a")
    assert not channels.claim(channel.pk, owner="worker-b")  # held
    drop(tmp_path, "a.json", ninjs())
    assert channels.run_channel(channel.pk, owner="worker-b") is None
    assert WireItem.objects.count() == 0
    # A lease that ran out (its process died) is taken over.
    Channel.objects.filter(pk=channel.pk).update(lease_until=timezone.now() - channels.LEASE)
    assert channels.run_channel(channel.pk, owner="worker-b")[0].action == "created"


def test_a_paused_channel_does_not_run(tmp_path):
    Channel.objects.create(name="Drop", kind="folder", path=str(tmp_path), paused=True)
    drop(tmp_path, "a.json", ninjs())
    channels.Runner().once()
    assert WireItem.objects.count() == 0 and (tmp_path / "a.json").exists()


class Agency(BaseHTTPRequestHandler):
    """A loopback agency: serves `body` with an ETag, answers 304 when it matches."""

    body, etag, seen = b"", '"v1"', []

    def do_GET(self):
        type(self).seen.append(dict(self.headers))
        if self.headers.get("If-None-Match") == type(self).etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("ETag", type(self).etag)
        self.send_header("Last-Modified", "Mon, 01 Jan 2024 10:00:00 GMT")
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args):
        pass


@pytest.fixture
def agency():
    Agency.body, Agency.etag, Agency.seen = json.dumps(ninjs()).encode(), '"v1"', []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Agency)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/latest.json"
    server.shutdown()


def test_a_url_channel_polls_with_etag_and_if_modified_since(agency, monkeypatch):
    monkeypatch.setenv("TASS_WIRE_LOGIN", "newsdesk:s3cret")
    channel = Channel.objects.create(name="TASS feed", kind="url", url=agency, interval=30,
                                     credentials_env="TASS_WIRE_LOGIN")
    assert channels.run_channel(channel.pk)[0].action == "created"
    assert Agency.seen[0]["Authorization"].startswith("Basic ")
    assert channels.run_channel(channel.pk) == []  # 304: nothing read
    assert Agency.seen[1]["If-None-Match"] == '"v1"'
    assert Agency.seen[1]["If-Modified-Since"] == "Mon, 01 Jan 2024 10:00:00 GMT"
    Agency.body, Agency.etag = json.dumps(ninjs(version="2", headline="Talks are off")).encode(), '"v2"'
    assert channels.run_channel(channel.pk)[0].action == "updated"
    channel.refresh_from_db()
    assert (channel.next_run_at - channel.last_run_at).total_seconds() == 30
    assert WireItem.objects.get().headline == "Talks are off"


def test_a_url_answer_over_the_size_limit_or_a_server_away_is_an_error_and_backs_off(agency):
    channel = Channel.objects.create(name="Big", kind="url", url=agency, max_bytes=10, interval=5)
    channels.run_channel(channel.pk)
    assert "larger than the channel's limit" in ChannelError.objects.get().text
    channel.refresh_from_db()
    assert channel.failures == 1 and WireItem.objects.count() == 0
    Channel.objects.filter(pk=channel.pk).update(url="http://127.0.0.1:9/none.json", max_bytes=10_000)
    channels.run_channel(channel.pk)
    channel.refresh_from_db()
    assert channel.failures == 2 and (channel.next_run_at - channel.last_run_at).total_seconds() == 10  # 5 s, then twice that


def test_credentials_named_but_missing_are_an_error_that_never_shows_a_value(agency):
    channel = Channel.objects.create(name="Locked", kind="url", url=agency, credentials_env="NO_SUCH_VARIABLE_SET")
    channels.run_channel(channel.pk)
    assert "NO_SUCH_VARIABLE_SET is not set" in ChannelError.objects.get().text
