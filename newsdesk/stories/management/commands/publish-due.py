from django.core.management.base import BaseCommand

from newsdesk.stories.services import publish_due


class Command(BaseCommand):
    help = "Publish scheduled stories whose time has come (safe to run from several places at once)."

    def handle(self, *args, **options):
        for story in publish_due():
            self.stdout.write(f"published {story.get_absolute_url()}  {story.headline}")
