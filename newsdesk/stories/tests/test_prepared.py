"""The story page's queries, compiled once per connection: each request's own values, the same
stories and tags the ORM gives, on every database the suite runs on."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief
from newsdesk.people.models import Person, Topic
from newsdesk.stories import models as story_models
from newsdesk.stories.models import Section, Story
from newsdesk.stories.prepared import PreparedQuery

pytestmark = pytest.mark.django_db


def test_each_request_gets_its_own_story_from_the_compiled_query():
    world = Section.objects.create(name="World")
    first = make_article(headline="Talks on space", section=world, people=[Person.named("Vladimir Putin")],
                         topics=[Topic.named("Space")])
    second = make_article(headline="Budget approved")

    shown = Story.objects.page(slug=first.slug, kind=Story.Kind.ARTICLE)
    assert (shown.pk, shown.headline, shown.section.name) == (first.pk, "Talks on space", "World")
    assert [p.name for p in shown.people.all()] == ["Vladimir Putin"]
    assert [t.name for t in shown.topics.all()] == ["Space"]
    assert shown.has_notes is False
    assert Story.objects.page(slug=second.slug, kind=Story.Kind.ARTICLE).headline == "Budget approved"
    # the compiled form ran, not the ORM's fallback
    assert story_models._story_page.runs_compiled()
    assert story_models._one_story_tags.runs_compiled()


def test_an_article_is_not_found_as_a_brief_nor_by_another_slug():
    article = make_article(headline="Talks on space")
    make_brief("A brief.")

    assert Story.objects.page(slug=article.slug, kind=Story.Kind.BRIEF) is None
    assert Story.objects.page(slug=article.slug + "-x", kind=Story.Kind.ARTICLE) is None


def test_a_scheduled_story_appears_when_its_time_comes():
    later = make_article(headline="Embargoed", published_at=timezone.now() + timedelta(minutes=5))
    assert Story.objects.page(slug=later.slug, kind=Story.Kind.ARTICLE) is None

    # the time the query compares with is this request's, not the one it was compiled with
    Story.objects.filter(pk=later.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Story.objects.page(slug=later.slug, kind=Story.Kind.ARTICLE).headline == "Embargoed"


def test_the_prepared_query_gives_what_the_queryset_gives():
    stories = [make_brief(f"Brief {n}.", people=[Person.named(f"Leader {n}"), Person.named("Ada")])
               for n in range(3)]

    def build(kind, now):
        return Story.objects.published(now).filter(kind=kind).order_by("headline")

    prepared = PreparedQuery(build, kind=str, now=type(timezone.now()))
    now = timezone.now()
    assert [s.pk for s in prepared(kind="brief", now=now)] == [s.pk for s in build("brief", now)]
    assert [s.pk for s in prepared(kind="brief", now=now)] == [s.pk for s in stories]
    assert prepared(kind="article", now=now) == []

    tags = story_models._tags_queryset(stories[0].pk)
    assert story_models._one_story_tags(story_ids=stories[0].pk) == [tuple(row) for row in tags]


def test_a_query_the_markers_cannot_stand_for_runs_through_the_orm():
    make_brief("Only brief.")
    pk = Story.objects.get().pk

    # prefetching happens after the query: refused when compiling, answered by the ORM
    prefetching = PreparedQuery(lambda ids: Story.objects.filter(pk=ids).prefetch_related("people"), ids=int)
    assert [s.headline for s in prefetching(ids=pk)] == ["Only brief."]
    assert not prefetching.runs_compiled()

    # a value computed from the argument would be kept as compiled: refused as well
    computed = PreparedQuery(lambda ids: Story.objects.filter(pk__in=[ids, ids + 1]), ids=int)
    assert [s.headline for s in computed(ids=pk - 1)] == ["Only brief."]
    assert not computed.runs_compiled()
