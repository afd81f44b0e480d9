"""The reads behind the directory pages: sections, people and topics with how many published
stories each has and which is the latest, in a bounded number of queries whatever their number."""

from datetime import datetime

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Subquery
from django.utils import timezone

from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section, Story

# Each kind of page: its model, and the Story field that links a story to it.
KINDS = {"sections": (Section, "section"), "people": (Person, "people"), "topics": (Topic, "topics")}


def listing(kind, now=None):
    """The `kind`'s entries in their usual order (sections as in the navigation, people and
    topics by name), each with `story_count` and `latest_id`: one query for any page of it.

    People and topics without a published story are left out (their page would be empty, and
    a draft's names are not for readers yet); every section is listed, as the navigation does."""
    model, field = KINDS[kind]
    now = now or timezone.now()
    published = Story.objects.published(now).filter(**{field: OuterRef("pk")}).order_by()
    # COUNT as a plain function, not an aggregate: no GROUP BY, one number per row.
    count = published.annotate(n=Func(F("pk"), function="COUNT")).values("n")
    latest = published.order_by("-published_at", "-pk").values("pk")[:1]
    rows = model.objects.annotate(story_count=Subquery(count, output_field=IntegerField()), latest_id=Subquery(latest))
    if model is not Section:
        # Checked per row in name order: a page stops reading once it has its rows.
        rows = rows.filter(Exists(published))
    return rows.order_by(*model._meta.ordering, "pk")


def attach_latest(entries):
    """Set `latest` on each entry to its latest story (or None), read in one query."""
    ids = {entry.latest_id for entry in entries if entry.latest_id}
    stories = Story.objects.filter(pk__in=ids).only("kind", "slug", "headline", "language", "published_at").order_by() if ids else []
    found = {story.pk: story for story in stories}
    for entry in entries:
        entry.latest = found.get(entry.latest_id)
    return entries


def recent_months(count=12, now=None):
    """The first moment of each of the last `count` months with a published story, newest first."""
    now = timezone.localtime(now or timezone.now())
    year, month = now.year, now.month - (count - 1)
    while month < 1:
        year, month = year - 1, month + 12
    start = timezone.make_aware(datetime(year, month, 1))
    return list(Story.objects.published(now).filter(published_at__gte=start)
                .datetimes("published_at", "month", order="DESC"))
