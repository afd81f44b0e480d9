import argparse
import json
import sys
from datetime import date as Date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newsdesk.imports.reader import reading, save_files
from newsdesk.imports.services import ImportFailed, TagCache, import_run

SUFFIXES = {".txt", ".json", ".text", ".ninjs", ".xml"}


def iso_date(value):
    try:
        return Date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def expand(paths):
    """Files as given, and the text, JSON and XML files inside folders."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            yield path


class Command(BaseCommand):
    help = ("Import stories from plain-text pages, IPTC ninjs JSON and NewsML-G2 XML files, and RSS or Atom "
            "feeds, and publish them (each file all or nothing).")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders of .txt, .json and .xml files")
        parser.add_argument("--date", type=iso_date, help="the day that 'Read next' times belong to (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON object per story")
        parser.add_argument(
            "--lenient", action="store_true",
            help="accept ninjs documents with properties of an agency's own, with a note; the properties "
                 "ninjs defines are still checked",
        )
        parser.add_argument(
            "--lenient-for", action="append", default=[], metavar="AGENCY",
            help="as --lenient, for this agency's documents only (by copyright holder or source); repeatable",
        )
        parser.add_argument(
            "--workers", type=int, metavar="N", default=settings.IMPORT_WORKERS,
            help="processes that parse files ahead of the saving, for 20 files or more; 0 parses "
                 f"them in this one (default: IMPORT_WORKERS, here {settings.IMPORT_WORKERS})",
        )

    def handle(self, *args, paths, date=None, dry_run=False, as_json=False, workers=0, lenient=False, lenient_for=(),
               **options):
        files = list(expand(paths))
        if not files:
            raise CommandError("no .txt, .json or .xml files found in " + ", ".join(paths))
        if workers < 0:
            raise CommandError(f"--workers must be 0 or more, not {workers}")
        counts, failed, cache, seen = {}, [], TagCache(), 0
        try:
            agencies = ("*",) if lenient else tuple(name.strip() for name in lenient_for if name.strip())
            with import_run(), reading(files, date=date, workers=workers, lenient=agencies) as parsed:
                bar = tqdm(save_files(parsed, dry_run=dry_run, cache=cache), total=len(files), unit="file",
                           file=sys.stderr, disable=len(files) < 20 or not sys.stderr.isatty())
                for path, outcomes in bar:  # each once committed
                    seen += 1
                    if isinstance(outcomes, ImportFailed):
                        failed.append(outcomes)
                        bar.write(f"error: {outcomes}", file=sys.stderr)
                        continue
                    for outcome in outcomes:
                        counts[outcome.action] = counts.get(outcome.action, 0) + 1
                        if as_json:
                            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
                        elif outcome.action in ("skipped", "conflict"):
                            self.stdout.write(f"{outcome.action} {path}: {outcome.reason}")
        except KeyboardInterrupt:
            # The files reported are committed and stay; the batch being saved is undone whole
            # (or, stopped just after its commit, kept: importing again reports it unchanged).
            self.summary(counts, failed, seen, len(files), dry_run, as_json)
            raise CommandError(f"interrupted: {len(files) - seen} of {len(files)} files not imported; "
                               "importing them again is safe", returncode=130) from None
        self.summary(counts, failed, seen, len(files), dry_run, as_json)
        if failed:
            raise CommandError(f"{len(failed)} of {len(files)} files failed; they changed nothing", returncode=1)

    def summary(self, counts, failed, seen, total, dry_run, as_json):
        if not as_json:
            done = ", ".join(f"{n} {action}" for action, n in sorted(counts.items())) or "nothing"
            prefix = "dry run, nothing saved: " if dry_run else ""
            self.stdout.write(f"{prefix}{seen - len(failed)} of {total} files imported: {done}")
