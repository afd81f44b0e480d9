"""Read endpoints: stories, briefs (the river), people, topics, sections and search.

Anyone may read what readers see; a newsroom token whose owner may edit stories also sees
drafts, stories in review, scheduled and withdrawn ones. Every list is cursor-paginated."""

import datetime
from typing import Literal, Optional

from ninja import Path, Query, Router

from newsdesk.imports.ninjs import export as ninjs
from newsdesk.live import events
from newsdesk.pagecache.middleware import tag
from newsdesk.search import services as search
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section, Story

from . import cursors
from .auth import anyone, token_of
from .errors import ApiError
from .present import section_data, stories_data, tag_data
from .schemas import Error, SectionOut, SectionPage, StoryOut, StoryPage, TagOut, TagPage, TooMany

router = Router(auth=anyone, tags=["read"])

READ_ERRORS = {400: Error, 401: Error, 429: TooMany}
Limit = Query(cursors.DEFAULT_LIMIT, ge=1, le=cursors.MAX_LIMIT, description="Items per page (at most 100).")
Cursor = Query(None, max_length=200, description="The next_cursor of the page before.")
Kind = Literal["article", "brief"]
StatusFilter = Literal["draft", "review", "scheduled", "published", "withdrawn"]
# Readers' lists go by publishing time, the newest first (the story_listing index).
BY_TIME = [("published_at", True), ("pk", True)]
# The newsroom's lists hold drafts, which have no publishing time yet: they go by when written.
BY_WRITING = [("created_at", True), ("pk", True)]
TIME_KINDS = [datetime.datetime, int]


def newsroom_view(request):
    """Whether this caller sees stories readers cannot: a token whose owner may edit stories."""
    token = token_of(request)
    return token is not None and token.owner.has_perm("stories.change_story")


def visible(request):
    return Story.objects.all() if newsroom_view(request) else Story.objects.published()


def with_parts(stories):
    return stories.select_related("section", "lead_picture", "link")


def story_page(request, stories, *, cursor, limit, keys=()):
    """One page of `stories` (newest first) as the API shows it, tagged for the page cache."""
    order = BY_WRITING if newsroom_view(request) else BY_TIME
    items, next_cursor = cursors.page(with_parts(stories), order, TIME_KINDS, cursor=cursor, limit=limit)
    tag(request, events.ARCHIVE, *keys, *(events.story_key(s.pk) for s in items))
    return {"items": stories_data(request, items), "next_cursor": next_cursor}


def by_slug(model, slug, field):
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ApiError(400, f"No {model._meta.verbose_name} has the slug {slug!r}.", field=field)
    return found


@router.get("/stories", response={200: StoryPage, **READ_ERRORS}, summary="Stories, newest first")
def story_list(request, kind: Optional[Kind] = None,
               section: Optional[str] = Query(None, max_length=120, description="A section's slug."),
               person: Optional[str] = Query(None, max_length=220, description="A person's slug."),
               topic: Optional[str] = Query(None, max_length=220, description="A topic's slug."),
               since: Optional[datetime.datetime] = Query(None, description="Published at or after."),
               until: Optional[datetime.datetime] = Query(None, description="Published before."),
               status: Optional[StatusFilter] = Query(None, description="Newsroom tokens only: readers see published."),
               cursor: Optional[str] = Cursor, limit: int = Limit):
    stories, keys = visible(request), []
    if kind:
        stories = stories.filter(kind=kind)
    if section:
        found = by_slug(Section, section, "section")
        stories, keys = stories.filter(section=found), [*keys, f"section:{found.pk}"]
    if person:
        found = by_slug(Person, person, "person")
        stories, keys = stories.filter(people=found), [*keys, f"person:{found.pk}"]
    if topic:
        found = by_slug(Topic, topic, "topic")
        stories, keys = stories.filter(topics=found), [*keys, f"topic:{found.pk}"]
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ApiError(400, f"Give {name} with its time zone, e.g. 2026-05-01T12:00:00Z.", field=name)
    try:  # in UTC: the database takes any time in it, not any offset (+20:03 is none on earth)
        since, until = (v.astimezone(datetime.timezone.utc) if v else v for v in (since, until))
    except OverflowError:
        raise ApiError(400, "That time is out of range.", field="since" if since else "until") from None
    if since:
        stories = stories.filter(published_at__gte=since)
    if until:
        stories = stories.filter(published_at__lt=until)
    if status:
        stories = stories.filter(status=status)
    return story_page(request, stories, cursor=cursor, limit=limit, keys=keys)


@router.get("/stories/{story_id}", response={200: StoryOut, 404: Error, **READ_ERRORS}, summary="A story by id")
def story_detail(request, story_id: int = Path(..., ge=1, le=2**31 - 1)):
    return one_story(request, visible(request).filter(pk=story_id))


