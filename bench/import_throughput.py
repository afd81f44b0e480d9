"""Import throughput: stories per second through `newsdesk import`, with a reference.

    VAR_DIR=... .venv/bin/python bench/import_throughput.py [--stories 10000] [--json-out FILE]

Generates N stories as files (half from plain-text pages shaped like the sample
page: a headline, 4-8 paragraphs and a "Read next" block of briefs; half from
ninjs 2.x documents, one story each) and imports them through the real command
path, `call_command("import", folder, "--json")`: several files to a transaction,
each file all or nothing.

The database is whatever the settings say (VAR_DIR for SQLite, DATABASE_URL for
PostgreSQL); it must be migrated and should be empty.

Two reference figures from the same run and the same database:

* bulk insert: the same stories (same headlines, slugs, bodies, guids, tag
  links) written with `bulk_create` in one transaction, rolled back. It is the
  database's floor for these rows, so import/bulk says which share of the
  database's raw insert rate the importer reaches.
* parse only: reading and parsing every file without saving (what the importer
  spends before it writes), so the rest of the import time is the saving.
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from contextlib import redirect_stderr
from datetime import datetime, timedelta, timezone as dt_timezone
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import CommandError, call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from newsdesk.imports.reader import parse_file  # noqa: E402
from newsdesk.imports.services import ImportFailed, Skipped, TagCache, import_run, tag_labels  # noqa: E402
from newsdesk.imports.sql import _at_once_sql, _rows_cursor, _table  # noqa: E402
from newsdesk.imports.writing import AT_ONCE_STORIES, _values  # noqa: E402
from newsdesk.people.models import Person, Topic  # noqa: E402
from newsdesk.slugs import slugify  # noqa: E402
from newsdesk.stories import body  # noqa: E402
from newsdesk.stories.models import Story  # noqa: E402

# --- generating stories --------------------------------------------------------

WORDS = """
council harbour ferry budget minister election court ruling storm river bridge
school hospital union strike talks agreement summit border energy prices market
shares bank rates inflation housing tenants rail line station airport flights
police inquiry report evidence witness trial verdict appeal parliament vote bill
reform tax pension health doctors nurses patients vaccine research university
students teachers farmers harvest drought flood rescue coast guard fishing fleet
factory workers jobs wages exports imports trade deal tariffs festival museum
concert theatre library football club league season coach transfer stadium
mayor governor district region village city suburb park road tunnel project
company chief executive board investors profit loss quarter forecast growth
climate emissions wind solar grid power plant water supply waste recycling
""".split()
VERBS = """
approves rejects delays opens closes announces warns plans cuts raises signs
backs questions reviews launches wins loses completes suspends extends expands
""".split()
FIRST = """Anna Erik Maria Jonas Sofia Lars Ingrid Olav Marta Henrik Clara Tomas Elena
Viktor Nora Pavel Irene Samuel Laila Oskar Greta Daniel Hanna Milan""".split()
LAST = """Berg Hansen Novak Lindqvist Moreau Rossi Kowalski Schmidt Costa Petrov
Jensen Dahl Fischer Romano Nilsen Varga Horvat Olsen Bauer Silva""".split()
SUBJECTS = """Politics Economy Health Education Environment Transport Crime Justice
Sport Culture Science Technology Energy Housing Labour Agriculture Weather Defence
Religion Media""".split()
CHROME_TAIL = ["What is your opinion on this topic?", "Leave the first comment"]


class Words:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.serial = 0

    def words(self, n):
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def token(self):
        # A made-up word so no two headlines or briefs share their text (and slug).
        self.serial += 1
        return "".join(self.rng.choice("bcdfghklmnprstvz") + self.rng.choice("aeiou") for _ in range(3)) + str(self.serial)

    def name(self):
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def headline(self):
        w = self.words(self.rng.randint(4, 9)).capitalize()
        return f"{w} {self.rng.choice(VERBS)} {self.token().capitalize()} {self.words(self.rng.randint(1, 3))}"

    def sentence(self, name=None):
        middle = f" {name} said" if name else ""
        text = f"The {self.words(self.rng.randint(3, 7))}{middle} {self.rng.choice(VERBS)} the {self.words(self.rng.randint(4, 12))}"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, name=None):
        sentences = [self.sentence() for _ in range(self.rng.randint(2, 5))]
        if name:
            sentences[0] = self.sentence(name)
        return " ".join(sentences)


def text_page(w, briefs):
    """A page in the shape `newsdesk/imports/text.py` reads; `briefs` items in its Read next block."""
    named = w.name() if w.rng.random() < 0.5 else None
    lines = [w.headline()]
    lines += [w.paragraph(named if i == 1 else None) for i in range(w.rng.randint(4, 8))]
    if w.rng.random() < 0.1:
        lines[-1] += " The Norwegian NTB news agency reported."
    if briefs:
        lines.append("Read next")
        for _ in range(briefs):
            lines.append(f"{w.rng.randint(0, 23):02d}:{w.rng.randint(0, 59):02d}")
            if w.rng.random() < 0.4:
                lines.append(named if named and w.rng.random() < 0.5 else w.name())
            lines.append(f"{w.sentence()} {w.token().capitalize()} {w.sentence()}")
    lines += CHROME_TAIL
    return "\n".join(lines) + "\n"


def ninjs_document(w, n, when):
    paragraphs = [w.paragraph() for _ in range(w.rng.randint(4, 8))]
    doc = {
        "uri": f"urn:newsdesk:bench:{n:06d}",
        "type": "text",
        "version": "1",
        "firstcreated": when.isoformat().replace("+00:00", "Z"),
        "versioncreated": (when + timedelta(minutes=w.rng.randint(0, 90))).isoformat().replace("+00:00", "Z"),
        "pubstatus": "usable",
        "urgency": w.rng.randint(3, 8),
        "language": "en",
        "by": w.name(),
        "headlines": [{"value": w.headline(), "role": "main"}],
        "descriptions": [{"value": w.sentence(), "role": "summary", "contenttype": "text/plain"}],
        "bodies": [{"value": "".join(f"<p>{p}</p>" for p in paragraphs), "contenttype": "text/html", "role": "html"}],
        "subjects": [{"name": s} for s in w.rng.sample(SUBJECTS, w.rng.randint(1, 3))],
        "people": [{"name": w.name()} for _ in range(w.rng.randint(0, 2))],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def generate(folder, stories, chunk, seed=1):
    """Half of `stories` from text pages (article + 0-5 briefs), half from ninjs
    documents, in folders of about `chunk` stories: [(format, folder, files, stories)]."""
    w = Words(seed)
    text_target = stories // 2
    chunks = {"text": [], "ninjs": []}

    def new_chunk(fmt):
        path = folder / fmt / f"{len(chunks[fmt]):03d}"
        path.mkdir(parents=True)
        chunks[fmt].append([fmt, path, 0, 0])
        return chunks[fmt][-1]

    current, made, n = new_chunk("text"), 0, 0
    while made < text_target:
        if current[3] >= chunk:
            current = new_chunk("text")
        briefs = min(w.rng.choice([0, 1, 2, 3, 4, 5]), text_target - made - 1)
        (current[1] / f"page-{n:06d}.txt").write_text(text_page(w, briefs), encoding="utf-8")
        current[2] += 1
        current[3] += 1 + briefs
        made += 1 + briefs
        n += 1
    start = datetime(2025, 3, 1, 6, 0, tzinfo=dt_timezone.utc)
    current = new_chunk("ninjs")
    for i in range(stories - text_target):
        if current[3] >= chunk:
            current = new_chunk("ninjs")
        when = start + timedelta(minutes=7 * i)
        (current[1] / f"item-{i:06d}.json").write_text(ninjs_document(w, i, when), encoding="utf-8")
        current[2] += 1
        current[3] += 1
    # Alternate the formats, so that a run stopped by its time budget measures both.
    text, ninjs = chunks["text"], chunks["ninjs"]
    return [c for pair in zip(text, ninjs) for c in pair] + text[len(ninjs):] + ninjs[len(text):]


# --- measuring -----------------------------------------------------------------


def import_folder(folder, day):
    """`newsdesk import --json FOLDER` in this process; (stories created, seconds, error)."""
    out, err = StringIO(), StringIO()
    error = None
    started = time.perf_counter()
    with redirect_stderr(err):
        try:
            call_command("import", str(folder), "--date", day.isoformat(), "--json", stdout=out, stderr=err)
        except CommandError as exc:
            error = str(exc)
    seconds = time.perf_counter() - started
    created = sum(1 for line in out.getvalue().splitlines() if line.startswith("{") and json.loads(line)["action"] == "created")
    if error:
        first = next((line for line in err.getvalue().splitlines() if line.startswith("error:")), "")
        error = f"{error}; first: {first[6:].strip()}" if first else error
    return created, seconds, error


def run_imports(chunks, day, budget):
    """Import the chunks in turn until done or `budget` seconds are spent."""
    formats = {fmt: {"files": 0, "created": 0, "seconds": 0.0, "stories_per_s": None} for fmt, *_ in chunks}
    timeline, total = [], 0
    started = time.perf_counter()
    for fmt, path, files, stories in chunks:
        entry = formats[fmt]
        if entry.get("unavailable"):
            continue
        if time.perf_counter() - started > budget:
            return formats, timeline, True
        created, seconds, error = import_folder(path, day)
        entry["files"] += files
        entry["created"] += created
        entry["seconds"] += seconds
        total += created
        timeline.append({"format": fmt, "stories_in_db": total, "created": created, "stories_per_s": created / seconds})
        if error:
            entry["error"] = error
            entry["unavailable"] = not created  # nothing of it imports: skip its other chunks
    return formats, timeline, False


def parse_only(folder, day):
    """Read and parse every file as the importer does, saving nothing; (items of each file, files failed, seconds)."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    items, failed = [], 0
    started = time.perf_counter()
    for path in files:
        raw = path.read_bytes()
        try:
            items.append([i for i in parse_file(path, raw, date=day) if not isinstance(i, Skipped)])
        except ImportFailed:
            failed += 1
    return items, failed, time.perf_counter() - started


