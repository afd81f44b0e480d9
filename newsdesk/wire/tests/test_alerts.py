"""Agency changes reach the stories built on the copy: a newer version is an alert with the
word diff on the story's newsroom page and its editor's home, applied as a new revision (with
a correction notice on a published story) or dismissed; a cancel or withhold is an urgent
alert with one action to withdraw; a channel may withdraw by itself. Nothing silently."""

import json

import pytest
from django.urls import reverse

from newsdesk.imports.formats import read_agency_bytes
from newsdesk.stories import services as stories
from newsdesk.stories.models import Note, Story
from newsdesk.wire import ingest, taking
from newsdesk.wire.models import Alert, Channel

from .conftest import ninjs

pytestmark = pytest.mark.django_db


def put(doc, channel=None):
    (data,) = read_agency_bytes("item.json", json.dumps(doc).encode())
    return ingest.store(data, file="item.json", channel=channel).item


@pytest.fixture
def published(editor):
    item = put(ninjs())
    story = taking.take(item, by=editor)
    stories.publish(story, by=editor)
    return story


def edit_page(client, story):
    return client.get(reverse("newsroom:edit-story", args=[story.pk])).content.decode()


def test_a_newer_version_alerts_on_the_story_and_home_and_changes_nothing_by_itself(editor_client, published):
    body_before = published.body
    put(ninjs(version="2", body_html="<p>Dmitry Peskov said the talks would end next week.</p>"))
    published.refresh_from_db()
    assert published.body == body_before and published.revision == 2
    alert = Alert.objects.get()
    assert alert.kind == "update" and alert.state == "open"
    for page in (edit_page(editor_client, published), editor_client.get("/newsroom/").content.decode()):
        assert "New version" in page and "<ins>end</ins>" in page and "Apply" in page and "Dismiss" in page


def test_apply_makes_a_new_revision_with_a_correction_notice_on_a_published_story(editor_client, published):
    put(ninjs(version="2", headline="Kremlin says talks will end",
              body_html="<p>Dmitry Peskov said the talks would end next week.</p>"))
    alert = Alert.objects.get()
    response = editor_client.post(reverse("wire:alert", args=[alert.pk, "apply"]))
    assert response.status_code == 302
    story = Story.objects.get(pk=published.pk)
    assert story.headline == "Kremlin says talks will end" and "would end next week" in story.body
    assert story.body.endswith("<p>— TASS</p>") and story.status == Story.Status.PUBLISHED
    assert story.revisions.count() == 3
    note = Note.objects.get(story=story)
    assert note.kind == "correction" and "TASS" in note.text
    assert Alert.objects.get().state == "applied"
    assert "New version" not in edit_page(editor_client, story)
    response = editor_client.post(reverse("wire:alert", args=[alert.pk, "apply"]), follow=True)
    assert "already dealt with" in response.content.decode()


def test_apply_on_a_draft_adds_no_notice(editor_client, editor):
    item = put(ninjs())
    story = taking.take(item, by=editor)
    put(ninjs(version="2", headline="Kremlin says talks will end"))
    editor_client.post(reverse("wire:alert", args=[Alert.objects.get().pk, "apply"]))
    assert Story.objects.get().headline == "Kremlin says talks will end" and not Note.objects.exists()
    assert story.wire_link.__class__.objects.get().version.version == "2"


def test_dismiss_records_it_was_seen(editor_client, editor, published):
    put(ninjs(version="2", headline="Something"))
    alert = Alert.objects.get()
    editor_client.post(reverse("wire:alert", args=[alert.pk, "dismiss"]))
    alert.refresh_from_db()
    assert alert.state == "dismissed" and alert.seen_by == editor and alert.seen_at
    assert Story.objects.get().headline == "Kremlin says talks will go on"


def test_a_kill_is_an_urgent_alert_with_one_action_to_withdraw_with_a_public_note(client, editor_client, published):
    put(ninjs(version="2", pubstatus="canceled"))
    assert Story.objects.get().status == Story.Status.PUBLISHED  # not by itself
    page = edit_page(editor_client, published)
    assert "Canceled by the agency" in page and 'role="alert"' in page and "Withdraw the story" in page
    alert = Alert.objects.get()
    editor_client.post(reverse("wire:alert", args=[alert.pk, "withdraw"]),
                       {"note": "TASS canceled the report this story was based on."})
    story = Story.objects.get()
    assert story.status == Story.Status.WITHDRAWN
    assert story.withdrawn_reason == "TASS canceled the report this story was based on."
    assert Alert.objects.get().state == "withdrawn"
    client.logout()
    reader = client.get(story.get_absolute_url())
    assert "TASS canceled the report" in reader.content.decode()


def test_a_kill_alerts_every_story_built_on_the_item(editor, reporter):
    item = put(ninjs())
    article = taking.take(item, by=editor)
    brief = taking.take(item, by=reporter, kind=Story.Kind.BRIEF)
    put(ninjs(version="2", pubstatus="withheld"))
    assert {a.link.story for a in Alert.objects.filter(kind="withheld")} == {article, brief}


def test_a_channel_set_to_withdraw_does_so_with_a_public_note_and_leaves_the_alert(editor, tmp_path):
    channel = Channel.objects.create(name="TASS", kind="folder", path=str(tmp_path), withdraw_on_cancel=True)
    item = put(ninjs(), channel=channel)
    story = taking.take(item, by=editor)
    stories.publish(story, by=editor)
    put(ninjs(version="2", pubstatus="canceled"), channel=channel)
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN and "TASS canceled" in story.withdrawn_reason
    assert Alert.objects.get().state == "withdrawn"


def test_only_those_who_may_change_the_story_act_on_its_alert(client, published):
    from newsdesk.conftest import make_member

    put(ninjs(version="2", headline="Changed"))
    client.force_login(make_member("mo", "Moderator"))
    assert client.post(reverse("wire:alert", args=[Alert.objects.get().pk, "apply"])).status_code == 403
