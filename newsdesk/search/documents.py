"""What the index holds of a story: its text in four fields, read for many stories at once."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from newsdesk.stories import body
from newsdesk.people.models import Person, Topic
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
    asks for the time each time).

    Plain SQL: the import refreshes the index for every batch of files it saves, and building
    the same two ORM queries each time cost more than running them."""
    story_ids = list(story_ids)
    if not story_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_stories_sql(len(story_ids)), [Story.Status.PUBLISHED, *story_ids])
        stories = cursor.fetchall()
        ids = [row[0] for row in stories]
        rows = []
        if ids:
            cursor.execute(_tags_sql(len(ids)), ids + ids)
            rows = cursor.fetchall()
    names, facets = {}, {}
    for story_id, name, kind, pk in rows:
        names.setdefault(story_id, []).append(name)
        facets.setdefault(story_id, []).append(facet(kind, pk))
    return [
        Document(pk, language or settings.LANGUAGE_CODE, plain(headline), plain(standfirst),
                 plain(body.html_to_text(html)), plain("\n".join(names.get(pk, []))),
                 " ".join(([facet("s", section_id)] if section_id else []) + facets.get(pk, [])), section_id)
        for pk, language, headline, standfirst, html, section_id in stories
    ]


@functools.lru_cache(maxsize=64)
def _stories_sql(count):
    qn = connection.ops.quote_name
    return (f"SELECT {qn('id')}, {qn('language')}, {qn('headline')}, {qn('standfirst')}, {qn('body')}, "
            f"{qn('section_id')} FROM {qn(Story._meta.db_table)} WHERE {qn('status')} = %s "
            f"AND {qn('id')} IN ({', '.join(['%s'] * count)}) ORDER BY {qn('id')}")


@functools.lru_cache(maxsize=64)
def _tags_sql(count):
    """A story's people, then its topics: (story id, name, p or t, the tag's id)."""
    qn, marks = connection.ops.quote_name, ", ".join(["%s"] * count)
    parts = []
    for through, column, model, kind in ((Story.people.through, "person_id", Person, "p"),
                                         (Story.topics.through, "topic_id", Topic, "t")):
        link, tag = qn(through._meta.db_table), qn(model._meta.db_table)
        parts.append(f"SELECT l.{qn('story_id')}, g.{qn('name')}, '{kind}', g.{qn('id')} FROM {link} l "
                     f"JOIN {tag} g ON g.{qn('id')} = l.{qn(column)} WHERE l.{qn('story_id')} IN ({marks})")
    return " UNION ALL ".join(parts)


def documents_of(stories):
    """The documents of `stories` already read: a page of results, whose snippets are made
    from them. Without their people and topics, which no snippet shows."""
    return [
        Document(story.pk, story.language or settings.LANGUAGE_CODE, plain(story.headline), plain(story.standfirst),
                 plain(body.html_to_text(story.body)), "", "", story.section_id)
        for story in stories
    ]