def bulk_insert(items):
    """The same stories and tag links with bulk_create in one transaction, rolled back; seconds."""
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        tag_labels(items, TagCache())
        people = {n.lower(): Person(name=n, slug=slugify(n) + "-b") for i in items for n in i.people}
        topics = {n.lower(): Topic(name=n, slug=slugify(n) + "-b") for i in items for n in i.topics}
        Person.objects.bulk_create(people.values(), batch_size=500)
        Topic.objects.bulk_create(topics.values(), batch_size=500)
        stories = [
            Story(
                guid=f"bulk:{n}:{item.guid}", kind=item.kind, headline=item.headline[:300],
                body=item.clean_body(), standfirst=item.standfirst, byline=item.byline[:300],
                source=item.source[:200], language=item.language[:35], urgency=item.urgency, status=item.status,
                published_at=item.published_at or now, created_at=item.created_at or now, updated_at=item.updated_at,
                version=item.version[:50], pictures=item.pictures, fingerprint=item.fingerprint(),
                slug=f"{slugify(item.headline)}-b{n}",
            )
            for n, item in enumerate(items)
        ]
        Story.objects.bulk_create(stories, batch_size=500)
        if connection.features.can_return_rows_from_bulk_insert:
            pk = {s.guid: s.pk for s in stories}
        else:
            pk = dict(Story.objects.filter(guid__startswith="bulk:").values_list("guid", "pk"))
        person_links, topic_links = [], []
        for n, item in enumerate(items):
            story_id = pk[f"bulk:{n}:{item.guid}"]
            person_links += [Story.people.through(story_id=story_id, person_id=people[p.lower()].pk) for p in set(item.people)]
            topic_links += [Story.topics.through(story_id=story_id, topic_id=topics[t.lower()].pk) for t in set(item.topics)]
        Story.people.through.objects.bulk_create(person_links, batch_size=500)
        Story.topics.through.objects.bulk_create(topic_links, batch_size=500)
        transaction.set_rollback(True)
    return time.perf_counter() - started


