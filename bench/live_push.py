"""Live push: how long a published brief takes to reach thousands of open event streams.

    python bench/live_push.py --url http://127.0.0.1:PORT --streams 50,5000 --publishes 5 --json-out OUT.json

For each stream count in turn: open that many connections to GET /live/stream (a raw
HTTP/1.1 request each, on one asyncio loop), wait until every one has received the
stream's `retry:` line (or its time is up), then publish a brief `--publishes` times
through `newsdesk shell -c`, which prints time.time() right after
`newsdesk.stories.services.publish_brief` returns (it returns once committed). Each
stream notes when the `event: story` of that story reaches it; the figures are
arrival - commit per stream: p50, p99, max, and how many streams got it. The streams
are closed before the next count.

The publishing command runs with this process's environment (VAR_DIR, DATABASE_URL...),
so it writes to the database the server reads. Only the standard library.
"""

import argparse
import asyncio
import json
import os
import re
import resource
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

STORY_EVENT = re.compile(rb'event: story\ndata: \{"story":(\d+)')
PUBLISH = """
import json, time
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from newsdesk.stories.services import publish_brief
# The benchmark's own editor, in its own database (a production start makes no account).
user, made = get_user_model().objects.get_or_create(username="bench-editor")
if made:
    user.groups.add(Group.objects.get(name="Editor"))
story = publish_brief({text!r}, by=user)
committed = time.time()
print("BENCH " + json.dumps({{"story": story.pk, "committed": committed}}))
"""


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


class Stream:
    def __init__(self):
        self.ready = asyncio.get_running_loop().create_future()
        self.arrivals = {}  # story id -> time.time() of arrival
        self.error = None
        self.writer = None


