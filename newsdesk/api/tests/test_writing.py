"""Newsroom tokens write stories as the newsroom editor does: same checks, revisions, audit log,
edit conflicts and roles."""

import pytest
from django.test import Client

from newsdesk.audit.models import Entry
from newsdesk.people.models import Person
from newsdesk.stories.models import Revision, Section, Story

from .conftest import make_article, token_for, with_token, write_story

pytestmark = pytest.mark.django_db


def post(api, data):
    return api.post("/api/stories", data, content_type="application/json")


def patch(api, story_id, data):
    return api.patch(f"/api/stories/{story_id}", data, content_type="application/json")


def test_an_editor_token_writes_a_draft_with_a_revision_and_an_audit_entry(editor, editor_api):
    Section.objects.create(name="World")

    answer = post(editor_api, {"headline": "Ferry returns", "body": "<p>It is back.</p><script>x()</script>",
                               "section": "world", "people": ["Ann Lee"], "topics": ["Transport"]})

    assert answer.status_code == 201, answer.content
    story = Story.objects.get(pk=answer.json()["id"])
    assert story.status == Story.Status.DRAFT and story.created_by == editor
    assert story.body == "<p>It is back.</p>"  # sanitised by the stories service
    assert story.section.name == "World" and [p.name for p in story.people.all()] == ["Ann Lee"]
    assert Revision.objects.filter(story=story, number=1, author=editor).exists()
    assert Entry.objects.filter(actor=editor, action="create", target_id=str(story.pk)).exists()
    assert answer.json()["revision"] == 1