def per_file_floor(files):
    """The same stories again, one transaction per file, with only the statements a file
    needs, their SQL and values made beforehand, run as the import runs its own (the
    driver's cursor, a run's checkpoints): what one transaction per file costs this
    database, with no importer around it. On SQLite: a lookup of its guids, one insert
    of its stories, one per link table. On PostgreSQL, as the import writes a file of new
    stories: one statement writing its stories and their links (guarded, for a file of
    one story), after a lookup of its guids where it has more. Run after the import,
    against tables as full; the rows are deleted afterwards. [(format, stories, seconds)]
    for each file."""
    if not connection.features.can_return_rows_from_bulk_insert:
        return []
    meta, qn, now = Story._meta, connection.ops.quote_name, timezone.now()
    at_once = connection.vendor == "postgresql"
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    cache = TagCache()
    people = {name.lower(): pk for pk, name in Person.objects.values_list("pk", "name")}
    topics = {name.lower(): pk for pk, name in Topic.objects.values_list("pk", "name")}
    insert = "INSERT INTO {} ({}) VALUES ".format(qn(meta.db_table), ", ".join(qn(f.column) for f in fields))
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    links = {through: "INSERT INTO {} ({}, {}) VALUES ".format(qn(through._meta.db_table), qn("story_id"), qn(column))
             for through, column in ((Story.people.through, "person_id"), (Story.topics.through, "topic_id"))}
    planned, n = [], 0
    for fmt, items in files:
        guids, params, tags, rows = [], [], [], []
        in_one = at_once and len(items) <= AT_ONCE_STORIES  # written by one statement, as the import does
        for item in items:
            n += 1
            story = Story(
                guid=f"floor:{n}:{item.guid}", kind=item.kind, headline=item.headline[:300], body=item.clean_body(),
                standfirst=item.standfirst, byline=item.byline[:300], source=item.source[:200], language=item.language[:35],
                urgency=item.urgency, status=item.status, published_at=item.published_at or now,
                created_at=item.created_at or now, updated_at=item.updated_at, version=item.version[:50],
                pictures=item.pictures, fingerprint=item.fingerprint(), slug=f"{slugify(item.headline)}-f{n}",
            )
            guids.append(story.guid)
            tags.append((sorted({people[p.lower()] for p in item.people}), sorted({topics[t.lower()] for t in item.topics})))
            if in_one:  # the rows as the import gives them to that statement
                rows.append({**_values(item, cache, item.fingerprint()), "guid": story.guid, "slug": story.slug})
            else:
                params += [f.get_db_prep_save(f.pre_save(story, True), connection) for f in fields]
        lookup = "SELECT {} FROM {} WHERE {} IN ({})".format(qn("id"), qn(meta.db_table), qn("guid"), ", ".join(["%s"] * len(guids)))
        if in_one:
            sql = _at_once_sql(tuple(rows[0]), len(rows), len(rows) == 1)
            for values, (person_ids, topic_ids) in zip(_table(Story, connection).params(rows, connection), tags):
                params += values + [person_ids, topic_ids, []]  # no authors of the site's own
            tags = None
        else:
            sql = insert + ", ".join([row] * len(items)) + " " + connection.ops.return_insert_columns([meta.pk])[0]
        planned.append((fmt, len(items), lookup if len(items) > 1 or tags is not None else None, guids, sql, params, tags))
    timings = []
    with import_run():  # the database as the import has it: its cursor, its checkpoints
        for fmt, count, lookup, guids, sql, params, tags in planned:
            timings.append((fmt, count, _floor_file(lookup, guids, sql, params, tags, links)))
    Story.objects.filter(guid__startswith="floor:").delete()
    return timings


