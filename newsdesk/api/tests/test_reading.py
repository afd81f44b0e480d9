"""Reading the API as anyone would, and as the newsroom does with a token."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section, Story

from .conftest import make_article, make_brief

pytestmark = pytest.mark.django_db


def ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


def headlines(answer):
    assert answer.status_code == 200, answer.content
    return [item["headline"] for item in answer.json()["items"]]


def test_anyone_reads_published_stories_newest_first_with_their_parts(client):
    world = Section.objects.create(name="World")
    putin = Person.objects.create(name="Vladimir Putin")
    make_article(headline="Older", published_at=ago(30))
    make_article(headline="Talks resume", published_at=ago(5), section=world, people=[putin], byline="Ann Lee",
                 standfirst="Both sides met.")
    make_article(headline="Still a draft", status=Story.Status.DRAFT, published_at=None)
    make_article(headline="Not yet", published_at=timezone.now() + timedelta(hours=1))

    answer = client.get("/api/stories")

    assert headlines(answer) == ["Talks resume", "Older"]
    first = answer.json()["items"][0]
    assert first["url"] == "http://testserver" + Story.objects.get(headline="Talks resume").get_absolute_url()
    assert first["section"]["name"] == "World" and first["people"][0]["name"] == "Vladimir Putin"
    assert first["byline"] == "Ann Lee" and first["standfirst"] == "Both sides met."
    assert answer.json()["next_cursor"] is None
    assert answer["Content-Type"] == "application/json; charset=utf-8"


def test_a_story_by_id_and_by_slug_and_unpublished_ones_are_not_found(client):
    story = make_article(headline="Ferry returns")
    draft = make_article(headline="Secret draft", status=Story.Status.DRAFT, published_at=None)

    assert client.get(f"/api/stories/{story.pk}").json()["headline"] == "Ferry returns"
    assert client.get(f"/api/stories/slug/{story.slug}").json()["id"] == story.pk
    missing = client.get(f"/api/stories/{draft.pk}")
    assert missing.status_code == 404 and missing.json()["error"]
    assert client.get(f"/api/stories/slug/{draft.slug}").status_code == 404


def test_a_newsroom_token_also_sees_drafts(editor_api):
    draft = make_article(headline="Secret draft", status=Story.Status.DRAFT, published_at=None)
    make_article(headline="Live one")

    assert editor_api.get(f"/api/stories/{draft.pk}").json()["status"] == "draft"
    assert "Secret draft" in headlines(editor_api.get("/api/stories"))
    assert headlines(editor_api.get("/api/stories?status=draft")) == ["Secret draft"]


def test_filters_by_kind_section_person_topic_and_time(client):
    world = Section.objects.create(name="World")
    putin, energy = Person.objects.create(name="Vladimir Putin"), Topic.objects.create(name="Energy")
    make_article(headline="In world", section=world, published_at=ago(50))
    make_article(headline="About Putin", people=[putin], published_at=ago(40))
    make_article(headline="About energy", topics=[energy], published_at=ago(30))
    make_brief("A brief.", published_at=ago(20))

    assert headlines(client.get("/api/stories?kind=brief")) == ["A brief."]
    assert headlines(client.get("/api/stories?section=world")) == ["In world"]
    assert headlines(client.get("/api/stories?person=vladimir-putin")) == ["About Putin"]
    assert headlines(client.get("/api/stories?topic=energy")) == ["About energy"]
    since, until = ago(45).isoformat(), ago(25).isoformat()
    assert headlines(client.get("/api/stories", {"since": since, "until": until})) == ["About energy", "About Putin"]
    unknown = client.get("/api/stories?section=nowhere")
    assert unknown.status_code == 400 and unknown.json()["field"] == "section"
    assert client.get("/api/stories?kind=poem").status_code == 400


def test_pages_follow_each_other_and_stay_stable_when_stories_are_published_meanwhile(client):
    for n in range(5):
        make_article(headline=f"Story {n}", published_at=ago(10 - n))
    first = client.get("/api/stories?limit=2").json()
    assert [i["headline"] for i in first["items"]] == ["Story 4", "Story 3"]

    make_article(headline="Breaking meanwhile", published_at=ago(0))
    second = client.get(f"/api/stories?limit=2&cursor={first['next_cursor']}").json()
    third = client.get(f"/api/stories?limit=2&cursor={second['next_cursor']}").json()

    assert [i["headline"] for i in second["items"]] == ["Story 2", "Story 1"]
    assert [i["headline"] for i in third["items"]] == ["Story 0"] and third["next_cursor"] is None


def test_stories_published_at_the_same_moment_are_neither_repeated_nor_skipped(client):
    at = ago(3)
    for n in range(5):
        make_article(headline=f"Same time {n}", published_at=at)
    seen, cursor = [], ""
    while True:
        page = client.get("/api/stories", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [i["headline"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == [f"Same time {n}" for n in range(5)]


def test_a_cursor_the_api_did_not_give_and_a_limit_too_large_are_clear_errors(client):
    for cursor in ("nonsense", "W10", "WyJ4IiwxXQ", "%00"):
        answer = client.get("/api/stories", {"cursor": cursor})
        assert answer.status_code == 400 and answer.json()["field"] == "cursor", cursor
    too_many = client.get("/api/stories?limit=1000")
    assert too_many.status_code == 400 and too_many.json()["field"] == "limit"


def test_briefs_are_the_river(client):
    make_article(headline="An article")
    make_brief("The council approved the budget.", published_at=ago(2))
    make_brief("Trains run late.", published_at=ago(1))

    assert headlines(client.get("/api/briefs")) == ["Trains run late.", "The council approved the budget."]


def test_people_topics_and_sections_are_listed_by_name_and_read_by_slug(client):
    for name in ("Zoe Berg", "Ann Lee", "Mia Holt"):
        Person.objects.create(name=name)
    Topic.objects.create(name="Energy", description="Power and prices")
    Section.objects.create(name="World", position=1)
    Section.objects.create(name="Business", position=2)

    first = client.get("/api/people?limit=2").json()
    rest = client.get(f"/api/people?limit=2&cursor={first['next_cursor']}").json()
    assert [p["name"] for p in first["items"] + rest["items"]] == ["Ann Lee", "Mia Holt", "Zoe Berg"]
    ann = client.get("/api/people/ann-lee").json()
    assert ann["name"] == "Ann Lee" and ann["url"] == "http://testserver" + Person.objects.get(name="Ann Lee").get_absolute_url()
    assert client.get("/api/topics/energy").json()["description"] == "Power and prices"
    assert [t["name"] for t in client.get("/api/topics").json()["items"]] == ["Energy"]
    assert [s["name"] for s in client.get("/api/sections").json()["items"]] == ["World", "Business"]
    assert client.get("/api/sections/business").json()["name"] == "Business"
    for path in ("/api/people/nobody", "/api/topics/nothing", "/api/sections/none"):
        assert client.get(path).status_code == 404


def test_search_finds_published_stories_by_headline_standfirst_and_body(client):
    make_article(headline="Harbour ferry returns")
    make_article(headline="Budget passes", standfirst="The ferry subsidy stays.")
    make_article(headline="Ferry draft", status=Story.Status.DRAFT, published_at=None)
    make_article(headline="Unrelated", body="<p>A ferry is mentioned in the body only.</p>")
    from newsdesk.search.services import rebuild
    rebuild()  # made straight in the database: the newsroom's services index as they save

    assert sorted(headlines(client.get("/api/search?q=FERRY"))) == ["Budget passes", "Harbour ferry returns", "Unrelated"]
    empty = client.get("/api/search?q=%20%20")
    assert empty.status_code == 400 and empty.json()["field"] == "q"
    assert client.get("/api/search").status_code == 400


def test_an_unknown_address_or_method_under_api_answers_json():
    client = Client(enforce_csrf_checks=True)
    for answer, status in ((client.get("/api/nothing/here"), 404), (client.post("/api/nothing"), 404),
                           (client.delete("/api/stories"), 405), (client.put("/api/stories/1"), 405)):
        assert answer.status_code == status and answer["Content-Type"].startswith("application/json")
        assert answer.json()["error"]
    assert "PATCH" in client.put("/api/stories/1")["Allow"]


def test_the_openapi_document_describes_every_endpoint(client):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/stories", "/api/stories/{story_id}", "/api/stories/slug/{slug}", "/api/briefs", "/api/search",
            "/api/people", "/api/topics", "/api/sections"} <= set(document["paths"])
    assert set(document["paths"]["/api/stories"]) == {"get", "post"}


def test_anonymous_answers_are_shared_by_the_page_cache_and_token_answers_are_not(client, editor_api):
    story = make_article(headline="Cached")

    anonymous = client.get(f"/api/stories/{story.pk}")
    assert f"story:{story.pk}" in anonymous["Surrogate-Key"].split()
    assert "public" in anonymous["Cache-Control"]

    with_token = editor_api.get(f"/api/stories/{story.pk}")
    assert with_token.status_code == 200 and "Surrogate-Key" not in with_token
    assert "public" not in with_token.get("Cache-Control", "")


def test_a_wrong_token_is_refused_even_for_reading(client):
    answer = client.get("/api/stories", HTTP_AUTHORIZATION="Bearer nd_not-a-token")
    assert answer.status_code == 401 and "not known" in answer.json()["error"]
    answer = client.get("/api/stories", HTTP_AUTHORIZATION="Basic abc")
    assert answer.status_code == 401 and "Bearer" in answer.json()["error"]


def test_every_read_endpoint_answers_a_token_holder_too(editor_api, client):
    story = make_article(headline="Seen by both", section=Section.objects.create(name="World"),
                         people=[Person.objects.create(name="Ann Lee")], topics=[Topic.objects.create(name="Energy")])
    make_brief("A brief.")
    paths = ["/api/stories", f"/api/stories/{story.pk}", f"/api/stories/slug/{story.slug}", "/api/briefs",
             "/api/search?q=seen", "/api/people", "/api/people/ann-lee", "/api/topics", "/api/topics/energy",
             "/api/sections", "/api/sections/world"]
    for path in paths:
        anonymous, with_token = client.get(path), editor_api.get(path)
        assert anonymous.status_code == with_token.status_code == 200, (path, with_token.content)
        assert anonymous.json() == with_token.json(), path  # nothing unpublished here: both see the same
        assert anonymous.json().get("items", True), path


def test_a_published_story_comes_as_ninjs_from_the_api_and_a_draft_does_not(client):
    from newsdesk.conftest import make_article

    story = make_article(headline="Ferry timetable changes")
    draft = make_article(headline="Not yet", status="draft")
    response = client.get(f"/api/stories/{story.pk}/ninjs")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    doc = response.json()
    assert doc["headlines"][0]["value"] == "Ferry timetable changes" and doc["type"] == "text"
    assert doc["uri"].startswith("http://testserver/")
    assert client.get(f"/api/stories/{draft.pk}/ninjs").json() == {"error": "No such published story.", "field": None}
