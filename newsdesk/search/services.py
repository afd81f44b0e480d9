"""Search: one interface over the two indexes (sqlite.py: FTS5; postgres.py: tsvector).

`search(text, filters, page)` is what the reader's page asks; `refresh(story_ids)` is what
every write of stories calls, in its transaction (stories.services, the importer), so the
index never shows what readers may not see; `rebuild()` is `newsdesk search-reindex`."""

import html
import math
import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsdesk.stories.models import Story, load_tags
from newsdesk.stories.prepared import PreparedQuery

from . import postgres, sqlite
from .documents import START, STOP, documents, documents_of, facet
from .query import parse

PAGE_SIZE = 20
# Results a search gives at most (50 pages): "more than 1,000" is what a reader needs to know.
MAX_RESULTS = 1000
# Matches ranked at most, the newest: a word in half the stories is ranked among these.
CANDIDATES = 1000


def backend():
    return postgres if connection.vendor == "postgresql" else sqlite


@dataclass
class Filters:
    section: object = None  # a Section
    person: object = None  # a Person
    topic: object = None  # a Topic
    since: object = None  # a date, counted from the start of that day in TIME_ZONE
    until: object = None  # a date, up to the end of that day

    def facets(self, *, section=True):
        """The index's words for the section (unless `section` is false), person and topic
        asked for (documents.facet)."""
        chosen = (("s", self.section if section else None), ("p", self.person), ("t", self.topic))
        return [facet(kind, tag.pk) for kind, tag in chosen if tag is not None]

    def sql(self, now, *, section=True):
        """The WHERE over the story table `s`: what readers may see, and these filters (the
        section unless `section` is false: a backend that keeps each story's section in its
        index filters on that)."""
        where = ["s.status = %s", "s.published_at <= %s"]
        params = [Story.Status.PUBLISHED, now]
        if self.section is not None and section:
            where.append("s.section_id = %s")
            params.append(self.section.pk)
        for tag, relation in ((self.person, Story.people), (self.topic, Story.topics)):
            if tag is not None:
                through = relation.through._meta
                column = relation.field.m2m_reverse_name()
                where.append(f"EXISTS (SELECT 1 FROM {through.db_table} t WHERE t.story_id = s.id AND t.{column} = %s)")
                params.append(tag.pk)
        if self.since is not None:
            where.append("s.published_at >= %s")
            params.append(_day_start(self.since))
        if self.until is not None:
            where.append("s.published_at < %s")
            params.append(_day_start(self.until + timezone.timedelta(days=1)))
        return " AND ".join(where), params


def _day_start(day):
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))


@dataclass
class Hit:
    story: Story
    headline: str  # safe HTML: the escaped headline, matches in <mark>
    snippet: str  # safe HTML: the escaped snippet, matches in <mark>


@dataclass
class Results:
    query: object
    page: int = 1
    total: int = 0
    hits: list = field(default_factory=list)

    @property
    def pages(self):
        return max(1, math.ceil(self.total / PAGE_SIZE))

    @property
    def capped(self):
        """Whether there are more results than a search gives."""
        return self.total >= MAX_RESULTS


def _page_queryset(**ids):
    return Story.objects.filter(pk__in=list(ids.values())).select_related("section", "lead_picture").order_by()


# A page's stories, compiled once (building the ORM's query took longer than running it): its
# ids padded to PAGE_SIZE with the last one, so that the SQL is the same for every page.
_page_stories = PreparedQuery(_page_queryset, **{f"id{n}": int for n in range(PAGE_SIZE)})


def page_stories(ids):
    """{id: story} of the stories with these ids (at most PAGE_SIZE), with what a result shows."""
    if not ids:
        return {}
    stories = {story.pk: story for story in _page_stories(**{f"id{n}": ids[min(n, len(ids) - 1)] for n in range(PAGE_SIZE)})}
    load_tags(list(stories.values()))
    return stories


class PageNotFound(Exception):
    """A page of results past the last."""


def matching_ids(text, filters=None):
    """The ids of the stories readers may see that match `text`, best first (at most MAX_RESULTS)."""
    query = parse(text)
    if not query:
        return []
    return backend().find(query, filters or Filters(), timezone.now(), candidates=CANDIDATES, limit=MAX_RESULTS)


def search(text, filters=None, page=1):
    """The `page`th page of the stories readers may see that match `text` (see query.parse),
    best first, with highlighted headlines and snippets. Raises PageNotFound past the last
    page; an empty query gives no results (and asks the database nothing)."""
    query = parse(text)
    results = Results(query, page)
    if not query:
        if page != 1:
            raise PageNotFound()
        return results
    ids = matching_ids(text, filters)
    results.total = len(ids)
    if page < 1 or (page > results.pages):
        raise PageNotFound()
    ids = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    stories = page_stories(ids)
    if backend() is postgres:
        marks = postgres.marked(query, documents_of(stories[pk] for pk in ids if pk in stories))
    else:
        marks = sqlite.marked(query, ids)
    for pk in ids:
        if pk in stories:
            story = stories[pk]
            headline, snippet = marks.get(pk, (story.headline, story.summary))
            results.hits.append(Hit(story, marked_html(headline), marked_html(snippet)))
    return results


def marked_html(text):
    """Text with START/STOP marks as safe HTML: each piece escaped, the marks made <mark>
    (one left open by a cut snippet is closed, a stray one dropped)."""
    out, open_ = [], False
    for piece in re.split(f"([{START}{STOP}])", text or ""):
        if piece in (START, STOP):
            if (piece == START) != open_:
                out.append("<mark>" if piece == START else "</mark>")
                open_ = piece == START
        else:
            out.append(html.escape(piece, quote=True))
    return mark_safe("".join(out) + ("</mark>" if open_ else ""))


def refresh(story_ids, *, new=False):
    """Bring the index of these stories up to what they are now: call it in the transaction
    that wrote them, after the writing (their people and topics too). `new`: stories just
    created, which the index cannot hold yet (ids are never used twice)."""
    story_ids = sorted({pk for pk in story_ids if pk is not None})
    if not story_ids:
        return
    found = documents(story_ids)
    with connection.cursor() as cursor:
        if not new:
            backend().delete(cursor, story_ids)
        if found:
            backend().write(cursor, found)


def rebuild(batch=2000, progress=None):
    """Index every story again from nothing; the number indexed."""
    done = 0
    with connection.cursor() as cursor:
        backend().clear(cursor)
    published = Story.objects.filter(status=Story.Status.PUBLISHED).order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        ids = list(published.filter(pk__gt=last)[:batch])
        if not ids:
            break
        found = documents(ids)
        with connection.cursor() as cursor:
            backend().write(cursor, found)
        done += len(found)
        last = ids[-1]
        if progress:
            progress(done)
    with connection.cursor() as cursor:
        backend().optimize(cursor)
    return done