def test_an_update_keeps_a_revision_and_a_stale_one_is_an_edit_conflict(editor, editor_api):
    story = write_story(editor, headline="First headline")

    changed = patch(editor_api, story.pk, {"base_revision": 1, "headline": "Second headline"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["headline"] == "Second headline" and changed.json()["revision"] == 2
    assert Story.objects.get(pk=story.pk).body == story.body  # fields not sent stay as they were
    assert Entry.objects.filter(actor=editor, action="save", target_id=str(story.pk)).exists()

    stale = patch(editor_api, story.pk, {"base_revision": 1, "headline": "Third headline"})
    assert stale.status_code == 409 and stale.json()["field"] == "base_revision"
    assert "edna saved this story" in stale.json()["error"]
    assert Story.objects.get(pk=story.pk).headline == "Second headline"

    missing = patch(editor_api, story.pk, {"headline": "No base"})
    assert missing.status_code == 400 and missing.json()["field"] == "base_revision"


def test_an_editor_token_publishes_schedules_and_withdraws(editor_api):
    created = post(editor_api, {"headline": "Out now", "body": "<p>Text.</p>", "status": "published"}).json()
    assert created["status"] == "published" and Story.objects.published().filter(pk=created["id"]).exists()

    withdrawn = patch(editor_api, created["id"], {"base_revision": created["revision"], "status": "withdrawn",
                                                  "withdrawn_reason": "Legal reasons"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"

    later = post(editor_api, {"headline": "Later", "body": "<p>Text.</p>", "status": "published",
                              "publish_at": "2099-01-01T09:00:00Z"}).json()
    assert later["status"] == "scheduled"


def test_a_reporter_token_writes_drafts_sends_them_for_review_but_cannot_publish(reporter, reporter_api):
    refused = post(reporter_api, {"headline": "Mine", "body": "<p>Text.</p>", "status": "published"})
    assert refused.status_code == 403 and "editor" in refused.json()["error"]
    assert not Story.objects.filter(headline="Mine").exists()  # nothing half-done

    created = post(reporter_api, {"headline": "Mine", "body": "<p>Text.</p>"}).json()
    sent = patch(reporter_api, created["id"], {"base_revision": created["revision"], "status": "review"})
    assert sent.status_code == 200 and sent.json()["status"] == "review"

    publish = patch(reporter_api, created["id"], {"base_revision": sent.json()["revision"], "status": "published"})
    assert publish.status_code == 403
    assert Story.objects.get(pk=created["id"]).status == Story.Status.REVIEW


def test_a_reporter_cannot_edit_someone_elses_story_nor_a_live_one(editor, reporter, reporter_api):
    theirs = write_story(editor)
    assert patch(reporter_api, theirs.pk, {"base_revision": 1, "headline": "Mine now"}).status_code == 403
    live = make_article(created_by=reporter)
    assert patch(reporter_api, live.pk, {"base_revision": live.revision, "headline": "Changed"}).status_code == 403


def test_a_reporter_cannot_make_new_people_as_in_the_newsroom_editor(reporter_api):
    Person.objects.create(name="Ann Lee")
    known = post(reporter_api, {"headline": "Known", "body": "<p>x</p>", "people": ["ann lee"]})
    assert known.status_code == 201
    unknown = post(reporter_api, {"headline": "Unknown", "body": "<p>x</p>", "people": ["Zed New"]})
    assert unknown.status_code == 400 and unknown.json()["field"] == "people"
    assert "ask an editor" in unknown.json()["error"]


def test_bad_input_gets_a_clear_json_error(editor_api):
    cases = [
        ({"body": "<p>No headline</p>"}, "headline"),
        ({"headline": "x" * 301}, "headline"),
        ({"headline": "Bad kind", "kind": "poem"}, "kind"),
        ({"headline": "Bad section", "section": "nowhere"}, "section"),
        ({"headline": "Bad picture", "lead_picture": 999}, "lead_picture"),
        ({"headline": "Bad date", "embargo_until": "yesterday"}, "embargo_until"),
        ({"headline": "Nul\x00byte"}, "headline"),
        ({"headline": "Withdrawn", "status": "withdrawn"}, "withdrawn_reason"),
        ({"headline": "Past", "status": "published", "publish_at": "2001-01-01T00:00:00Z"}, "publish_at"),
    ]
    for data, field in cases:
        answer = post(editor_api, data)
        assert answer.status_code == 400, (data, answer.content)
        assert answer.json()["field"] == field, (data, answer.json())
    not_json = editor_api.post("/api/stories", "{not json", content_type="application/json")
    assert not_json.status_code == 400 and not_json.json()["error"]
    assert patch(editor_api, 999999, {"base_revision": 1}).status_code == 404


def test_writing_needs_a_token_a_signed_in_session_is_not_enough(editor):
    browser = Client()
    browser.force_login(editor)
    answer = browser.post("/api/stories", {"headline": "Via cookie"}, content_type="application/json")
    assert answer.status_code == 401 and answer["Content-Type"].startswith("application/json")
    assert not Story.objects.filter(headline="Via cookie").exists()


def test_a_revoked_token_and_a_former_members_token_get_401(editor, reporter):
    secret = token_for(editor)
    token = editor.api_tokens.get()
    token.revoke(editor)
    answer = post(with_token(secret), {"headline": "After revoking"})
    assert answer.status_code == 401 and "revoked" in answer.json()["error"]

    former = token_for(reporter)
    reporter.groups.clear()
    assert with_token(former).get("/api/stories").status_code == 401


def test_too_many_calls_get_429_with_retry_after(settings, editor_api, client):
    settings.API_RATE_TOKEN = (3, 60)
    settings.API_RATE_CLIENT = (2, 60)
    assert [editor_api.get("/api/stories").status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = editor_api.get("/api/stories")
    assert refused["Retry-After"] == "60" and refused.json()["retry_after"] == 60
    assert [client.get("/api/stories").status_code for _ in range(3)] == [200, 200, 429]


def test_a_body_too_large_gets_413_in_json(settings, editor_api):
    settings.REQUEST_MAX_BYTES = 2048
    answer = post(editor_api, {"headline": "Big", "body": "<p>" + "x" * 5000 + "</p>"})
    assert answer.status_code == 413 and answer.json()["error"]
