import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from newsdesk.stories.models import Story

from .conftest import editor_data, logged_in, publish_now, write_story

pytestmark = pytest.mark.django_db

PAGES = ["stories", "new-story", "edit-story", "preview"]
ACTIONS = ["autosave", "submit", "publish", "schedule", "unschedule", "withdraw", "note"]
EDITORS_ONLY = ["publish", "schedule", "unschedule", "withdraw", "note"]


def url(name, story):
    return reverse(f"newsroom:{name}", args=[] if name in ("stories", "new-story") else [story.pk])


def visit(client, name, story):
    if name in PAGES:
        return client.get(url(name, story))
    return client.post(url(name, story), {**editor_data(story), "reason": "Wrong", "text": "Fixed", "kind": "update"})


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, draft, name):
    page = visit(client, name, draft)

    assert page.status_code == 302
    assert page["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize("name", PAGES + ACTIONS)
@pytest.mark.parametrize("who", ["reader", "moderator"])
def test_readers_and_moderators_cannot_reach_any_editing_url(request, client, draft, name, who):
    logged_in(client, request.getfixturevalue(who))

    assert visit(client, name, draft).status_code == 403
    assert Story.objects.get(pk=draft.pk).revision == draft.revision


@pytest.mark.parametrize("name", EDITORS_ONLY)
def test_a_reporter_cannot_publish_schedule_withdraw_or_add_notes(client, reporter, draft, name):
    logged_in(client, reporter)

    assert visit(client, name, draft).status_code == 403
    story = Story.objects.get(pk=draft.pk)
    assert (story.status, story.revision, story.notes.count()) == (Story.Status.DRAFT, draft.revision, 0)


@pytest.mark.parametrize("name", ["edit-story", "preview", "autosave", "submit"])
def test_a_reporter_cannot_touch_another_reporters_story(client, other_reporter, draft, name):
    logged_in(client, other_reporter)

    assert visit(client, name, draft).status_code == 403
    assert client.post(url("edit-story", draft), editor_data(draft, headline="Mine now")).status_code == 403
    assert Story.objects.get(pk=draft.pk).headline == draft.headline


def test_a_reporter_cannot_edit_their_own_story_once_published(client, reporter, editor, draft):
    publish_now(draft, editor)
    logged_in(client, reporter)

    assert client.get(url("edit-story", draft)).status_code == 403
    assert client.post(url("edit-story", draft), editor_data(draft, headline="Changed")).status_code == 403
    assert Story.objects.get(pk=draft.pk).headline == draft.headline


def test_the_workflow_urls_answer_only_post(client, editor, draft):
    logged_in(client, editor)

    for name in ACTIONS:
        assert client.get(url(name, draft)).status_code == 405, name


def test_an_editor_may_edit_any_story(client, editor, reporter):
    story = write_story(reporter, headline="Reporter's story")
    publish_now(story, editor)
    logged_in(client, editor)

    assert client.get(url("edit-story", story)).status_code == 200
