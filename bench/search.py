"""Search latency at scale: p50/p95 of typical reader searches over many stories.

    VAR_DIR=... .venv/bin/python bench/search.py [--stories 1000000] [--runs 40] [--json-out FILE]

Builds N published stories (generated text from a word list of made-up words, their use
skewed as in real text: a few words in most stories, most words in few), with sections,
people and topics, written by plain bulk inserts, and indexes them as the site does
(search.sqlite / search.postgres), all in the database the settings name (VAR_DIR for
SQLite, DATABASE_URL for PostgreSQL), which must be migrated and empty. Then times
`newsdesk.search.services.search()` - the query, the page's stories and their snippets,
what the search page asks the database - for each kind of typical query: one common word,
one rarer word, two words, a phrase, a person's name, and a common word in one section.
Each search's wall time, and its CPU time in this process (on SQLite, all of the
database's work; on PostgreSQL, the client's share only), with the load average;
on PostgreSQL also the CPU time of the server process that answered (its /proc/PID/schedstat,
when the server runs on the same computer and it can be read): on busy cores the wall time
is mostly waiting, the CPU times are the work. And the wall time less the time this process
and the server's waited for a CPU (schedstat's second figure): about what each search takes
on idle cores.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from newsdesk.imports.sql import _table  # noqa: E402
from newsdesk.people.models import Person, Topic  # noqa: E402
from newsdesk.search import services as search  # noqa: E402
from newsdesk.search.documents import Document, facet  # noqa: E402
from newsdesk.stories.models import Section, Story  # noqa: E402

VOCABULARY = 30_000
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "da", "fe", "go", "hu", "ja", "ki", "le", "mo",
             "na", "pe", "ri", "su", "ta", "ve", "bo", "ce", "di", "fa", "gi", "ho", "ju", "ko"]
BATCH = 5_000
PHRASE = ("harbour", "council")  # in one story of 200, side by side


def spread(values, prefix=""):
    """p50 and p95 of `values` (ms), named with `prefix`."""
    return {f"{prefix}p50_ms": round(statistics.median(values), 1), f"{prefix}p95_ms": round(percentile(values, 0.95), 1)}


def words_file():
    """Where a run keeps its words, most used first, for `--again`."""
    from django.conf import settings

    return Path(settings.VAR_DIR) / "bench-search-words.txt"


def words(rng):
    made = set()
    while len(made) < VOCABULARY:
        made.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4)))))
    return sorted(sorted(made), key=lambda w: rng.random())  # rank 0 is the most used


def zipf_weights(n):
    cumulative, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return cumulative


def build(count, rng):
    vocab = words(rng)
    words_file().write_text("\n".join(vocab) + "\n")
    weights = zipf_weights(len(vocab))
    sections = [Section.objects.create(name=f"Section {n}") for n in range(10)]
    people = Person.objects.bulk_create([Person(name=f"{vocab[5000 + n].title()} {vocab[9000 + n].title()}",
                                                slug=f"person-{n}") for n in range(2000)])
    topics = Topic.objects.bulk_create([Topic(name=vocab[12000 + n].title(), slug=f"topic-{n}") for n in range(200)])
    now = timezone.now()
    stories, people_links, topics_links = _table(Story, connection), _table(Story.people.through, connection), \
        _table(Story.topics.through, connection)
    backend = search.backend()
    started, made = time.monotonic(), 0
    while made < count:
        size = min(BATCH, count - made)
        rows, documents, person_rows, topic_rows = [], [], [], []
        for n in range(made, made + size):
            headline = " ".join(rng.choices(vocab, cum_weights=weights, k=rng.randint(6, 10))).capitalize()
            standfirst = " ".join(rng.choices(vocab, cum_weights=weights, k=20))
            text = " ".join(rng.choices(vocab, cum_weights=weights, k=rng.randint(60, 100)))
            if n % 200 == 0:
                text = f"{text} {' '.join(PHRASE)}"
            person, topic = people[n % len(people)], topics[n % len(topics)]
            rows.append({
                "kind": Story.Kind.ARTICLE, "status": Story.Status.PUBLISHED, "headline": headline,
                "standfirst": standfirst, "body": f"<p>{text}</p>", "slug": f"s-{n}",
                "section_id": sections[n % len(sections)].pk, "language": "en",
                "published_at": now - timedelta(minutes=count - n), "created_at": now, "modified_at": now,
            })
            facets = f"{facet('s', rows[-1]['section_id'])} {facet('p', person.pk)} {facet('t', topic.pk)}"
            documents.append(Document(0, "en", headline, standfirst, text, f"{person.name}\n{topic.name}", facets,
                                      rows[-1]["section_id"]))
        with transaction.atomic(), connection.cursor() as cursor:
            ids = stories.insert(cursor, rows)
            for pk, document, n in zip(ids, documents, range(made, made + size)):
                document.story_id = pk
                person_rows.append({"story_id": pk, "person_id": people[n % len(people)].pk})
                topic_rows.append({"story_id": pk, "topic_id": topics[n % len(topics)].pk})
            people_links.insert(cursor, person_rows, returning=False)
            topics_links.insert(cursor, topic_rows, returning=False)
            backend.write(cursor, documents)
        made += size
        if made % 50_000 < BATCH:
            rate = made / (time.monotonic() - started)
            print(f"  {made:,} stories ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As autovacuum would after so many inserts: the visibility map lets the search
            # read the story table's story_search index alone.
            cursor.execute("VACUUM ANALYZE")
        else:
            backend.optimize(cursor)
            cursor.execute("ANALYZE")
    return vocab, sections, people, time.monotonic() - started


def queries(vocab, sections, people, rng, runs):
    """(kind, text, filters) of each typical search, `runs` of each kind."""
    kinds = {
        "one common word": lambda: (rng.choice(vocab[:50]), None),
        "one rarer word": lambda: (rng.choice(vocab[2000:8000]), None),
        "two words": lambda: (f"{rng.choice(vocab[:300])} {rng.choice(vocab[:300])}", None),
        "a phrase": lambda: ('"' + " ".join(PHRASE) + '"', None),
        "a person's name": lambda: (rng.choice(people).name, None),
        "common word, one section": lambda: (rng.choice(vocab[:50]), search.Filters(section=rng.choice(sections))),
    }
    return [(kind, *make()) for kind, make in kinds.items() for _ in range(runs)]


def scheduler_clock(pid):
    """A function giving (time on a CPU, time waiting for one) in ms of process `pid` so far
    (its /proc/PID/schedstat), or None when it cannot be read."""
    path = Path(f"/proc/{pid}/schedstat")

    def read():
        try:
            on_cpu, waiting = path.read_text().split()[:2]  # nanoseconds
            return int(on_cpu) / 1e6, int(waiting) / 1e6
        except (OSError, ValueError):
            return None

    return read


def server_clock():
    """scheduler_clock() of the PostgreSQL server process of this connection: None when it
    cannot be read (SQLite, a server elsewhere, another user's)."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return scheduler_clock(cursor.fetchone()[0])


def server_text(row):
    text = ""
    if "server_cpu_p50_ms" in row:
        text += f"; server: p50 {row['server_cpu_p50_ms']:.1f}, p95 {row['server_cpu_p95_ms']:.1f}"
    if "unqueued_p50_ms" in row:
        text += f"; less waits for a CPU: p50 {row['unqueued_p50_ms']:.1f}, p95 {row['unqueued_p95_ms']:.1f}"
    return text


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40, help="searches of each kind")
    parser.add_argument("--json-out")
    parser.add_argument("--again", action="store_true", help="search the stories an earlier run built, again")
    args = parser.parse_args()
    rng = random.Random(20261207)
    if args.again:
        vocab, build_seconds = words_file().read_text().split(), None
        sections, people = list(Section.objects.all()), list(Person.objects.all())
        args.stories = Story.objects.count()
    elif Story.objects.exists():
        sys.exit("bench/search.py: the database must be empty (a fresh, migrated one)")
    else:
        print(f"== search on {connection.vendor}: building {args.stories:,} stories", file=sys.stderr)
        vocab, sections, people, build_seconds = build(args.stories, rng)
    plan = queries(vocab, sections, people, rng, args.runs)
    for kind, text, filters in plan[:: args.runs]:  # warm the caches once per kind
        search.search(text, filters)
    rng.shuffle(plan)
    timings, cpu, server, unqueued, results = {}, {}, {}, {}, {}
    server_cpu, here = server_clock(), scheduler_clock("self")
    load_before = os.getloadavg()[0]
    for kind, text, filters in plan:
        start, start_cpu, start_server, start_here = time.perf_counter(), time.process_time(), server_cpu(), here()
        found = search.search(text, filters)
        timings.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
        cpu.setdefault(kind, []).append((time.process_time() - start_cpu) * 1000)
        end_server = server_cpu() if start_server is not None else None
        if end_server is not None:
            server.setdefault(kind, []).append(end_server[0] - start_server[0])
        end_here = here() if start_here is not None else None
        if end_here is not None and (end_server is not None or connection.vendor != "postgresql"):
            # On busy cores a search also waits its turn for one, the server and this process:
            # the wall time less those waits is about what it takes on idle ones.
            waits = end_here[1] - start_here[1] + (end_server[1] - start_server[1] if end_server else 0)
            unqueued.setdefault(kind, []).append(max(0.0, timings[kind][-1] - waits))
        results.setdefault(kind, []).append(found.total)
    every = [ms for values in timings.values() for ms in values]
    every_cpu = [ms for values in cpu.values() for ms in values]
    figures = {
        "database": connection.vendor, "stories": args.stories, "build_seconds": build_seconds and round(build_seconds, 1),
        "runs": args.runs, "goal_p95_ms": 50,
        "kinds": {kind: {"p50_ms": round(statistics.median(values), 1), "p95_ms": round(percentile(values, 0.95), 1),
                         "median_results": statistics.median(results[kind])} for kind, values in timings.items()},
        "all": {"p50_ms": round(statistics.median(every), 1), "p95_ms": round(percentile(every, 0.95), 1),
                "cpu_p50_ms": round(statistics.median(every_cpu), 1), "cpu_p95_ms": round(percentile(every_cpu, 0.95), 1)},
        # The machine's load while searching: on a busy one, a search waits for a CPU too.
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }
    # Each further measure by kind of query, and over all of them.
    for prefix, measured in (("cpu_", cpu), ("server_cpu_", server), ("unqueued_", unqueued)):
        for kind, values in measured.items():
            figures["kinds"][kind].update(spread(values, prefix))
        if measured and prefix != "cpu_":  # the CPU here over all is given above
            figures["all"].update(spread([ms for values in measured.values() for ms in values], prefix))
    figures["goal_met"] = figures["all"]["p95_ms"] < 50
    for kind, row in figures["kinds"].items():
        print(f"  {kind:28} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  (CPU here: p50 {row['cpu_p50_ms']:.1f},"
              f" p95 {row['cpu_p95_ms']:.1f}{server_text(row)})  {row['median_results']:g} results")
    every = figures["all"]
    print(f"  {'all':28} p50 {every['p50_ms']:7.1f} ms  p95 {every['p95_ms']:7.1f} ms  (CPU here: p50 {every['cpu_p50_ms']:.1f},"
          f" p95 {every['cpu_p95_ms']:.1f}{server_text(every)})  goal p95 < 50 ms: {'met' if figures['goal_met'] else 'NOT met'};"
          f" load average {figures['load_average'][0]} → {figures['load_average'][1]}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
