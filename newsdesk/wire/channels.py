"""Running the channels: a folder's new files, a URL's new answer, into the queue.

Each run claims its channel first with a lease (a conditional UPDATE on its row, which
PostgreSQL and SQLite both do atomically): one process at a time runs a channel, however
many serve, and a process that dies lets go when its lease runs out."""

import base64
import datetime
import logging
import os
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from django.db import close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import ingest
from .models import Channel, ChannelError

log = logging.getLogger(__name__)

LEASE = datetime.timedelta(seconds=30)
FOLDER_EVERY = datetime.timedelta(seconds=0.5)  # the round; the Runner looks in between
MAX_BACKOFF = datetime.timedelta(hours=1)
KEEP_ERRORS = 20
PART_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload")
OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class ChannelFailed(Exception):
    """A run that could not be done (folder missing, server error): kept on the channel's page."""


def claim(channel_id, owner=OWNER, now=None):
    """This process's lease on the channel, if no other holds one; True when it got it."""
    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner)
    return Channel.objects.filter(free, pk=channel_id).update(lease_owner=owner, lease_until=now + LEASE) == 1


def release(channel_id, owner=OWNER):
    Channel.objects.filter(pk=channel_id, lease_owner=owner).update(lease_owner="", lease_until=None)


def run_channel(channel_id, owner=OWNER, workers=None):
    """Claim and run one channel once; the results, or None when another process has it.
    `workers`: processes reading a large folder ahead of the saving (WIRE_WORKERS by default)."""
    if not claim(channel_id, owner):
        return None
    try:
        channel = Channel.objects.get(pk=channel_id)
        if channel.paused:
            return []
        now = timezone.now()
        try:
            results = run_folder(channel, owner, workers) if channel.kind == Channel.Kind.FOLDER else run_url(channel)
        except ChannelFailed as failure:
            _failed(channel, str(failure), now)
            return []
        _succeeded(channel, results, now)
        return results
    finally:
        release(channel_id, owner)


def _succeeded(channel, results, now):
    every = FOLDER_EVERY if channel.kind == Channel.Kind.FOLDER else datetime.timedelta(seconds=max(channel.interval, 1))
    counts = dict(channel.counts or {})
    for result in results:
        counts[result.action] = counts.get(result.action, 0) + 1
    Channel.objects.filter(pk=channel.pk).update(last_run_at=now, last_ok_at=now, failures=0, counts=counts,
                                                 next_run_at=now + every)


def _failed(channel, text, now):
    """Kept for the status page; the next try waits longer after each failure in a row."""
    log.warning("wire channel %s: %s", channel.name, text)
    ChannelError.objects.create(channel=channel, at=now, text=text[:2000])
    old = ChannelError.objects.filter(channel=channel).values_list("pk", flat=True)[KEEP_ERRORS:]
    ChannelError.objects.filter(pk__in=list(old)).delete()
    base = FOLDER_EVERY * 4 if channel.kind == Channel.Kind.FOLDER else datetime.timedelta(seconds=max(channel.interval, 1))
    wait = min(base * (2 ** min(channel.failures, 12)), MAX_BACKOFF)
    Channel.objects.filter(pk=channel.pk).update(last_run_at=now, failures=F("failures") + 1, next_run_at=now + wait)


# Folders ---------------------------------------------------------------------------------

def run_folder(channel, owner=OWNER, workers=None):
    folder = Path(channel.path)
    if not channel.path or not folder.is_dir():
        raise ChannelFailed(f"the folder {channel.path or '(none)'} is not there")
    from . import reading

    results = []
    files = [p for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")
             and not p.name.lower().endswith(PART_SUFFIXES)]  # not still being written, nor hidden
    for batch, read in reading.batches(files, channel=channel, workers=workers):  # read ahead of the saving
        results.extend(_take_files(channel, folder, batch, read))
        # A long run keeps its lease, batch by batch; one that lost it (paused past LEASE) stops,
        # and the files left wait for the next run of whoever holds the channel.
        if not claim(channel.pk, owner):
            break
    return results


def _take_files(channel, folder, files, read):
    """A batch of files (`read`: as reading.batches gives them) in one transaction (a commit
    per file is what a full folder waits on); moved out of the folder only once their items
    are committed."""
    with transaction.atomic():
        taken = list(zip(files, ingest.take_files(read, channel=channel), strict=True))
    results, made = [], set()
    for path, file_results in taken:
        refused = [r for r in file_results if r.action == "refused"]
        _move(path, folder / ("refused" if refused else "done"),
              "\n".join(r.reason for r in refused) if refused else None, made)
        results.extend(file_results)
    return results


def _move(path, into, reason, made=None):
    """Out of the way of the next run: into done/ or refused/ (with the reason beside it).
    `made`: the folders already made in this run (a batch moves hundreds of files)."""
    if made is None or into not in made:
        into.mkdir(exist_ok=True)
        if made is not None:
            made.add(into)
    target = into / path.name
    if os.path.lexists(target):
        target = into / f"{path.stem}-{timezone.now():%Y%m%d%H%M%S%f}{path.suffix}"
    try:
        os.rename(path, target)  # the same file system, as done/ mostly is: one call
    except OSError:
        shutil.move(str(path), target)
    if reason is not None:
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")


# URLs ------------------------------------------------------------------------------------

