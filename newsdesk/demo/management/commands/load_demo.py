from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from newsdesk.demo import content
from newsdesk.imports.services import StoryData, import_items
from newsdesk.people.models import Person
from newsdesk.stories import body
from newsdesk.stories.models import Story


# The demo news is two days old, so that stories imported afterwards (such as a
# page and its own "Read next" briefs) are the latest on the site.
DEMO_AGE = timedelta(days=2)


def demo_stories(now):
    known_people = {name for a in content.ARTICLES for name in a["people"]}
    for a in content.ARTICLES:
        yield StoryData(
            guid=f"demo:{a['key']}",
            kind=Story.Kind.ARTICLE,
            headline=a["headline"],
            standfirst=a["standfirst"],
            body_html=" ".join(a["body"].split()),
            byline=a["byline"],
            source=a.get("source", ""),
            section=a["section"],
            people=a["people"],
            topics=a["topics"],
            published_at=now - timedelta(minutes=a["minutes_ago"]),
        )
    for b in content.BRIEFS:
        label = b["label"]
        is_person = label in known_people or Person.objects.filter(name=label).exists()
        yield StoryData(
            guid=f"demo:{b['key']}",
            kind=Story.Kind.BRIEF,
            headline=body.first_sentence(b["text"]),
            body_html=body.text_to_html(b["text"]),
            people=[label] if label and is_person else [],
            topics=[label] if label and not is_person else [],
            published_at=now - timedelta(minutes=b["minutes_ago"]),
        )


class Command(BaseCommand):
    help = "Load the demo stories (once: stories already there are left as they are)."

    def handle(self, *args, **options):
        there = set(Story.objects.filter(guid__startswith="demo:").values_list("guid", flat=True))
        new = [s for s in demo_stories(timezone.now() - DEMO_AGE) if s.guid not in there]
        outcomes = import_items(new)
        self.stdout.write(f"demo stories: {len(outcomes)} loaded, {len(there)} already there")