def _floor_file(lookup, guids, sql, params, tags, links):
    """Seconds for one file's bare statements, in one transaction (`tags` None: `sql`
    writes the links too, and is a transaction by itself)."""
    started = time.perf_counter()
    if tags is None:
        with _rows_cursor() as cursor:
            if lookup:
                cursor.execute(lookup, guids)
                cursor.fetchall()
            cursor.execute(sql, params)
            cursor.fetchall()
        return time.perf_counter() - started
    with transaction.atomic(), _rows_cursor() as cursor:
        cursor.execute(lookup, guids)
        cursor.fetchall()
        cursor.execute(sql, params)
        ids = [pk for (pk,) in cursor.fetchall()]
        for through, which in ((Story.people.through, 0), (Story.topics.through, 1)):
            pairs = [(pk, tag) for pk, both in zip(ids, tags) for tag in both[which]]
            if pairs:
                cursor.execute(links[through] + ", ".join(["(%s, %s)"] * len(pairs)), [v for pair in pairs for v in pair])
    return time.perf_counter() - started


def database_description():
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return "SQLite", cursor.fetchone()[0]
        if vendor == "postgresql":
            cursor.execute("show server_version")
            return "PostgreSQL", cursor.fetchone()[0]
    return vendor, ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=int(os.environ.get("BENCH_STORIES", 10_000)))
    parser.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_IMPORT_SECONDS", 30)),
                        help="stop importing after this many seconds (default 30, env BENCH_IMPORT_SECONDS)")
    parser.add_argument("--workdir", type=Path, help="where to generate the files (default: a temp folder)")
    parser.add_argument("--json-out", type=Path, help="write the figures here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    if Story.objects.exists():
        sys.exit("import_throughput: the database already holds stories; use a fresh one")
    engine, version = database_description()
    folder = Path(tempfile.mkdtemp(prefix="import-", dir=args.workdir))
    try:
        chunks = generate(folder, args.stories, chunk=max(50, args.stories // 10))
        day = timezone.localdate()

        # References first: parse every file, then bulk-insert what was parsed (rolled back).
        parsed_files, parse_seconds, parse_failed = [], 0.0, 0
        for fmt, path, files, stories in chunks:
            parsed, failed, seconds = parse_only(path, day)
            parsed_files += [(fmt, items) for items in parsed if items]
            parse_failed += failed
            parse_seconds += seconds
        items = [item for _, file_items in parsed_files for item in file_items]
        bulk_seconds = bulk_insert(items) if items else None

        formats, timeline, stopped = run_imports(chunks, day, args.budget)
        # The last reference needs the import's people and topics.
        floor = per_file_floor(parsed_files) if not stopped and all(e["created"] for e in formats.values()) else []
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    created = sum(e["created"] for e in formats.values())
    seconds = sum(e["seconds"] for e in formats.values())
    for entry in formats.values():
        if entry["created"]:
            entry["stories_per_s"] = entry["created"] / entry["seconds"]
    result = {
        "database": engine,
        "database_version": version,
        "stories_generated": sum(c[3] for c in chunks),
        "files_generated": sum(c[2] for c in chunks),
        "budget_seconds": args.budget,
        "workers": settings.IMPORT_WORKERS,
        "stopped_by_budget": stopped,
        "formats": formats,
        "import": {"stories": created, "seconds": seconds, "stories_per_s": created / seconds if created else None},
        "parse_only": {"stories": len(items), "files_failed": parse_failed, "seconds": parse_seconds,
                       "stories_per_s": len(items) / parse_seconds if items else None},
        "bulk_insert": {"stories": len(items), "seconds": bulk_seconds,
                        "stories_per_s": len(items) / bulk_seconds if bulk_seconds else None},
        "per_file_floor": {"stories": sum(n for _, n, _ in floor), "seconds": sum(t for _, _, t in floor),
                           "stories_per_s": sum(n for _, n, _ in floor) / sum(t for _, _, t in floor) if floor else None},
        "timeline": timeline,
    }
    for fmt, entry in formats.items():
        mine = [(n, t) for f, n, t in floor if f == fmt]
        if mine:
            entry["floor_per_s"] = sum(n for n, _ in mine) / sum(t for _, t in mine)
            if entry["stories_per_s"]:
                entry["ratio_to_floor"] = entry["stories_per_s"] / entry["floor_per_s"]
    imp, bulk, parse, floor_rate = result["import"], result["bulk_insert"], result["parse_only"], result["per_file_floor"]
    if imp["stories_per_s"] and floor_rate["stories_per_s"]:
        imp["ratio_to_floor"] = imp["stories_per_s"] / floor_rate["stories_per_s"]
    if imp["stories_per_s"] and bulk["stories_per_s"]:
        imp["ratio_to_bulk"] = imp["stories_per_s"] / bulk["stories_per_s"]
    if imp["stories_per_s"] and parse["stories_per_s"]:
        imp["ratio_to_parse"] = imp["stories_per_s"] / parse["stories_per_s"]
    for fmt, entry in formats.items():
        runs = [t for t in timeline if t["format"] == fmt and t["created"]]
        if len(runs) >= 2:  # the same format early and late: does the rate fall as the tables grow?
            entry["first_chunk_per_s"], entry["last_chunk_per_s"] = runs[0]["stories_per_s"], runs[-1]["stories_per_s"]
            entry["last_chunk_stories_in_db"] = runs[-1]["stories_in_db"]

    print(f"import throughput on {engine} {version}: {result['stories_generated']} stories generated "
          f"in {result['files_generated']} files")
    for fmt, e in formats.items():
        rate = f"{e['stories_per_s']:,.0f} stories/s" if e["stories_per_s"] else "-"
        print(f"  {fmt:6} {e['files']:6} files -> {e['created']:6} stories created in {e['seconds']:6.2f} s: {rate}"
              + (f"  [{e['error']}]" if e.get("error") else ""))
    if imp["stories_per_s"]:
        print(f"  import    {imp['stories']:6} stories in {imp['seconds']:.2f} s: {imp['stories_per_s']:,.0f} stories/s"
              + (f" (stopped by the {args.budget:.0f} s budget)" if stopped else ""))
    for fmt, e in formats.items():
        if e.get("last_chunk_per_s"):
            print(f"  {fmt}: first chunk {e['first_chunk_per_s']:,.0f} stories/s, last chunk "
                  f"(up to {e['last_chunk_stories_in_db']} stories in the database) {e['last_chunk_per_s']:,.0f} stories/s")
    if bulk["stories_per_s"]:
        print(f"  reference: bulk insert of the same {bulk['stories']} stories {bulk['stories_per_s']:,.0f} stories/s"
              + (f"; import / bulk = {imp['ratio_to_bulk']:.3f}" if imp.get("ratio_to_bulk") else ""))
    if floor_rate["stories_per_s"]:
        print(f"  reference: one transaction per file, nothing but its statements {floor_rate['stories_per_s']:,.0f} stories/s"
              f"; import / per-file floor = {imp['ratio_to_floor']:.3f}"
              + "".join(f"; {fmt} {e['floor_per_s']:,.0f}/s ({e['ratio_to_floor']:.3f})" for fmt, e in formats.items() if e.get("floor_per_s")))
    if parse["stories_per_s"]:
        print(f"  reference: parse only, no saving {parse['stories_per_s']:,.0f} stories/s"
              + (f"; import / parse = {imp['ratio_to_parse']:.3f}" if imp.get("ratio_to_parse") else ""))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2))
    return 0 if imp["stories"] else 1


if __name__ == "__main__":
    sys.exit(main())