def authorization(channel):
    """The Authorization header from the variable the channel names (never stored or shown)."""
    if not channel.credentials_env:
        return None
    value = os.environ.get(channel.credentials_env, "")
    if not value:
        raise ChannelFailed(f"the environment variable {channel.credentials_env} is not set")
    if value.lower().startswith("bearer "):
        return value
    return "Basic " + base64.b64encode(value.encode()).decode()


def fetch(channel):
    """(status, body bytes or None); a 304 gives (304, None)."""
    request = urllib.request.Request(channel.url, headers={"User-Agent": "Newsdesk wire"})
    if channel.etag:
        request.add_header("If-None-Match", channel.etag)
    if channel.last_modified:
        request.add_header("If-Modified-Since", channel.last_modified)
    if (auth := authorization(channel)) is not None:
        request.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(request, timeout=max(channel.timeout, 1)) as response:
            raw = response.read(channel.max_bytes + 1)
            if len(raw) > channel.max_bytes:
                raise ChannelFailed(f"the answer is larger than the channel's limit of {channel.max_bytes:,} bytes")
            Channel.objects.filter(pk=channel.pk).update(etag=(response.headers.get("ETag") or "")[:300],
                                                         last_modified=(response.headers.get("Last-Modified") or "")[:100])
            return response.status, raw
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return 304, None
        raise ChannelFailed(f"{channel.url} answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ChannelFailed(f"{channel.url} could not be read: {reason}") from None


def run_url(channel):
    if not channel.url:
        raise ChannelFailed("the channel has no URL")
    status, raw = fetch(channel)
    if raw is None:
        return []
    name = channel.url.rsplit("/", 1)[-1] or channel.url
    found = ingest.read_bytes(name, raw, channel=channel)
    return ingest.take_in(found, file=channel.url, channel=channel,
                          raw_file=raw[:200_000].decode("utf-8", "replace"))


# The runner ------------------------------------------------------------------------------

PRUNE_EVERY = 60.0
LOOK_EVERY = 0.05  # seconds between looks into the folders, between the rounds


def waiting_files(path):
    """The names of the files in the folder a run would take (one listing, no stat per file)."""
    with os.scandir(path) as entries:
        return frozenset(e.name for e in entries if e.is_file() and not e.name.startswith(".")
                         and not e.name.lower().endswith(PART_SUFFIXES))


class Runner:
    """Runs due channels, one at a time, until stopped; prunes expired items now and then.

    Every `tick` a round runs the channels whose time has come (a folder's every FOLDER_EVERY).
    In between, it lists each folder every LOOK_EVERY and runs the channel at once when a file
    has come that was not there at the last look: a dropped file is taken within a few
    hundredths of a second instead of waiting for the round. A listing of a small folder costs
    a few microseconds. Only new names count, so a file that cannot be moved, or a backlog
    another process is working through, does not make it try again and again; the round
    still does, as before. Either way run_channel claims the channel first: one process at a
    time runs it, and one that finds it taken leaves the new file to that process's next look,
    or to the round. (A file-system notification, inotify, would save those few hundredths,
    but it sees nothing written to a network share from another machine, and needs a watch
    per folder and process, kept up as folders come and go; the round is needed anyway.)"""

    def __init__(self, tick=0.25, look=LOOK_EVERY, workers=None):
        self.tick, self.look, self.stop = tick, look, threading.Event()
        self.workers = workers  # reading processes for a large folder (run_channel)
        self.next_prune = 0.0
        self.folders = {}  # channel id -> folder, of the folder channels not paused
        self.seen = {}  # channel id -> the names waiting in its folder at the last look

    def once(self):
        now = timezone.now()
        running = list(Channel.objects.filter(paused=False).values_list("pk", "kind", "path", "next_run_at"))
        self.folders = {pk: path for pk, kind, path, _at in running if kind == Channel.Kind.FOLDER and path}
        for channel_id in [pk for pk, _kind, _path, at in running if at is None or at <= now]:
            if self.stop.is_set():
                break
            run_channel(channel_id, workers=self.workers)
        if time.monotonic() >= self.next_prune:
            self.next_prune = time.monotonic() + PRUNE_EVERY
            ingest.prune_expired()

    def look_into_folders(self):
        """Run each folder channel with a new file in its folder; the ids run."""
        ran = []
        for channel_id, path in list(self.folders.items()):
            try:
                names = waiting_files(path)
            except OSError:  # not there: the round says so on the channel's page
                continue
            new = names - self.seen.get(channel_id, frozenset())
            # Noted before the run: a file that comes during it is new at the next look.
            self.seen[channel_id] = names
            if new and not self.stop.is_set():
                run_channel(channel_id, workers=self.workers)
                ran.append(channel_id)
        return ran

    def run(self):
        while not self.stop.is_set():
            try:
                self.once()
                until = time.monotonic() + self.tick
                while not self.stop.wait(self.look) and time.monotonic() < until:
                    self.look_into_folders()
            except Exception:
                log.exception("the wire channels' run failed; going on")
                self.stop.wait(self.tick)
            finally:
                close_old_connections()


_runner = None


def start():
    """Run the channels in a thread of this process (once)."""
    global _runner
    if _runner is None:
        # Files are read in this thread: forking reader processes from a serving process, whose
        # other threads may hold locks at that moment, could leave a reader stuck for ever.
        _runner = Runner(workers=0)
        threading.Thread(target=_runner.run, name="wire-channels", daemon=True).start()
    return _runner
