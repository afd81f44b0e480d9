"""Comments: POST throughput and latency on loopback, and an article page with 10,000 comments.

    VAR_DIR=... .venv/bin/python bench/comments.py [--comments 10000] [--json-out FILE] [--md-out FILE]

The database is whatever the settings say (VAR_DIR for SQLite); it must be migrated
and should be empty. The script imports two articles with the same body (one for
the posts and the 0-comment page, one for the 10,000 comments), seeds 10,000 approved
comments on the second with bulk_create, then:

* render in process: the Django test Client gets each article page N times (after a
  warm-up) and records the median and p90 in ms, and the queries of one render.
* starts `newsdesk serve` (granian) on a free 127.0.0.1 port, with no minimum time
  before a post (COMMENTS_MIN_SECONDS=0) and rate limits far above what wrk can send;
* wrk GET of the 0-comment article: the reference for the posts (same server, same
  workers, same middleware and session; the difference is the post) and the base of
  the 10,000-comment page;
* wrk POST of guest comments to it: a CSRF cookie and token and a valid `started`
  token read from the page beforehand, the honeypot empty, a unique text per request
  (the run, the wrk thread and a counter), `Accept: application/json` (201 and the id);
* wrk GET of the 10,000-comment article.

wrk runs with --timeout 10s (BENCH_COMMENTS_TIMEOUT): with wrk's default of 2 s the
10,000-comment page's answers on a busy machine count as timeouts and have no latency.

Every wrk run is a warm-up, then the measured run (-d), against 127.0.0.1 only. Before
each, the script waits until the server answers a small request: wrk stops with
requests still queued for a worker, and they must not count against the next run.
"""

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
# For this process and the server it starts: posts need not wait, and no rate limit is reached.
os.environ.update(COMMENTS_MIN_SECONDS="0", COMMENTS_RATE_IP="1000000000/60", COMMENTS_RATE_ACCOUNT="1000000000/60")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from newsdesk.comments import text as comment_text  # noqa: E402
from newsdesk.comments.models import Comment  # noqa: E402
from newsdesk.stories.models import Story  # noqa: E402

NEWSDESK = ROOT / ".venv" / "bin" / "newsdesk"
REPORT_LUA = ROOT / "bench" / "wrk_report.lua"

PAGE = """{headline}
The harbour ferry is back on its route after three months in dry dock, the council said on Monday, and the first crossing leaves at six.
Passengers will find new seats, a larger cafe on the upper deck and a ramp for bicycles; the fares stay as they were until the spring.
The repairs cost more than planned because the engine mounts had to be replaced, the harbour master said. The council will ask the county to share the bill.
Commuters who took the bus around the fjord during the winter said the crossing saves them almost an hour a day.
What is your opinion on this topic?
Leave the first comment
"""
HEADLINES = {"posts": "Harbour ferry returns after winter repairs", "full": "Harbour ferry returns after spring repairs"}

WORDS = """ferry harbour council crossing timetable fares bus fjord engine repairs winter spring cafe deck bicycles
commuters county bill morning evening route captain crew passengers tickets weather storm delays hour queue""".split()

