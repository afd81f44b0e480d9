"""Hostile text sent to the API, in every field and parameter: kept as text, escaped in the
JSON (no raw <, > or &), and answered with a clear status, never a server error."""

import json

import pytest

from newsdesk.hostile import payloads
from newsdesk.stories.models import Story

from .conftest import make_article

pytestmark = pytest.mark.django_db

SAMPLE = payloads.sample(payloads.everything(), 40, salt="api")


def raw_is_inert(answer):
    body = answer.content.decode()
    assert "<" not in body and ">" not in body and "&" not in body.replace("\\u0026", ""), body[:300]


def test_hostile_text_in_every_field_round_trips_as_text_and_stays_escaped(editor_api):
    for n, text in enumerate(SAMPLE):
        name = text.replace(",", " ")[:150]
        answer = editor_api.post("/api/stories", json.dumps({
            "headline": f"{n} {text}"[:300], "standfirst": text, "byline": text[:300], "source": text[:200],
            "body": text, "people": [name], "topics": [name], "language": "en",
        }), content_type="application/json")
        assert answer.status_code in (201, 400), (text, answer.status_code)
        assert answer["Content-Type"].startswith("application/json")
        raw_is_inert(answer)
        if answer.status_code == 201:
            saved = Story.objects.get(pk=answer.json()["id"])
            shown = editor_api.get(f"/api/stories/{saved.pk}")
            raw_is_inert(shown)
            assert shown.json()["standfirst"] == saved.standfirst == text.strip()
            assert shown.json()["headline"] == saved.headline


def test_hostile_query_parameters_get_json_answers_never_a_server_error(client):
    make_article(headline="A <b>bold</b> & \"quoted\" headline")
    for text in SAMPLE:
        for path, params in (("/api/search", {"q": text}), ("/api/stories", {"section": text}),
                             ("/api/stories", {"person": text, "cursor": text}), ("/api/people", {"cursor": text}),
                             ("/api/stories", {"since": text})):
            answer = client.get(path, params)
            assert answer.status_code in (200, 400), (path, text, answer.status_code)
            assert answer["Content-Type"].startswith("application/json")
            raw_is_inert(answer)
        for path in ("/api/people/", "/api/stories/slug/", "/api/topics/"):
            answer = client.get(path + text.replace("/", "%2F").replace("?", "%3F").replace("#", "%23"))
            assert answer.status_code in (400, 404), (path, text, answer.status_code)
            assert answer["Content-Type"].startswith("application/json")


def test_a_headline_with_markup_is_text_in_the_json(client):
    story = make_article(headline="</script><script>alert(1)</script> & more")
    answer = client.get(f"/api/stories/{story.pk}")
    raw_is_inert(answer)
    assert answer.json()["headline"] == "</script><script>alert(1)</script> & more"