@router.get("/stories/slug/{slug}", response={200: StoryOut, 404: Error, **READ_ERRORS}, summary="A story by slug")
def story_by_slug(request, slug: str = Path(..., max_length=100)):
    return one_story(request, visible(request).filter(slug=slug))


def one_story(request, stories):
    story = with_parts(stories).first()
    if story is None:
        raise ApiError(404, "No such story (or not published).")
    tag(request, events.story_key(story.pk))
    return stories_data(request, [story])[0]


@router.get("/stories/{story_id}/ninjs", response={200: dict, 404: Error, **READ_ERRORS},
            summary="A published story as an IPTC ninjs 2.1 document")
def story_ninjs(request, story_id: int = Path(..., ge=1, le=2**31 - 1)):
    # Published stories only, for every caller: ninjs is what goes out to partners.
    story = ninjs.published_story(story_id)
    if story is None:
        raise ApiError(404, "No such published story.")
    tag(request, events.story_key(story.pk),
        *events.tag_keys(section_ids=[story.section_id], person_ids=[p.pk for p in story.people.all()],
                         topic_ids=[t.pk for t in story.topics.all()]))
    return ninjs.story_to_ninjs(story, request)


@router.get("/briefs", response={200: StoryPage, **READ_ERRORS}, summary="The river: briefs, newest first")
def brief_list(request, cursor: Optional[str] = Cursor, limit: int = Limit):
    return story_page(request, visible(request).briefs(), cursor=cursor, limit=limit, keys=[events.RIVER])


def search_stories(stories, q):
    """Stories matching `q` in the site's search index (headlines, standfirsts, bodies, people
    and topics: what readers' search finds), listed newest first like every API list."""
    return stories.filter(pk__in=search.matching_ids(q))


@router.get("/search", response={200: StoryPage, **READ_ERRORS}, summary="Search stories")
def search_endpoint(request, q: str = Query(..., min_length=1, max_length=200, description="Words to look for."),
           cursor: Optional[str] = Cursor, limit: int = Limit):
    words = " ".join(q.split())
    if not words:
        raise ApiError(400, "Give some words to search for.", field="q")
    return story_page(request, search_stories(visible(request), words), cursor=cursor, limit=limit)


def tag_list(request, model, cursor, limit):
    items, next_cursor = cursors.page(model.objects.all(), [("name", False), ("pk", False)], [str, int],
                                      cursor=cursor, limit=limit)
    kind = model._meta.model_name
    tag(request, events.ARCHIVE, *(f"{kind}:{t.pk}" for t in items))
    return {"items": [tag_data(request, t) for t in items], "next_cursor": next_cursor}


def one_tag(request, model, slug):
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ApiError(404, f"No {model._meta.verbose_name} has this slug.")
    tag(request, f"{model._meta.model_name}:{found.pk}")
    return tag_data(request, found)


@router.get("/people", response={200: TagPage, **READ_ERRORS}, summary="People, by name")
def people(request, cursor: Optional[str] = Cursor, limit: int = Limit):
    return tag_list(request, Person, cursor, limit)


@router.get("/people/{slug}", response={200: TagOut, 404: Error, **READ_ERRORS}, summary="A person")
def person(request, slug: str = Path(..., max_length=220)):
    return one_tag(request, Person, slug)


@router.get("/topics", response={200: TagPage, **READ_ERRORS}, summary="Topics, by name")
def topics(request, cursor: Optional[str] = Cursor, limit: int = Limit):
    return tag_list(request, Topic, cursor, limit)


@router.get("/topics/{slug}", response={200: TagOut, 404: Error, **READ_ERRORS}, summary="A topic")
def topic(request, slug: str = Path(..., max_length=220)):
    return one_tag(request, Topic, slug)


@router.get("/sections", response={200: SectionPage, **READ_ERRORS}, summary="Sections, in the site's order")
def sections(request, cursor: Optional[str] = Cursor, limit: int = Limit):
    order = [("position", False), ("name", False), ("pk", False)]
    items, next_cursor = cursors.page(Section.objects.all(), order, [int, str, int], cursor=cursor, limit=limit)
    tag(request, events.ARCHIVE, *(f"section:{s.pk}" for s in items))
    return {"items": [section_data(request, s) for s in items], "next_cursor": next_cursor}


@router.get("/sections/{slug}", response={200: SectionOut, 404: Error, **READ_ERRORS}, summary="A section")
def section(request, slug: str = Path(..., max_length=120)):
    found = Section.objects.filter(slug=slug).first()
    if found is None:
        raise ApiError(404, "No section has this slug.")
    tag(request, f"section:{found.pk}")
    return section_data(request, found)
