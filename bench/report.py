"""The machine a benchmark ran on, and the results section of docs/benchmarks.md.

    python bench/report.py machine OUT   # print the machine, save OUT/machine.json
    python bench/report.py write OUT     # results from OUT/*.json into docs/benchmarks.md

Only the standard library: the figures of the run are in OUT as JSON files
(machine.json, page.json, front.json, spike.json, memory.json, live.json, uncached.json,
import-sqlite.json, import-postgresql.json, comments.md).
"""

import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def _run(*cmd):
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout + done.stderr).strip()


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _os():
    try:
        release = dict(
            line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
        )
        name = release.get("PRETTY_NAME", "").strip('"')
    except OSError:
        name = platform.system()
    return f"{name}, kernel {platform.release()}"


def machine(pg_url=None):
    """What the figures depend on, gathered by the Python of the project's venv."""
    import sqlite3

    import django

    pg = ""
    if pg_url:
        pg = _run("psql", pg_url, "-Atc", "show server_version")
        pg = pg if pg and "error" not in pg.lower() and "could not" not in pg.lower() else "not reachable"
    nginx = _run("nginx", "-v").replace("nginx version: ", "")
    wrk = _run("wrk", "-v").splitlines()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory": _memory(),
        "os": _os(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg,
        "nginx": nginx,
        "wrk": wrk[0].split(" [")[0] if wrk else "",
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _load(out, name):
    path = out / name
    return json.loads(path.read_text()) if path.exists() else None


def _processes(count):
    return "the importing process itself" if not count else f"{count} other process" + ("es" if count > 1 else "")


def _n(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def _commit():
    sha = _run("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD")
    dirty = _run("git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no")
    return f"{sha}{' with uncommitted changes' if dirty else ''}" if sha and "fatal" not in sha else "unknown"


def _errors(r):
    return sum(r["errors"].values())


def _ms(value):
    return "–" if value is None else f"{value:,.1f} ms"


def _wrk_rows(rows):
    lines = ["| server | requests/s | p50 | p99 | max | errors |", "|---|---:|---:|---:|---:|---:|"]
    for name, r in rows:
        errors = _errors(r)
        detail = ", ".join(f"{k} {v:,}" for k, v in r["errors"].items() if v)
        lines.append(f"| {name} | {_n(r['requests_per_s'])} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | "
                     f"{r['max_ms']:,.0f} ms | {errors:,}{f' ({detail})' if detail else ''} |")
    return lines


def goals(out):
    """(goal, figure, met) rows for the parts that ran."""
    rows = []
    page, front, spike = _load(out, "page.json"), _load(out, "front.json"), _load(out, "spike.json")
    memory, live, uncached = _load(out, "memory.json"), _load(out, "live.json"), _load(out, "uncached.json")
    if page:
        a = page["newsdesk"]
        c = page["settings"]["connections"]
        rows.append((f"cached article page, `newsdesk serve` alone ≥ 0.5 × nginx static file (requests/s, -c{c})",
                     f"{page['ratio']:.2f} × ({_n(a['requests_per_s'])} / {_n(page['nginx']['requests_per_s'])})",
                     page["ratio"] >= 0.5))
        rows.append((f"… and its p99 < 20 ms at -c{c}", f"{a['p99_ms']:.1f} ms", a["p99_ms"] < 20 and not _errors(a)))
    if front:
        rows.append(("the same page through deploy/ nginx (cache HIT) ≥ 0.9 × nginx static file",
                     f"{front['ratio']:.2f} × ({_n(front['front']['requests_per_s'])} / {_n(front['nginx']['requests_per_s'])})",
                     front["ratio"] >= 0.9))
    if uncached:
        rows.append(("uncached article page (PAGE_CACHE=false) ≥ 5 × stock Wagtail",
                     f"{uncached['ratio']:.2f} × ({_n(uncached['newsdesk']['requests_per_s'])} / "
                     f"{_n(uncached['wagtail']['requests_per_s'])})", uncached["ratio"] >= 5))
    if spike:
        r = spike["spike"]
        n = spike["settings"]["connections"]
        rows.append((f"spike, {n:,} connections for {spike['settings']['duration']}: no errors",
                     f"{_errors(r):,} errors" + (f" ({', '.join(f'{k} {v:,}' for k, v in r['errors'].items() if v)})"
                                                 if _errors(r) else ""), not _errors(r)))
        rows.append(("… and p99 < 200 ms", f"{r['p99_ms']:,.1f} ms (of the {r['requests']:,} answered)", r["p99_ms"] < 200))
    if memory:
        top = max(w["rss_mb"] for w in memory["workers"])
        rows.append((f"resident size per granian worker < 100 MB{' after the spike' if memory['after_spike'] else ''}",
                     f"{top:.0f} MB (largest of {len(memory['workers'])})", top < 100))
    if live:
        runs = [r for r in live["runs"] if "error" not in r]
        if runs:
            big = max(runs, key=lambda r: r["streams"])
            ref = min(runs, key=lambda r: r["streams"])
            figure = (f"{big['delivered_min']:,} of {big['streams']:,} streams reached; p99 {_ms(big['p99_ms'])}"
                      + (f" ({big['p99_ms'] / ref['p99_ms']:.2f} × the {ref['streams']} streams' {_ms(ref['p99_ms'])})"
                         if big is not ref and big["p99_ms"] and ref["p99_ms"] else ""))
            rows.append((f"live push to {big['streams']:,} open streams: all reached, p99 < 1 s",
                         figure, bool(big["all_delivered"] and big["p99_ms"] is not None and big["p99_ms"] < 1000)))
    rows += wire_goals(out)
    return rows


WIRE_DATABASES = (("SQLite", "sqlite"), ("PostgreSQL", "postgresql"))


def wire_goals(out):
    """The wire desk's goals (bench/wire.py), per database."""
    rows = []
    for name, key in WIRE_DATABASES:
        r = _load(out, f"wire-{key}.json")
        if not r:
            continue
        for fmt, label, goal in (("ninjs", "ninjs", 2000), ("newsml", "NewsML-G2", 1000)):
            e = r.get("ingest", {}).get(fmt)
            if e:
                rows.append((f"{name}: {label} items into the queue from a folder ≥ {goal:,}/s",
                             f"{_n(e['items_per_s'])}/s ({e['items']:,} items)", (e["items_per_s"] or 0) >= goal))
        lat = r.get("latency")
        if lat and lat.get("p99_ms") is not None:
            rows.append((f"{name}: a dropped file on the open desk, p99 < 1 s",
                         f"{_ms(lat['p99_ms'])} ({lat['on_desk']} of {lat['drops']} drops)",
                         lat["p99_ms"] < 1000 and not lat["missed"]))
        desk = r.get("desk")
        if desk:
            q = desk["pages"]["queue"]
            rows.append((f"{name}: the desk page with {desk['items']:,} items < 50 ms server time",
                         f"p50 {q['p50_ms']:.1f} ms, p95 {q['p95_ms']:.1f} ms ({q['queries']} queries)",
                         q["p95_ms"] < 50))
    return rows


def results_markdown(out):
    m = _load(out, "machine.json") or {}
    page = _load(out, "page.json")
    lines = [
        f"Run of {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on commit {_commit()}, written by `bench/run`.",
        "",
        "**Machine**",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {m.get('cpus', '?')} × {m.get('cpu_model', '?')} |",
        f"| memory | {m.get('memory', '?')} |",
        f"| OS | {m.get('os', '?')} |",
        f"| Python, Django | {m.get('python', '?')}, {m.get('django', '?')} |",
        f"| SQLite | {m.get('sqlite', '?')} |",
        f"| PostgreSQL | {m.get('postgresql') or 'not used'} |",
        f"| nginx, wrk | {m.get('nginx', '?')}, {m.get('wrk', '?')} |",
        f"| load average at start | {m.get('load_average_at_start', '?')} |",
        "",
    ]
    rows = goals(out)
    if rows:
        lines += ["**Goals**", "", "| goal | figure | met? |", "|---|---|---|"]
        lines += [f"| {goal} | {figure} | {'yes' if met else '**no**'} |" for goal, figure, met in rows]
        lines.append("")
    failed = out / "failed.txt"
    if failed.exists():
        lines += [f"Failed: {line}" for line in failed.read_text().splitlines() if line.strip()] + [""]
    if page:
        s = page["settings"]
        lines += [
            "**Article page, wrk on loopback**",
            "",
            f"`wrk -t{s['threads']} -c{s['connections']} -d{s['duration']}` (after a {s['warmup']} warm-up) against the "
            f"article page of the sample ({s['bytes']:,} bytes, `{s['content_type']}`); Newsdesk with "
            f"{s['workers']} granian workers on SQLite, nginx with `worker_processes {s['nginx_workers']}` "
            "serving the same bytes as a file.",
            "",
            "| server | requests/s | p50 | p99 | errors |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, key in (("Newsdesk", "newsdesk"), ("nginx, static file (reference)", "nginx")):
            r = page[key]
            errors = sum(r["errors"].values())
            lines.append(f"| {name} | {_n(r['requests_per_s'])} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {errors} |")
        lines += ["", f"**Newsdesk / nginx = {page['ratio']:.4f}** (requests/s; 1 would be as fast as a static file).", ""]
    if page and "cached" in page:
        lines += [f"The page was answered from the cache throughout: its Last-Modified (the time of its render) "
                  f"was {'the same' if page['cached'] else '**not** the same'} before and after the run.", ""]
    front = _load(out, "front.json")
    if front:
        s = front["settings"]
        lines += [
            "**Article page through nginx in front (deploy/nginx.conf)**",
            "",
            "nginx with the site config `newsdesk nginx-config` renders (its page cache, keep-alive to the upstream) "
            "in front of the `newsdesk serve` above, `worker_processes auto`, `worker_connections 4096`, "
            f"`sendfile on`; the page was a cache HIT (X-Cache-Status: {front['cache_status']}) before the run. "
            f"`wrk -t{s['threads']} -c{s['connections']} -d{s['duration']}`, then the static-file nginx again as the reference.",
            "",
        ]
        lines += _wrk_rows((("nginx in front, cached page", front["front"]), ("nginx, static file (reference)", front["nginx"])))
        lines += ["", f"**nginx in front / static file = {front['ratio']:.4f}**.", ""]
    uncached = _load(out, "uncached.json")
    if uncached:
        s = uncached["settings"]
        lines += [
            "**Uncached article page against a stock Wagtail site**",
            "",
            f"`wrk -t{s['threads']} -c{s['connections']} -d{s['duration']} --timeout {s['timeout']}` (after a {s['warmup']} "
            f"warm-up) against each. Newsdesk: `newsdesk serve` with PAGE_CACHE=false, {s['workers']} granian workers, "
            f"SQLite ({s['newsdesk_bytes']:,} bytes). Wagtail {s['wagtail']} (Django {s['wagtail_django']}) from "
            "`wagtail start`, an article page model (title, standfirst, byline, date, rich-text body) with the sample "
            "article's text and a list of the 5 latest briefs, SQLite, DEBUG off, gunicorn with "
            f"{s['gunicorn_workers']} sync workers (2 × CPUs + 1; they close the connection after each response) "
            f"({s['wagtail_bytes']:,} bytes).",
            "",
        ]
        lines += _wrk_rows((("Newsdesk, uncached", uncached["newsdesk"]), ("Wagtail (reference)", uncached["wagtail"])))
        lines += ["", f"**Newsdesk uncached / Wagtail = {uncached['ratio']:.2f}**.", ""]
    spike = _load(out, "spike.json")
    if spike:
        s = spike["settings"]
        lines += [
            "**Spike**",
            "",
            f"`wrk -t{s['threads']} -c{s['connections']} -d{s['duration']}` on the cached article page, straight to "
            f"`newsdesk serve` ({s['workers']} workers). Errors are wrk's: connect, read, write, timeout (no answer "
            "within 2 s), status (non-2xx).",
            "",
        ]
        lines += _wrk_rows((("newsdesk serve", spike["spike"]),))
        lines += [""]
        if spike.get("listen_counters"):
            lines += [f"Kernel listen-queue counters after the run (since boot, the whole machine): {spike['listen_counters']}.", ""]
    memory = _load(out, "memory.json")
    if memory:
        lines += [
            f"**Memory**: resident size (VmRSS){' after the spike' if memory['after_spike'] else ''}: "
            + ", ".join(f"worker {w['pid']} {w['rss_mb']:.1f} MB" for w in memory["workers"])
            + f"; granian's main process {memory['main_rss_mb']:.1f} MB.",
            "",
        ]
    for name in ("live.json", "live-backpressure.json"):
        live = _load(out, name)
        if not live:
            continue
        if "backpressure" in live:
            lines += [f"The same on a `newsdesk serve` whose granian backpressure is {live['backpressure']:,} per worker "
                      "(set by bench/run for this measurement; serve.py's BACKPRESSURE is unchanged):", ""]
        lines += [] if "backpressure" in live else [
            "**Live push**",
            "",
            "bench/live_push.py opens the streams (`GET /live/stream`, one asyncio loop), waits for each one's `retry:` "
            f"line, then publishes a brief {live['publishes']} times with `publish_brief` in a `newsdesk shell` "
            "(time.time() right after it returns, committed) and notes when each stream receives that story's "
            "`event: story`. Delay = arrival − commit, over all publishes.",
            "",
            "| streams | open | reached (least of the publishes) | p50 | p99 | max |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for r in live["runs"]:
            if "error" in r:
                lines.append(f"| {r['streams']:,} | failed: {r['error']} | | | | |")
                continue
            lines.append(f"| {r['streams']:,} | {r['open']:,} | {r['delivered_min']:,} | {_ms(r['p50_ms'])} | "
                         f"{_ms(r['p99_ms'])} | {_ms(r['max_ms'])} |")
        for r in live["runs"]:
            if r.get("not_open"):
                lines.append("")
                lines.append(f"Of {r['streams']:,} streams, not open after {r['open_seconds']:.0f} s: "
                             + "; ".join(f"{v:,} {k}" for k, v in r["not_open"].items()) + ".")
        lines.append("")
    imports = [(name, _load(out, f"import-{key}.json")) for name, key in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql"))]
    imports = [(name, r) for name, r in imports if r]
    if imports:
        first = imports[0][1]
        lines += [
            "**Import throughput**",
            "",
            f"{first['stories_generated']:,} generated stories in {first['files_generated']:,} files (half text pages "
            f"with their briefs, half ninjs 2.x), imported with `newsdesk import --json` folder by folder "
            f"(ten folders; the files parsed by {_processes(first.get('workers', 0))} while the command saves them), "
            f"several files to a transaction (each file all or nothing), for at most {first['budget_seconds']:.0f} s per database.",
            "",
            "| database | stories imported | seconds | stories/s | text stories/s | ninjs stories/s "
            "| per-file floor (reference) | import / floor | bulk insert (reference) | import / bulk "
            "| parse only (reference) | import / parse |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, r in imports:
            imp, f = r["import"], r["formats"]
            floor = r.get("per_file_floor", {})
            stopped = " (time budget reached)" if r["stopped_by_budget"] else ""
            lines.append(
                f"| {name} {r['database_version'].split(' ')[0]} | {imp['stories']:,} of {r['stories_generated']:,}{stopped} "
                f"| {imp['seconds']:.1f} | **{_n(imp['stories_per_s'])}** "
                f"| {_n(f.get('text', {}).get('stories_per_s'))} | {_n(f.get('ninjs', {}).get('stories_per_s'))} "
                f"| {_n(floor.get('stories_per_s'))} | **{_n(imp.get('ratio_to_floor'), 3)}** "
                f"| {_n(r['bulk_insert']['stories_per_s'])} | {_n(imp.get('ratio_to_bulk'), 3)} "
                f"| {_n(r['parse_only']['stories_per_s'])} | {_n(imp.get('ratio_to_parse'), 3)} |"
            )
        lines += ["", "The per-file floor of each format (the same files, one transaction each, nothing but their statements):", ""]
        for name, r in imports:
            for fmt, e in r["formats"].items():
                if e.get("floor_per_s"):
                    lines.append(f"- {name}, {fmt}: floor {_n(e['floor_per_s'])} stories/s; the importer "
                                 f"{_n(e['stories_per_s'])} stories/s, {_n(e.get('ratio_to_floor'), 3)} of it")
        lines += ["", "As the tables fill (the same format, first folder against last):", ""]
        for name, r in imports:
            for fmt, e in r["formats"].items():
                if e.get("last_chunk_per_s"):
                    lines.append(
                        f"- {name}, {fmt}: {_n(e['first_chunk_per_s'])} stories/s at first, "
                        f"{_n(e['last_chunk_per_s'])} stories/s with up to {e['last_chunk_stories_in_db']:,} stories in the database"
                    )
                if e.get("error"):
                    lines.append(f"- {name}, {fmt}: failed files: {e['error']}")
        lines.append("")
    comments = out / "comments.md"  # the comments benchmark's section, written by bench/comments.py
    if comments.exists():
        lines += [comments.read_text().rstrip(), ""]
    if any(_load(out, f"wire-{key}.json") for _, key in WIRE_DATABASES):
        lines += ["**Wire desk** (bench/wire.py; the goals above; per database, with the load average "
                  "where each part ended)", ""]
        for name, key in WIRE_DATABASES:
            r = _load(out, f"wire-{key}.json")
            for fmt, e in ((r or {}).get("ingest") or {}).items():
                lines.append(f"- {name}, {fmt}: {e['items']:,} items of {e['files']:,} files in {e['seconds']:.1f} s, "
                             f"{_n(e['items_per_s'])}/s (CPU {e['cpu_seconds']:.1f} s; load {e['load_average']})")
            if (lat := (r or {}).get("latency")) and lat.get("p50_ms") is not None:
                lines.append(f"- {name}, drop to desk: p50 {_ms(lat['p50_ms'])}, p99 {_ms(lat['p99_ms'])}, "
                             f"max {_ms(lat['max_ms'])} (load {lat['load_average']})")
            for label, q in ((r or {}).get("desk") or {}).get("pages", {}).items():
                lines.append(f"- {name}, `{q['url']}` with {r['desk']['items']:,} items: p50 {q['p50_ms']:.1f} ms, "
                             f"p95 {q['p95_ms']:.1f} ms (CPU p50 {q['cpu_p50_ms']:.1f} ms), {q['queries']} queries")
        lines.append("")
    skipped = out / "skipped.txt"
    if skipped.exists():
        lines += [f"Not run: {line}" for line in skipped.read_text().splitlines() if line.strip()] + [""]
    return "\n".join(lines)


def write(out):
    section = results_markdown(out)
    (out / "results.md").write_text(section + "\n")
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n## Results\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip() + f"\n\n## Results\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(f"{before}{START}\n{section}\n{END}{after}")
    print(f"results written to {DOC.relative_to(ROOT)}")


def main(argv):
    if len(argv) < 2 or argv[0] not in ("machine", "write"):
        sys.exit("usage: report.py machine|write OUT [POSTGRES_URL]")
    out = Path(argv[1])
    if argv[0] == "machine":
        info = machine(argv[2] if len(argv) > 2 else None)
        (out / "machine.json").write_text(json.dumps(info, indent=2))
        width = max(map(len, info))
        for key, value in info.items():
            print(f"  {key.replace('_', ' '):{width}}  {value}")
    else:
        write(out)


if __name__ == "__main__":
    main(sys.argv[1:])
