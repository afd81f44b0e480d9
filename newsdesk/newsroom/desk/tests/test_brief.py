import pytest
from django.urls import reverse

from newsdesk.audit.models import Entry
from newsdesk.conftest import make_article
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Story

from newsdesk.people.services import looks_like_a_name

pytestmark = pytest.mark.django_db


def read_next(page):
    html = page.content.decode()
    return html[html.index('id="river-heading"'):]


def test_a_published_brief_leads_the_river_on_an_article_page(editor_client, client):
    article = make_article()
    make_article(headline="An older story", slug="older")

    response = editor_client.post(reverse("newsroom:brief"), {"text": "Polls close early in the north. Count starts at nine."})

    assert response.status_code == 302 and response["Location"] == reverse("newsroom:home")
    river = read_next(client.get(article.get_absolute_url()))
    assert "Polls close early in the north. Count starts at nine." in river
    assert river.index("Polls close early") < river.index("An older story")


def test_the_editor_gets_a_link_to_the_live_brief(editor_client):
    response = editor_client.post(reverse("newsroom:brief"), {"text": "Storm warning for the coast."}, follow=True)

    brief = Story.objects.get(kind=Story.Kind.BRIEF)
    assert brief.is_live
    assert f'<a href="{brief.get_absolute_url()}">Storm warning for the coast.</a>' in response.content.decode()


def test_a_new_name_that_looks_like_a_person_becomes_a_person(editor_client):
    response = editor_client.post(reverse("newsroom:brief"), {"text": "The minister resigns.", "tag": "Kari  Nordmann"},
                                  follow=True)

    brief = Story.objects.get(kind=Story.Kind.BRIEF)
    assert [p.name for p in brief.people.all()] == ["Kari Nordmann"] and not brief.topics.exists()
    assert "labelled with the new person “Kari Nordmann”" in response.content.decode()


def test_a_new_name_that_does_not_look_like_a_person_becomes_a_topic(editor_client):
    editor_client.post(reverse("newsroom:brief"), {"text": "Petrol prices rise again.", "tag": "fuel prices"})

    assert [t.name for t in Story.objects.get(kind=Story.Kind.BRIEF).topics.all()] == ["fuel prices"]


def test_the_editor_may_say_a_new_name_is_a_topic(editor_client):
    editor_client.post(reverse("newsroom:brief"), {"text": "Talks resume.", "tag": "Middle East", "tag_kind": "topic"})

    assert Topic.objects.filter(name="Middle East").exists() and not Person.objects.exists()


def test_a_known_topic_is_used_even_when_it_looks_like_a_name(editor_client):
    topic = Topic.objects.create(name="Champions League")

    editor_client.post(reverse("newsroom:brief"), {"text": "Final moved to June.", "tag": "champions league"})

    assert list(Story.objects.get(kind=Story.Kind.BRIEF).topics.all()) == [topic] and not Person.objects.exists()


@pytest.mark.parametrize("text, expected", [
    ("Jonas Gahr Støre", True), ("Ursula von der Leyen", True), ("Kari Nordmann", True),
    ("Madonna", False), ("climate change", False), ("The Big Five Tech Firms", False), ("Apollo 11", False),
])
def test_looks_like_a_name(text, expected):
    assert looks_like_a_name(text) is expected


def test_a_refused_brief_keeps_its_text_and_adds_no_tag(editor_client):
    text = "Too long. " * 70

    response = editor_client.post(reverse("newsroom:brief"), {"text": text, "tag": "Kari Nordmann"})

    assert response.status_code == 400
    assert "A brief is one to three sentences" in response.content.decode()
    assert text.strip() in response.content.decode()
    assert not Story.objects.exists() and not Person.objects.exists()


def test_a_reporter_cannot_publish_a_brief(reporter_client):
    response = reporter_client.post(reverse("newsroom:brief"), {"text": "Scoop!", "tag": "Kari Nordmann"})

    assert response.status_code == 403
    assert not Story.objects.exists() and not Person.objects.exists() and not Entry.objects.exists()


def test_the_brief_box_takes_only_post(editor_client):
    assert editor_client.get(reverse("newsroom:brief")).status_code == 405
