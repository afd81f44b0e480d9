"""The wire desk at scale: agency copy into the queue, a dropped file onto an open desk, and
the desk with a full queue.

    VAR_DIR=... .venv/bin/python bench/wire.py [--items 10000] [--drops 40] [--desk-items 100000]
        [--runs 20] [--reference-items 500] [--parts ingest,latency,desk] [--json-out FILE]

Works in the database the settings name (VAR_DIR for SQLite, DATABASE_URL for PostgreSQL),
which must be migrated and empty of wire items. Three parts:

* ingest: --items files made from IPTC's own examples (ninjs 1.x/2.x text items from
  ../shared/ninjs/examples, NewsML-G2 text items from ../shared/newsml-g2/examples), each
  with a guid of its own, into a folder; one run of a folder channel over it (what a channel
  does: read, validate, store each item with its version, announce it, move the file to
  done/). Items in the queue per second, per format, with the process's CPU time and, apart,
  that of the reading processes (WIRE_WORKERS; what the process read itself, when they were
  behind, is in its own) and, on PostgreSQL, of the server process that stored them. The
  reference, in the same run:
  --reference-items more files of each format stored one item at a time (ingest.store), 200
  files to a transaction, as a channel took them before a batch's new items went in together.
* latency: a real `newsdesk serve` (the channels run inside it) and a client reading
  /live/stream as the open desk does; files dropped into a folder channel one at a time (at
  random moments, written under a .part name then renamed, as agencies do; the channels'
  runner lists the folder every 0.05 s between its rounds); the time from the
  rename to the desk holding the row: the stream's `event: wire` for the item, then the
  desk's own request for its rows (/newsroom/wire/rows/?ids=..., signed in) answered with
  the headline. p50, p99, max.
* desk: --desk-items items in the queue (bulk inserts), then GET /newsroom/wire/ in this
  process through Django's test client, signed in as an editor: the server's time for the
  whole response (middleware, queries, template), and the number of queries; unfiltered,
  filtered by agency, and a word search.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from newsdesk.imports.formats import Refused, Skipped, read_agency_bytes  # noqa: E402
from newsdesk.wire import channels  # noqa: E402
from newsdesk.wire.models import Channel, WireItem, WireVersion, expiry  # noqa: E402

SHARED = ROOT.parent / "shared"
NINJS = SHARED / "ninjs" / "examples"
NEWSML = SHARED / "newsml-g2" / "examples"
NEWSDESK = Path(sys.executable).with_name("newsdesk")
BATCH = 5_000
NEWSML_GUID = re.compile(r'(<newsItem\b[^>]*?\bguid=")([^"]+)(")')


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- files from IPTC's examples ---------------------------------------------------------

def _one_text_item(name, raw):
    try:
        found = read_agency_bytes(name, raw)
    except Exception:  # noqa: BLE001 - an example the reader cannot take is simply not used
        return False
    return len(found) == 1 and not isinstance(found[0], (Refused, Skipped)) and bool(found[0].headline)


def templates():
    """{"ninjs": [(name, make(n) -> bytes)], "newsml": [...]}: the examples that are one text item."""
    made = {"ninjs": [], "newsml": []}
    for path in sorted(NINJS.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if not isinstance(doc, dict) or "uri" not in doc:
            continue

        def make(n, doc=doc):
            copy = dict(doc, uri=f"{doc['uri']}/bench-{n}")
            if isinstance(doc.get("altids"), dict) and "itemid" in doc["altids"]:  # AP's: the same story
                copy["altids"] = dict(doc["altids"], itemid=f"{doc['altids']['itemid']}-bench-{n}")
            return json.dumps(copy).encode()

        if _one_text_item(path.name, make(0)):
            made["ninjs"].append((path.stem, make))
    for path in sorted(NEWSML.glob("*.xml")):
        text = path.read_text(encoding="utf-8")
        if len(NEWSML_GUID.findall(text)) != 1:
            continue

        def make(n, text=text):
            return NEWSML_GUID.sub(lambda m: f"{m[1]}{m[2]}-bench-{n}{m[3]}", text).encode()

        if _one_text_item(path.name, make(0)):
            made["newsml"].append((path.stem, make))
    return made


def write_files(folder, kind, count, made, start=0):
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".json" if kind == "ninjs" else ".xml"
    sources = made[kind]
    for n in range(start, start + count):
        name, make = sources[n % len(sources)]
        (folder / f"{n:06d}-{name}{suffix}").write_bytes(make(n))


# --- ingest -------------------------------------------------------------------------------

def part_ingest(count, made, workdir, reference_count=500):
    results = {}
    for kind in ("ninjs", "newsml"):
        folder = workdir / f"ingest-{kind}"
        write_files(folder, kind, count, made)
        channel = Channel.objects.create(name=f"bench {kind}", kind=Channel.Kind.FOLDER, path=str(folder))
        before = WireItem.objects.count()
        readers, server_cpu = _children_cpu(), server_clock()
        cpu, started, server = time.process_time(), time.monotonic(), server_cpu()
        run = channels.run_channel(channel.pk) or []
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        server = server_cpu() - server if server is not None else None
        readers = _children_cpu() - readers  # the reading processes, ended with the run
        actions = {}
        for r in run:
            actions[r.action] = actions.get(r.action, 0) + 1
        created = WireItem.objects.count() - before
        results[kind] = {
            "files": count, "items": created, "actions": actions, "seconds": seconds, "cpu_seconds": cpu,
            "readers_cpu_seconds": readers, "server_cpu_seconds": server,
            "items_per_s": created / seconds if seconds else None,
            "examples": [name for name, _ in made[kind]], "load_average": load_average(),
        }
        reference = _item_by_item(kind, min(count, reference_count), made, workdir, start=count)
        results[kind]["reference"] = reference
        print(f"  {kind}: {created:,} items of {count:,} files in {seconds:.1f} s = {created / seconds:,.0f}/s "
              f"(CPU {cpu:.1f} s, reading processes {readers:.1f} s{_server_text(server)}; {actions}; "
              f"load {load_average()}); "
              f"reference, item by item: "
              f"{reference['items_per_s']:,.0f}/s (CPU {reference['cpu_seconds']:.1f} s for {reference['items']:,})",
              flush=True)
        shutil.rmtree(folder, ignore_errors=True)
    return results


def server_clock():
    """A function giving the CPU seconds of the PostgreSQL server process of this connection
    so far (its /proc/PID/schedstat), or None where it cannot be read (SQLite, a server
    elsewhere, another user's)."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        path = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def read():
        try:
            return int(path.read_text().split()[0]) / 1e9  # nanoseconds on a CPU
        except (OSError, ValueError, IndexError):
            return None

    return read


def _server_text(seconds):
    return f", database server {seconds:.1f} s" if seconds is not None else ""


def _children_cpu():
    """CPU seconds of this process's children that have ended (the reading processes of a run)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _item_by_item(kind, count, made, workdir, start):
    """The reference, in the same run: files read here and stored one item at a time
    (ingest.store: a savepoint, a lookup, an item, a version, its bands and an event each),
    200 files to a transaction, as a folder channel took them before items were written together."""
    from django.db import transaction

    from newsdesk.wire import ingest

    folder = workdir / f"reference-{kind}"
    write_files(folder, kind, count, made, start=start)
    files = sorted(folder.iterdir())
    before = WireItem.objects.count()
    cpu, started = time.process_time(), time.monotonic()
    for first in range(0, len(files), 200):
        with transaction.atomic():
            for path in files[first:first + 200]:
                for data in ingest.read_file(path):
                    ingest.store(data, file=path.name)
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    created = WireItem.objects.count() - before
    shutil.rmtree(folder, ignore_errors=True)
    return {"files": count, "items": created, "seconds": seconds, "cpu_seconds": cpu,
            "items_per_s": created / seconds if seconds else None}


# --- latency ------------------------------------------------------------------------------

def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signed_in_cookie():
    from newsdesk.conftest import make_member

    user = make_member(f"bench-{random.randrange(10**9)}", "Editor")
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class Stream(threading.Thread):
    """GET /live/stream, as the desk's EventSource: each `event: wire`'s items, with when it came."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.arrived, self.ready = port, {}, threading.Event()

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request("GET", "/live/stream", headers={"Accept": "text/event-stream"})
        response = conn.getresponse()
        event = ""
        while True:
            line = response.fp.readline()
            if not line:
                return
            line = line.decode().rstrip("\n")
            if line.startswith("retry:"):
                self.ready.set()
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "wire":
                now = time.monotonic()
                for pk in json.loads(line[5:]).get("items", []):
                    self.arrived.setdefault(pk, now)


def part_latency(drops, made, workdir):
    folder = workdir / "latency-drop"
    folder.mkdir(parents=True, exist_ok=True)
    Channel.objects.create(name="bench latency", kind=Channel.Kind.FOLDER, path=str(folder))
    cookie = signed_in_cookie()
    connection.close()  # the server writes to the same database
    port = free_port()
    log = workdir / "serve-wire.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(NEWSDESK), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"wire: newsdesk serve did not start:\n{log.read_text()}")
                time.sleep(0.2)
        stream = Stream(port)
        stream.start()
        if not stream.ready.wait(30):
            sys.exit("wire: /live/stream did not open")
        rng, delays, missed = random.Random(8), [], 0
        for n in range(drops):
            time.sleep(rng.uniform(0.05, 0.6))  # a random moment of the channel's round and looks
            name, make = made["ninjs" if n % 2 else "newsml"][n % len(made["ninjs" if n % 2 else "newsml"])]
            raw = make(900_000 + n)
            final = folder / f"drop-{n}{'.json' if n % 2 else '.xml'}"
            part = final.with_name(final.name + ".part")
            part.write_bytes(raw)
            seen = set(stream.arrived)
            dropped = time.monotonic()
            part.rename(final)
            row = None
            while time.monotonic() - dropped < 10 and row is None:
                new = [pk for pk in stream.arrived if pk not in seen]
                if new:
                    request = urllib.request.Request(
                        f"http://127.0.0.1:{port}/newsroom/wire/rows/?ids={','.join(map(str, new))}",
                        headers={"Cookie": cookie})
                    with urllib.request.urlopen(request, timeout=10) as answer:
                        if b"wire-row" in answer.read():
                            row = time.monotonic()
                    seen.update(new)
                else:
                    time.sleep(0.002)
            if row is None:
                missed += 1
            else:
                delays.append((row - dropped) * 1000)
        print(f"  {len(delays)} of {drops} drops on the desk: p50 {statistics.median(delays):.0f} ms, "
              f"p99 {percentile(delays, 99):.0f} ms, max {max(delays):.0f} ms (load {load_average()})", flush=True)
        return {"drops": drops, "on_desk": len(delays), "missed": missed,
                "p50_ms": statistics.median(delays) if delays else None, "p99_ms": percentile(delays, 99),
                "max_ms": max(delays) if delays else None, "folder_every_s": channels.FOLDER_EVERY.total_seconds(),
                "look_every_s": channels.LOOK_EVERY, "live_poll_s": settings.LIVE_POLL_SECONDS,
                "redis": bool(settings.REDIS_URL), "load_average": load_average()}
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


# --- the desk with a full queue -----------------------------------------------------------

def fill_queue(count, rng):
    agencies = ["TASS", "AFP", "Reuters", "dpa", "ANSA", "AP"]
    chans = [Channel.objects.get_or_create(name=f"bench {a}", defaults={"path": f"drop-{a}"})[0] for a in agencies]
    words = ("talks ferry council harbour election storm court minister market strike summit vote rail "
             "budget police fire flood border trade energy").split()
    now, made, started = timezone.now(), 0, time.monotonic()
    while made < count:
        size = min(BATCH, count - made)
        items = []
        for n in range(made, made + size):
            headline = " ".join(rng.choices(words, k=7)).capitalize()
            items.append(WireItem(
                guid=f"ninjs:urn:bench:desk:{n}", channel=chans[n % len(chans)], agency=agencies[n % len(agencies)],
                format="ninjs", version="1", headline=headline, slugline=headline[:30], urgency=rng.randint(1, 9),
                language="en", subjects=[["medtop:11000000", "politics"]], subject_text="medtop:11000000 politics",
                body_html="".join(f"<p>{' '.join(rng.choices(words, k=40))}.</p>" for _ in range(4)),
                status=WireItem.Status.CANCELED if n % 50 == 0 else WireItem.Status.USABLE,
                received_at=now - datetime.timedelta(seconds=count - n),
                updated_at=now - datetime.timedelta(seconds=count - n), expires_at=expiry(now)))
        WireItem.objects.bulk_create(items)
        made += size
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {count:,} items in the queue in {time.monotonic() - started:.0f} s", flush=True)


def part_desk(count, runs, rng):
    fill_queue(count, rng)
    from newsdesk.conftest import make_member

    client = Client()
    client.force_login(make_member(f"bench-desk-{rng.randrange(10**9)}", "Editor"))
    results = {}
    for label, url in (("queue", "/newsroom/wire/"), ("agency", "/newsroom/wire/?agency=AFP"),
                       ("word", "/newsroom/wire/?q=harbour")):
        for _ in range(3):
            client.get(url)
        times, cpu_times = [], []
        for _ in range(runs):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                cpu, started = time.process_time(), time.perf_counter()
                response = client.get(url)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert response.status_code == 200, response.status_code
            times.append(elapsed * 1000)
            cpu_times.append(cpu * 1000)
        rows = response.content.count(b'class="wire-row')
        results[label] = {"url": url, "p50_ms": statistics.median(times), "p95_ms": percentile(times, 95),
                          "max_ms": max(times), "cpu_p50_ms": statistics.median(cpu_times),
                          "queries": len(queries.captured_queries), "rows": rows, "bytes": len(response.content)}
        print(f"  {url}: p50 {results[label]['p50_ms']:.1f} ms, p95 {results[label]['p95_ms']:.1f} ms, "
              f"CPU p50 {results[label]['cpu_p50_ms']:.1f} ms ({len(queries.captured_queries)} queries, {rows} rows; "
              f"load {load_average()})", flush=True)
    return {"items": count, "runs": runs, "pages": results, "load_average": load_average()}


def main():
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=int(env("BENCH_WIRE_ITEMS", 10_000)))
    parser.add_argument("--drops", type=int, default=int(env("BENCH_WIRE_DROPS", 40)))
    parser.add_argument("--desk-items", type=int, default=int(env("BENCH_WIRE_DESK_ITEMS", 100_000)))
    parser.add_argument("--runs", type=int, default=int(env("BENCH_WIRE_RUNS", 20)))
    parser.add_argument("--reference-items", type=int, default=int(env("BENCH_WIRE_REFERENCE_ITEMS", 500)),
                        help="files of each format stored item by item, the reference measured in the same run")
    parser.add_argument("--parts", default="ingest,latency,desk")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if unknown := set(parts) - {"ingest", "latency", "desk"}:
        sys.exit(f"wire: no part {', '.join(sorted(unknown))} (ingest, latency, desk)")
    if WireItem.objects.exists():
        sys.exit("wire: the database already holds wire items; give it an empty one")
    made = templates()
    if not made["ninjs"] or not made["newsml"]:
        sys.exit(f"wire: no usable IPTC examples in {NINJS} and {NEWSML}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="wire-bench-"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        database = f"{connection.vendor} {cursor.fetchone()[0].split(' ')[0]}"
    print(f"== wire on {database}: examples {len(made['ninjs'])} ninjs, {len(made['newsml'])} NewsML-G2; "
          f"load {load_average()}", flush=True)
    report = {"database": database, "load_average_at_start": load_average(), "cpus": os.cpu_count()}
    if "ingest" in parts:
        report["ingest"] = part_ingest(args.items, made, workdir, args.reference_items)
    if "latency" in parts:
        report["latency"] = part_latency(args.drops, made, workdir)
    if "desk" in parts:
        WireVersion.objects.all().delete()
        WireItem.objects.all().delete()
        report["desk"] = part_desk(args.desk_items, args.runs, random.Random(17))
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
