"""What the index holds of a story: its text in four fields, read for many stories at once."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Value

from newsdesk.stories import body
from newsdesk.stories.models import Story

# The marks the backends put around a match in a snippet; kept out of indexed text so that
# no story can fake one (search.results turns them into <mark> after escaping).
START, STOP = "\x02", "\x03"
_NO_MARKS = str.maketrans({START: " ", STOP: " ", "\x04": " ", "\x05": " "})


@dataclass
class Document:
    story_id: int
    language: str
    headline: str
    standfirst: str
    body: str
    tags: str  # its people and topics, one name a line
    facets: str = ""  # its section, people and topics as words of their own (facet()), for the filters
    section_id: int = None


def facet(kind, pk):
    """The word that stands in the index for a story's section, person or topic (kind s, p
    or t): the filters ask the index for it, as fast as for any word."""
    return f"nd{kind}{pk}x"


def plain(text):
    return (text or "").translate(_NO_MARKS)


def documents(story_ids):
    """The documents of the stories among `story_ids` that readers may find: published ones
    (those whose time has not come are indexed too, and found from then on: the search
    asks for the time each time)."""
    stories = list(
        Story.objects.filter(pk__in=story_ids, status=Story.Status.PUBLISHED)
        .values_list("pk", "language", "headline", "standfirst", "body", "section_id")
    )
    names, facets = {}, {}
    ids = [row[0] for row in stories]
    if ids:
        people = Story.people.through.objects.filter(story_id__in=ids).annotate(kind=Value("p")).values_list(
            "story_id", "person__name", "kind", "person_id")
        topics = Story.topics.through.objects.filter(story_id__in=ids).annotate(kind=Value("t")).values_list(
            "story_id", "topic__name", "kind", "topic_id")
        for story_id, name, kind, pk in people.union(topics, all=True):
            names.setdefault(story_id, []).append(name)
            facets.setdefault(story_id, []).append(facet(kind, pk))
    return [
        Document(pk, language or settings.LANGUAGE_CODE, plain(headline), plain(standfirst),
                 plain(body.html_to_text(html)), plain("\n".join(names.get(pk, []))),
                 " ".join(([facet("s", section_id)] if section_id else []) + facets.get(pk, [])), section_id)
        for pk, language, headline, standfirst, html, section_id in stories
    ]


def documents_of(stories):
    """The documents of `stories` already read, with their people and topics (load_tags): a
    page of results, whose snippets are made from them."""
    found = []
    for story in stories:
        tags = [*story.people.all(), *story.topics.all()]
        found.append(Document(
            story.pk, story.language or settings.LANGUAGE_CODE, plain(story.headline), plain(story.standfirst),
            plain(body.html_to_text(story.body)), plain("\n".join(tag.name for tag in tags)), "", story.section_id))
    return found
