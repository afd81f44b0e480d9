import sys

from django.core.management.base import BaseCommand, CommandError

from newsdesk.backups import services
from newsdesk.backups.archive import ArchiveError
from newsdesk.backups.database import DatabaseError


class Command(BaseCommand):
    help = ("Restore a `newsdesk backup` archive: the database and the media files. Stop `newsdesk serve` "
            "first. Refused if this installation holds data, unless --force (which replaces it). The archive "
            "is checked whole before anything is changed.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true",
                            help="replace the database and files this installation holds (they are lost)")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="with --force, do not ask for confirmation")

    def handle(self, *args, archive, force, interactive, **options):
        try:
            services.check(archive)
            held = services.what_is_here()
            if held and force:
                self.stderr.write(self.style.WARNING(
                    "WARNING: this replaces what this installation holds, which will be lost:\n  "
                    + "\n  ".join(held)))
                if interactive and sys.stdin.isatty() and input("Type 'yes' to go on: ").strip() != "yes":
                    raise CommandError("Restore cancelled; nothing was changed.")
            manifest = services.restore(archive, force=force)
        except (ArchiveError, services.RestoreRefused, DatabaseError) as error:
            raise CommandError(f"Restore refused, nothing was changed: {error}") from None
        self.stdout.write(f"Restored the database and {services.counted(manifest)} from the backup of {manifest['created']}.")
        pending = services.pending_migrations()
        if pending:
            self.stdout.write(f"The archive is from an older Newsdesk: run `newsdesk migrate` ({pending} migrations to apply).")
