import json
import signal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.wire import channels, ingest
from newsdesk.wire.models import Channel


class Command(BaseCommand):
    help = "The wire desk: feed agency files into the queue by hand (ingest), or run the channels (run)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{ingest,run}")
        feed = sub.add_parser("ingest", help="put ninjs and NewsML-G2 files (or folders of .json and .xml) in the queue")
        feed.add_argument("paths", nargs="+", metavar="PATH")
        feed.add_argument("--json", action="store_true", dest="as_json", help="print one JSON object per item")
        feed.add_argument("--channel", metavar="NAME", help="as if they came by this channel (its time zone, its agencies)")
        feed.add_argument("--lenient", action="store_true",
                          help="accept properties an agency adds to ninjs of its own, with a note")
        run = sub.add_parser("run", help="run the channels in this process until stopped")
        run.add_argument("--once", action="store_true", help="run each due channel once, then stop")

    def handle(self, *args, action, **options):
        if action == "ingest":
            return self.ingest(**options)
        return self.run(once=options.get("once", False))

    def ingest(self, *, paths, as_json=False, channel=None, lenient=False, **options):
        found = None
        if channel:
            found = Channel.objects.filter(name__iexact=channel).first()
            if found is None:
                names = ", ".join(Channel.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"there is no channel called {channel!r} (channels: {names})")
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise CommandError(f"{missing[0]}: no such file or folder")
        results = []
        for path in paths:
            results.extend(ingest.ingest_path(path, channel=found, lenient=("*",) if lenient else ()))
        ingest.prune_expired()
        for result in results:
            if as_json:
                self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            else:
                line = f"{result.action:9} {result.guid or result.file} {result.version}".rstrip()
                if result.headline:
                    line += f" — {result.headline}"
                if result.reason:
                    line += f" ({result.reason})"
                self.stdout.write(line)
        counts = {}
        for result in results:
            counts[result.action] = counts.get(result.action, 0) + 1
        if not as_json:
            self.stdout.write(", ".join(f"{n} {a}" for a, n in sorted(counts.items())) or "no items")
        if counts.get("refused"):
            raise CommandError(f"{counts['refused']} refused", returncode=1)

    def run(self, *, once):
        runner = channels.Runner()
        if once:
            runner.once()
            return
        signal.signal(signal.SIGTERM, lambda *_: runner.stop.set())
        self.stdout.write("running the wire channels; Ctrl-C to stop")
        try:
            runner.run()
        except KeyboardInterrupt:
            runner.stop.set()
