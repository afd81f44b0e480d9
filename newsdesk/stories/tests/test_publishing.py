from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section, Story

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {"status": Story.Status.DRAFT},
    "scheduled": {"status": Story.Status.SCHEDULED, "published_at": timezone.now() + timedelta(hours=2)},
    "withdrawn": {"status": Story.Status.WITHDRAWN},
    "published in the future": {"status": Story.Status.PUBLISHED, "published_at": timezone.now() + timedelta(hours=2)},
}


@pytest.mark.parametrize("state", HIDDEN)
def test_readers_never_see_unpublished_stories(client, state):
    section, person, topic = Section.objects.create(name="World"), Person.named("Ada Lovelace"), Topic.named("Science")
    visible = make_article(headline="Visible story", section=section, people=[person], topics=[topic])
    hidden = make_article(headline="Secret story", section=section, people=[person], topics=[topic], **HIDDEN[state])
    brief = make_brief("Secret brief text.", people=[person], **HIDDEN[state])
    day = timezone.localtime(visible.published_at)

    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(brief.get_absolute_url()).status_code == 404
    for url in [
        "/", visible.get_absolute_url(), section.get_absolute_url(), person.get_absolute_url(),
        topic.get_absolute_url(), "/archive/", f"/archive/{day:%Y}/", f"/archive/{day:%Y/%m/%d}/", "/sitemap.xml",
        "/sitemap-stories.xml", "/sitemap-news.xml",
    ]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert b"Secret" not in page.content, url
    assert b"Visible story" in client.get("/").content


def test_a_scheduled_story_is_visible_once_published_and_its_time_has_come(client):
    story = make_article(headline="On time", status=Story.Status.PUBLISHED, published_at=timezone.now() - timedelta(seconds=1))

    assert client.get(story.get_absolute_url()).status_code == 200


def test_an_article_url_does_not_serve_a_brief_or_the_reverse(client):
    article, brief = make_article(), make_brief()

    assert client.get(f"/briefs/{article.slug}/").status_code == 404
    assert client.get(f"/articles/{brief.slug}/").status_code == 404
