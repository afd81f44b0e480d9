from django.core.management.base import BaseCommand, CommandError

from newsdesk.backups import services
from newsdesk.backups.archive import ArchiveError
from newsdesk.backups.database import DatabaseError


class Command(BaseCommand):
    help = ("Write one archive holding a consistent copy of the database and the media files, with a "
            "manifest of checksums; safe while the site runs. Default: BACKUP_DIR/newsdesk-YYYYmmdd-HHMMSS.tar.gz.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="where to write the archive (must not exist yet)")

    def handle(self, *args, path=None, **options):
        try:
            target, manifest = services.backup(path)
        except (ArchiveError, DatabaseError) as error:
            raise CommandError(f"Backup failed, no archive written: {error}") from None
        self.stdout.write(f"Backed up the {manifest['database']['vendor']} database and {services.counted(manifest)} to")
        self.stdout.write(str(target))