# wrk: a guest's comment per request, unique text from the run's tag, the thread and a counter.
POST_LUA = """
-- written by bench/comments.py: POST a guest's comment with a CSRF cookie and token.
local threads = 0
function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end
function init(args)
  csrf, started, tag, counter = args[1], args[2], args[3], 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Accept"] = "application/json"
  wrk.headers["Cookie"] = "csrftoken=" .. csrf
end
function request()
  counter = counter + 1
  local body = "csrfmiddlewaretoken=" .. csrf .. "&started=" .. started ..
    "&website=&parent=&name=Bench+Reader&email=bench%40example.org" ..
    "&text=Benchmark+comment+" .. tag .. "+" .. thread_id .. "+" .. counter .. "%3A+the+ferry+timetable+works+for+me."
  return wrk.format(nil, nil, nil, body)
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the database --------------------------------------------------------------


def import_articles(folder):
    """The two articles, from text pages through `newsdesk import`: {role: (id, url)}."""
    found = {}
    for role, headline in HEADLINES.items():
        page = folder / f"article-{role}.txt"
        page.write_text(PAGE.format(headline=headline), encoding="utf-8")
        out = StringIO()
        call_command("import", str(page), "--json", stdout=out)
        row = next(json.loads(line) for line in out.getvalue().splitlines()
                   if line.startswith("{") and json.loads(line)["kind"] == "article")
        found[role] = (row["id"], row["url"])
    return found


def seed_comments(story, count, rng):
    """`count` approved comments on `story`: four in five start a thread, the rest answer one."""
    now = timezone.now()
    names = [f"{a} {b}" for a in ("Anna", "Erik", "Maria", "Jonas", "Sofia", "Lars", "Ingrid", "Olav")
             for b in ("Berg", "Hansen", "Novak", "Dahl", "Moreau", "Rossi")]

    def comment(n, thread=None):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))).capitalize() + "."
                      for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        text = "\n\n".join(paragraphs) + f" ({n})"
        name = rng.choice(names)
        return Comment(
            story=story, thread=thread, parent=thread, author_name=name,
            guest_email=f"{name.replace(' ', '.').lower()}@example.org", text=text, html=comment_text.render(text),
            status=Comment.Status.APPROVED, digest=Comment.digest_of(text), like_count=rng.randint(0, 20),
            created_at=now - timedelta(seconds=count - n),
        )

    started = time.perf_counter()
    with transaction.atomic():
        tops = Comment.objects.bulk_create([comment(n) for n in range(count * 4 // 5)], batch_size=500)
        replies = [comment(n, thread=rng.choice(tops)) for n in range(len(tops), count)]
        Comment.objects.bulk_create(replies, batch_size=500)
        Story.objects.filter(pk=story.pk).update(comment_count=count)
    return {"comments": count, "threads": len(tops), "replies": len(replies), "seconds": time.perf_counter() - started}


def render_times(url, runs, warmup=3):
    """The page rendered in this process by the test Client: ms per run, the queries of one."""
    client = Client()
    for _ in range(warmup):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return {
        "runs": runs, "median_ms": statistics.median(times), "p90_ms": times[int(0.9 * (runs - 1))],
        "min_ms": times[0], "queries": len(queries), "bytes": len(response.content),
        "comments_shown": response.content.count(b"data-comment-id="),
    }


# --- the server and wrk ----------------------------------------------------------


class Server:
    def __init__(self, workers, log):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [str(NEWSDESK), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)],
                stdout=out, stderr=subprocess.STDOUT,
            )

    def wait(self, path, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"comments: newsdesk serve exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as page:
                    if page.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        sys.exit(f"comments: newsdesk serve did not answer within {seconds} s")

    def drain(self, path, seconds=120):
        """Until a request answers: what wrk left queued (it stops with requests still
        waiting for a worker) must not count against the next run."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=seconds) as answer:
                answer.read()
        except OSError as err:
            print(f"  (the server did not answer within {seconds} s after a wrk run: {err})")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def guest_form(url):
    """What a guest's browser holds after reading the page: the CSRF cookie and the form's started token."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url, timeout=10) as page:
        html = page.read().decode()
    marker = 'name="started" value="'
    started = html[html.index(marker) + len(marker):].split('"', 1)[0]
    if not any(c.name == "csrftoken" for c in jar):
        # A guest's page is the same for everyone and sets no cookie: the form asks for a
        # token when first used (site/csrf.js), which sets the CSRF cookie.
        marker = 'data-token-url="'
        token_url = html[html.index(marker) + len(marker):].split('"', 1)[0]
        opener.open(urllib.request.Request(urllib.parse.urljoin(url, token_url),
                                           headers={"Accept": "application/json"}), timeout=10).read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    return csrf, started


def wrk(name, url, args, workdir, drain, script=None, script_args=()):
    """A warm-up, then the measured run, each after drain(); the figures of wrk_report.lua."""
    lua = REPORT_LUA
    if script:
        lua = workdir / f"wrk-{name}.lua"
        lua.write_text(script + "\n" + REPORT_LUA.read_text())
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--timeout", args.timeout]
    extra = ["--", *script_args] if script_args else []
    warm = [*extra[:-1], "warmup"] if script_args else []  # the tag is the last argument: unique texts per run
    drain()
    subprocess.run([*base, f"-d{args.warmup}", "-s", str(lua), url, *warm], check=True,
                   stdout=subprocess.DEVNULL, timeout=_seconds(args.warmup) + 30)
    drain()
    done = subprocess.run([*base, f"-d{args.duration}", "--latency", "-s", str(lua), url, *extra],
                          check=True, capture_output=True, text=True, timeout=_seconds(args.duration) + 30)
    (workdir / f"wrk-{name}.txt").write_text(done.stdout)
    return json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])


def _seconds(duration):
    units = {"s": 1, "m": 60, "h": 3600}
    return float(duration[:-1]) * units[duration[-1]] if duration[-1] in units else float(duration)


# --- the report ------------------------------------------------------------------


def markdown(r):
    """The section of docs/benchmarks.md's results (bench/report.py adds it)."""
    s, post, ref, full = r["settings"], r["wrk"]["post"], r["wrk"]["get_0"], r["wrk"]["get_full"]
    n = r["seed"]["comments"]

    def row(name, w):
        errors = sum(w["errors"].values())
        p50, p99 = (f"{w[k]:.2f} ms" if w["requests"] > w["errors"]["timeout"] else "–" for k in ("p50_ms", "p99_ms"))
        return f"| {name} | {w['requests_per_s']:,.0f} | {p50} | {p99} | {errors} |"

    ip0, ipn = r["render"]["0"], r["render"]["full"]
    return "\n".join([
        "**Comments, wrk on loopback**",
        "",
        f"`wrk -t{s['threads']} -c{s['connections']} -d{s['duration']} --timeout {s['timeout']}` (after a {s['warmup']} "
        "warm-up each; the longer timeout so that the slow page's latency is measured, not counted as timeouts) against "
        f"`newsdesk serve` with {s['workers']} granian workers on SQLite. POST: a guest's comment per request "
        "(CSRF cookie and token, a valid form token, unique text, `Accept: application/json`, 201). "
        "Reference: GET of the same article's page (0 comments) on the same server in the same run.",
        "",
        "| request | requests/s | p50 | p99 | errors |",
        "|---|---:|---:|---:|---:|",
        row("POST a comment", post),
        row("GET the article page, 0 comments (reference)", ref),
        row(f"GET the article page, {n:,} comments", full),
        "",
        f"**POST / GET = {r['ratio_post_to_get']:.3f}** (requests/s); {r['stored']['comments']:,} comments stored "
        f"by the measured POST run, which counted {post['requests']:,} answers.",
        "",
        f"**Article with {n:,} approved comments** ({r['seed']['threads']:,} threads, {r['seed']['replies']:,} replies; "
        f"the page shows {s['per_page']} threads with their replies): "
        f"**{n:,} comments / 0 comments = {r['ratio_full_to_0']:.3f}** (wrk requests/s).",
        "",
        "| article page, rendered in process (test Client) | median | p90 | queries | bytes |",
        "|---|---:|---:|---:|---:|",
        f"| 0 comments | {ip0['median_ms']:.1f} ms | {ip0['p90_ms']:.1f} ms | {ip0['queries']} | {ip0['bytes']:,} |",
        f"| {n:,} comments | {ipn['median_ms']:.1f} ms | {ipn['p90_ms']:.1f} ms | {ipn['queries']} | {ipn['bytes']:,} |",
        "",
        f"Median of {ip0['runs']} renders each (after 3 not counted), {ipn['median_ms'] / ip0['median_ms']:.2f} × the "
        "empty page's time.",
        "",
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get
    parser.add_argument("--comments", type=int, default=int(env("BENCH_COMMENTS", 10_000)))
    parser.add_argument("--render-runs", type=int, default=int(env("BENCH_RENDER_RUNS", 20)))
    parser.add_argument("--threads", type=int, default=int(env("BENCH_THREADS", 2)))
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", 32)))
    parser.add_argument("--duration", default=env("BENCH_DURATION", "10s"))
    parser.add_argument("--warmup", default=env("BENCH_WARMUP", "2s"))
    parser.add_argument("--timeout", default=env("BENCH_COMMENTS_TIMEOUT", "10s"),
                        help="wrk --timeout: slower answers count as timeouts, without a latency (default 10s)")
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1)))
    parser.add_argument("--workdir", type=Path, help="for the wrk output and the server's log (default: a temp folder)")
    parser.add_argument("--json-out", type=Path, help="write the figures here as JSON")
    parser.add_argument("--md-out", type=Path, help="write the results section here as Markdown")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on the way out

    if Story.objects.exists():
        sys.exit("comments: the database already holds stories; use a fresh one")
    workdir = Path(tempfile.mkdtemp(prefix="comments-", dir=args.workdir))
    from django.conf import settings

    articles = import_articles(workdir)
    (post_id, path_0), (full_id, path_full) = articles["posts"], articles["full"]
    seed = seed_comments(Story.objects.get(pk=full_id), args.comments, random.Random(1))
    print(f"  seeded {seed['comments']:,} approved comments in {seed['seconds']:.1f} s")

    render = {"0": render_times(path_0, args.render_runs), "full": render_times(path_full, args.render_runs)}
    for key, label in (("0", "0 comments"), ("full", f"{args.comments:,} comments")):
        t = render[key]
        print(f"  render in process, {label:16}  median {t['median_ms']:7.1f} ms  p90 {t['p90_ms']:7.1f} ms  "
              f"{t['queries']} queries  {t['bytes']:,} bytes")
    connection.close()  # the server's workers write to the same database

    server = Server(args.workers, workdir / "serve.log")
    try:
        server.wait(path_0)
        csrf, started = guest_form(server.base + path_0)
        drain = lambda: server.drain("/healthz")  # noqa: E731 (a small answer, from a worker like the rest)
        results = {
            "get_0": wrk("comments-get-0", server.base + path_0, args, workdir, drain),
            "post": wrk("comments-post", f"{server.base}/comments/stories/{post_id}/", args, workdir, drain, POST_LUA,
                        (csrf, urllib.parse.quote(started, safe=""), "measured")),
            "get_full": wrk("comments-get-full", server.base + path_full, args, workdir, drain),
        }
    finally:
        server.stop()

    stored = Comment.objects.filter(story_id=post_id, text__startswith="Benchmark comment measured ").count()
    result = {
        "settings": {"threads": args.threads, "connections": args.connections, "duration": args.duration,
                     "warmup": args.warmup, "timeout": args.timeout, "workers": args.workers, "per_page": settings.COMMENTS_PER_PAGE},
        "seed": seed,
        "render": render,
        "wrk": results,
        "stored": {"comments": stored},
        "ratio_post_to_get": results["post"]["requests_per_s"] / results["get_0"]["requests_per_s"],
        "ratio_full_to_0": results["get_full"]["requests_per_s"] / results["get_0"]["requests_per_s"],
    }
    for name, key in (("POST a comment", "post"), ("GET, 0 comments", "get_0"), (f"GET, {args.comments:,} comments", "get_full")):
        w = results[key]
        errors = sum(w["errors"].values())
        print(f"  {name:22}  {w['requests_per_s']:8,.0f} requests/s  p50 {w['p50_ms']:8.2f} ms  p99 {w['p99_ms']:8.2f} ms"
              + (f"  {errors} errors (non-2xx, timeouts...)" if errors else ""))
    print(f"  POST / GET = {result['ratio_post_to_get']:.3f}; {args.comments:,} comments / 0 = {result['ratio_full_to_0']:.3f}; "
          f"{stored:,} comments stored by {results['post']['requests']:,} POSTs counted")
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2))
    if args.md_out:
        args.md_out.write_text(markdown(result))


if __name__ == "__main__":
    main()
