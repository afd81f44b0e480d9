from django.core.management.base import BaseCommand

from newsdesk.search import services


class Command(BaseCommand):
    help = "Build the search index again from every published story (after restoring a backup, say)."

    def handle(self, *args, **options):
        count = services.rebuild(progress=lambda done: self.stderr.write(f"{done} stories indexed", ending="\r"))
        self.stdout.write(f"Search index rebuilt: {count} published stories.")