async def follow(stream, host, port, path, ready_timeout):
    """Open one stream and read it until cancelled, noting when each story event arrives."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), ready_timeout)
        stream.writer = writer
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
                     "User-Agent: newsdesk-bench\r\n\r\n".encode())
        await writer.drain()
        buffer = b""
        checked = False
        while True:
            data = await reader.read(65536)
            arrived = time.time()
            if not data:
                raise ConnectionError("closed by the server")
            buffer += data
            if not checked and b"\r\n" in buffer:
                checked = True
                status = buffer.split(b"\r\n", 1)[0]
                if b" 200 " not in status + b" ":
                    raise ConnectionError(status.decode("latin-1"))
            if not stream.ready.done():
                if b"retry:" in buffer:
                    stream.ready.set_result(arrived)
            last = 0
            for match in STORY_EVENT.finditer(buffer):
                stream.arrivals.setdefault(int(match.group(1)), arrived)
                last = match.end()
            # Keep a tail in case an event's first line was split between reads.
            buffer = buffer[max(last, len(buffer) - 64):]
    except asyncio.CancelledError:
        raise
    except Exception as error:
        stream.error = f"{type(error).__name__}: {error}"
        if not stream.ready.done():
            stream.ready.set_exception(error)
    finally:
        if stream.writer is not None:
            stream.writer.close()


async def publish(newsdesk, text):
    process = await asyncio.create_subprocess_exec(
        newsdesk, "shell", "-c", PUBLISH.format(text=text),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    for line in out.decode().splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    raise RuntimeError(f"publishing failed ({process.returncode}): {err.decode()[-2000:]}")


async def run_count(args, count, host, port, path):
    print(f"  {count:,} streams: opening", flush=True)
    started = time.monotonic()
    streams = [Stream() for _ in range(count)]
    tasks = []
    for i, stream in enumerate(streams):
        tasks.append(asyncio.ensure_future(follow(stream, host, port, path, args.ready_timeout)))
        if i % args.batch == args.batch - 1:
            await asyncio.sleep(args.batch_pause)
    await asyncio.wait([s.ready for s in streams], timeout=args.ready_timeout)
    ready = [s for s in streams if s.ready.done() and not s.ready.cancelled() and s.ready.exception() is None]
    open_seconds = time.monotonic() - started
    errors = {}
    for s in streams:
        if s not in ready:
            reason = s.error or "no retry: line in time"
            errors[reason] = errors.get(reason, 0) + 1
    print(f"  {count:,} streams: {len(ready):,} open with their retry: line after {open_seconds:.1f} s"
          + (f"; not open: {errors}" if errors else ""), flush=True)
    publishes = []
    try:
        if not ready:
            raise RuntimeError("no stream opened")
        for n in range(args.publishes):
            await asyncio.sleep(args.pause)
            text = f"Benchmark brief {n + 1} of {args.publishes} to {count} open streams at {time.time():.3f}."
            published = await publish(args.newsdesk, text)
            story, committed = published["story"], published["committed"]
            deadline = time.monotonic() + args.deliver_timeout
            while time.monotonic() < deadline:
                if all(story in s.arrivals or s.error for s in ready):
                    break
                await asyncio.sleep(0.05)
            delays = [(s.arrivals[story] - committed) * 1000 for s in ready if story in s.arrivals]
            row = {"story": story, "delivered": len(delays), "open": len(ready), "streams": count,
                   "p50_ms": percentile(delays, 50), "p99_ms": percentile(delays, 99),
                   "max_ms": max(delays) if delays else None, "min_ms": min(delays) if delays else None}
            publishes.append({**row, "delays_ms": delays})
            print(f"    publish {n + 1}: story {story} reached {len(delays):,} of {count:,} streams;"
                  f" p50 {row['p50_ms'] or 0:.1f} ms  p99 {row['p99_ms'] or 0:.1f} ms  max {row['max_ms'] or 0:.1f} ms",
                  flush=True)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    delays = [d for p in publishes for d in p["delays_ms"]]
    for p in publishes:
        del p["delays_ms"]
    return {
        "streams": count, "open": len(ready), "open_seconds": open_seconds, "not_open": errors,
        "publishes": publishes,
        "delivered_min": min((p["delivered"] for p in publishes), default=0),
        "all_delivered": bool(publishes) and all(p["delivered"] == count for p in publishes),
        "p50_ms": percentile(delays, 50), "p99_ms": percentile(delays, 99), "max_ms": max(delays) if delays else None,
        "mean_ms": statistics.fmean(delays) if delays else None,
    }


async def main(args):
    parts = urlsplit(args.url)
    host, port = parts.hostname, parts.port or 80
    path = "/live/stream"
    counts = [int(c) for c in args.streams.split(",")]
    limit = raise_fd_limit(max(counts) + 1024)
    if limit < max(counts) + 64:
        print(f"  the open-file limit is {limit}: too low for {max(counts)} streams", file=sys.stderr)
    results = {"url": args.url, "publishes": args.publishes, "fd_limit": limit, "runs": []}
    for count in counts:
        try:
            results["runs"].append(await run_count(args, count, host, port, path))
        except Exception as error:
            print(f"  {count:,} streams failed: {error}", file=sys.stderr)
            results["runs"].append({"streams": count, "error": str(error)})
        await asyncio.sleep(1)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="base URL of `newsdesk serve`")
    parser.add_argument("--streams", default="50,5000", help="stream counts, measured in turn (default 50,5000)")
    parser.add_argument("--publishes", type=int, default=5)
    parser.add_argument("--pause", type=float, default=1.0, help="seconds before each publish")
    parser.add_argument("--batch", type=int, default=250, help="connections opened before a pause")
    parser.add_argument("--batch-pause", type=float, default=0.05)
    parser.add_argument("--ready-timeout", type=float, default=60, help="seconds for every stream to open")
    parser.add_argument("--deliver-timeout", type=float, default=15, help="seconds a publish may take to reach all")
    parser.add_argument("--newsdesk", default=str(Path(sys.executable).with_name("newsdesk")))
    parser.add_argument("--json-out")
    args = parser.parse_args()
    results = asyncio.run(main(args))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))
    sys.exit(0 if any(r.get("open") for r in results["runs"]) else 1)
