from django.core.management.base import BaseCommand, CommandError

from newsdesk.pictures import metadata


class Command(BaseCommand):
    help = ("Move pictures' originals out of the media folder (to ORIGINALS_ROOT), upright and without "
            "their metadata (EXIF, GPS, XMP, IPTC), and remake renditions that carry any. Run it once "
            "after upgrading; it does nothing to pictures already done.")

    def handle(self, *args, **options):
        done = metadata.strip_all(report=lambda line: self.stderr.write(line))
        self.stdout.write(f"{done['originals']} originals moved and stripped, "
                          f"renditions of {done['renditions']} pictures remade.")
        if done["failed"]:
            raise CommandError(f"{done['failed']} pictures could not be done (see above); the others are.")
