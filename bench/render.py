"""The article page rendered in process: milliseconds and queries per render.

    PYTHONPATH=. .venv/bin/python bench/render.py [--runs 500] [--seed PATH] [--json-out FILE]

Makes a SQLite database in a temporary VAR_DIR (nothing of ./var is read or written),
migrates it, imports the sample page (../shared/seed/000_4fb814c294a25f07.txt: an article
and a "Read next" river of five briefs, one labelled with a person) through `newsdesk
import`, puts the article in a section, then gets the article page with Django's test
Client: once cold (the first render in the process), a few warm-ups, then --runs times.
Reports the mean, median and 99th percentile in ms, the median CPU time, and the queries of the first render
and of a warm one (with the SQL of the warm one under --sql).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_4fb814c294a25f07.txt"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--sql", action="store_true", help="print the queries of a warm render")
    parser.add_argument("--html-out", type=Path, help="write the page's HTML to this file (to compare two versions)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the measured runs to this file")
    args = parser.parse_args()
    if not args.seed.is_file():
        sys.exit(f"render: the sample page {args.seed} is missing")

    with tempfile.TemporaryDirectory(prefix="newsdesk-render-") as var_dir:
        # Before Django reads the settings: a fresh embedded database, no debug, no shared cache.
        for name in ("DATABASE_URL", "REDIS_URL", "DEBUG"):
            os.environ.pop(name, None)
        os.environ["VAR_DIR"] = var_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        result = measure(args)

    print(f"article page, {result['runs']} renders: mean {result['mean_ms']:.2f} ms, "
          f"p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, CPU p50 {result['cpu_p50_ms']:.2f} ms; "
          f"queries: first render {result['queries_cold']}, then {result['queries_warm']}")
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n")


def measure(args):
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from newsdesk.stories.models import Section, Story

    call_command("migrate", verbosity=0)
    out = StringIO()
    call_command("import", str(args.seed), "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    article = next(row for row in rows if row["kind"] == "article")
    Story.objects.filter(pk=article["id"]).update(section=Section.named("World"))
    url = article["url"]

    client = Client()
    with CaptureQueriesContext(connection) as cold:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    queries_cold = len(cold)  # now: the list is read from the connection's log, which later requests reset
    for _ in range(args.warmup):
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    warm_sql = [query["sql"] for query in warm.captured_queries]
    if args.sql:
        print("\n".join(warm_sql))

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    times, cpu = [], []
    for _ in range(args.runs):
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - cpu_started) * 1000)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    assert response.status_code == 200
    if args.html_out:
        args.html_out.write_bytes(response.content)
    times.sort()
    return {
        "runs": args.runs,
        "mean_ms": statistics.fmean(times),
        "p50_ms": statistics.median(times),
        "p99_ms": times[min(len(times) - 1, int(0.99 * len(times)))],
        # The CPU time of this thread (the render and SQLite's own work): on a busy machine
        # the wall times above include waiting for a core, this does not.
        "cpu_p50_ms": statistics.median(cpu),
        "queries_cold": queries_cold,
        "queries_warm": len(warm_sql),
        "bytes": len(response.content),
        "river_items": response.content.count(b"<li data-story="),
    }


if __name__ == "__main__":
    main()
