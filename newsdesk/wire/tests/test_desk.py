"""The desk in the newsroom: the queue newest first with its filters and preview, an item's
versions with their word diff, taking an item as a story or a brief, and the channels' pages."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.live.messages import build
from newsdesk.live.models import Event
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Story
from newsdesk.wire import ingest
from newsdesk.wire.models import Channel, RefusedDocument, WireItem

from .conftest import ninjs

pytestmark = pytest.mark.django_db


def put(doc, channel=None):
    from newsdesk.imports.formats import read_agency_bytes

    (data,) = read_agency_bytes("item.json", json.dumps(doc).encode())
    return ingest.store(data, file="item.json", channel=channel).item


def test_the_queue_is_for_the_newsroom(client, reporter):
    response = client.get("/newsroom/wire/")
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(reporter)
    response = client.get("/newsroom/wire/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_the_queue_shows_items_newest_first_with_kills_standing_out(editor_client):
    put(ninjs(uri="urn:a", headline="First report"))
    # another story (the same words would make them one event's row)
    put(ninjs(uri="urn:b", headline="Second report", pubstatus="canceled", body_html="<p>A ferry sank.</p>"))
    page = editor_client.get("/newsroom/wire/").content.decode()
    assert page.index("Second report") < page.index("First report")
    assert "wire-canceled" in page and "Canceled" in page
    assert 'data-live-stream="/live/stream"' in page  # the desk listens to the stream


def test_a_row_shows_the_agencys_words_as_text_with_its_marks_and_keeps_the_filters(editor_client):
    ends = timezone.now() + datetime.timedelta(hours=2)
    item = put(ninjs(headline='Talks <script>alert("x")</script> & more', copyrightholder="A&B <News>",
                     urgency=1, version="3", embargoed=ends.isoformat()))
    page = editor_client.get("/newsroom/wire/?agency=A%26B+%3CNews%3E").content.decode()
    row = page[page.index('<li class="wire-row'):page.index("</li>", page.index('<li class="wire-row'))]
    assert "<script>" not in row
    assert "Talks &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in row
    assert '<span class="wire-agency">A&amp;B &lt;News&gt;</span>' in row
    assert "wire-urgent" in row and '<span class="wire-version">v3</span>' in row
    assert f"Embargo {timezone.localtime(ends):%Y-%m-%d %H:%M}" in row
    # Opening the row keeps the page's filters, and its preview is the item's.
    assert f'href="?agency=A%26B+%3CNews%3E&amp;item={item.pk}"' in row
    assert f'data-preview="/newsroom/wire/{item.pk}/preview/"' in row


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("q=ferry", "Ferry sinks", "Kremlin"),
    ("agency=AFP", "Ferry sinks", "Kremlin"),
    ("urgency=2", "Ferry sinks", "Kremlin"),
    ("subject=politics", "Kremlin", "Ferry sinks"),
    ("language=fr", "Ferry sinks", "Kremlin"),
    ("status=withheld", "Ferry sinks", "Kremlin"),
])
def test_filters(editor_client, query, shown, hidden):
    put(ninjs(uri="urn:a", headline="Kremlin says talks will go on"))
    put(ninjs(uri="urn:b", headline="Ferry sinks off the coast", copyrightholder="AFP", urgency=1, language="fr",
              pubstatus="withheld", subject=[{"name": "disasters"}]))
    page = editor_client.get(f"/newsroom/wire/?{query}").content.decode()
    assert shown in page and hidden not in page


def test_a_bad_filter_is_said_not_a_500(editor_client):
    response = editor_client.get("/newsroom/wire/?urgency=eleven&channel=abc")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_the_preview_pane_and_the_item_page_with_versions_and_their_word_diff(editor_client):
    item = put(ninjs())
    put(ninjs(version="2", body_html="<p>Dmitry Peskov said the talks would end next week.</p>"))
    page = editor_client.get(f"/newsroom/wire/?item={item.pk}").content.decode()
    assert 'class="wire-preview"' in page and "Take as story" in page
    assert editor_client.get(f"/newsroom/wire/{item.pk}/preview/").status_code == 200
    page = editor_client.get(f"/newsroom/wire/{item.pk}/").content.decode()
    assert "Version 2" in page and "Version 1" in page and "ninjs:urn:tass:kremlin-1" in page
    assert "<del>go on</del>" in page or "<del>go</del>" in page
    assert "<ins>end</ins>" in page
    assert "The document as received" in page


def test_new_items_reach_open_desks_over_the_stream_without_agency_copy(editor_client):
    item = put(ninjs(headline="Secret agency headline"))
    event = Event.objects.filter(kind="wire").last()
    (message,) = build([event])
    assert b"event: wire" in message.data and str(item.pk).encode() in message.data
    assert b"Secret agency headline" not in message.data  # the stream is public: ids only
    rows = editor_client.get(f"/newsroom/wire/rows/?ids={item.pk}&status=usable").content.decode()
    assert "Secret agency headline" in rows and f'data-wire-item="{item.pk}"' in rows
    assert "Secret" not in editor_client.get(f"/newsroom/wire/rows/?ids={item.pk}&status=canceled").content.decode()


def test_take_as_story_makes_a_draft_with_credit_tags_and_a_link_back(editor_client, editor):
    peskov = Person.objects.create(name="Dmitry Peskov")
    politics = Topic.objects.create(name="Politics")
    item = put(ninjs())
    response = editor_client.post(f"/newsroom/wire/{item.pk}/take/", {"kind": "article"})
    story = Story.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("newsroom:edit-story", args=[story.pk])
    assert story.status == Story.Status.DRAFT and story.headline == "Kremlin says talks will go on"
    assert story.byline == "Ivan Petrov" and story.source == "TASS"
    assert story.body.startswith("<p>MOSCOW — Dmitry Peskov said")
    assert story.body.endswith("<p>— TASS</p>")
    assert list(story.people.all()) == [peskov] and list(story.topics.all()) == [politics]
    assert story.revisions.count() == 1
    page = editor_client.get(reverse("newsroom:edit-story", args=[story.pk])).content.decode()
    assert "From the wire" in page and f"/newsroom/wire/{item.pk}/#version-" in page
    item.refresh_from_db()
    assert item.taken_by == editor and item.taken_story == story and item.expires_at is None
    page = editor_client.get(f"/newsroom/wire/{item.pk}/").content.decode()
    assert "Taken by edna" in page and story.headline in page


def test_take_as_brief(editor_client):
    item = put(ninjs())
    editor_client.post(f"/newsroom/wire/{item.pk}/take/", {"kind": "brief"})
    story = Story.objects.get()
    assert story.kind == Story.Kind.BRIEF
    assert story.body == "<p>Dmitry Peskov said the talks would go on next week. — TASS</p>"


def test_a_canceled_item_or_one_without_a_headline_is_not_taken_with_a_reason(editor_client):
    canceled = put(ninjs(uri="urn:c", pubstatus="canceled"))
    response = editor_client.post(f"/newsroom/wire/{canceled.pk}/take/", {"kind": "article"}, follow=True)
    assert "canceled this item" in response.content.decode()
    bare = put({"uri": "urn:picture-caption", "body_text": "Only text."})
    response = editor_client.post(f"/newsroom/wire/{bare.pk}/take/", follow=True)
    assert "no headline" in response.content.decode() and not Story.objects.exists()


def test_the_embargo_shows_and_a_taken_story_says_why_it_cannot_be_published(editor_client):
    ends = timezone.now() + datetime.timedelta(hours=2)
    item = put(ninjs(embargoed=ends.isoformat()))
    assert "Under embargo until" in editor_client.get(f"/newsroom/wire/{item.pk}/").content.decode()
    editor_client.post(f"/newsroom/wire/{item.pk}/take/")
    story = Story.objects.get()
    response = editor_client.post(reverse("newsroom:publish", args=[story.pk]), follow=True)
    assert "under embargo until" in response.content.decode()
    assert Story.objects.get().status == Story.Status.DRAFT


def test_editors_manage_channels_reporters_do_not(client, reporter, editor, tmp_path):
    client.force_login(reporter)
    assert client.get("/newsroom/wire/channels/").status_code == 403
    client.force_login(editor)
    response = client.post("/newsroom/wire/channels/new/", {
        "name": "TASS", "kind": "url", "url": "", "interval": 60, "timeout": 10, "max_bytes": 1000,
        "credentials_env": "TASS LOGIN"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "needs the address" in page and "letters, digits and _" in page
    response = client.post("/newsroom/wire/channels/new/", {
        "name": "TASS", "kind": "folder", "path": str(tmp_path), "interval": 60, "timeout": 10,
        "max_bytes": 1000, "credentials_env": "TASS_LOGIN", "time_zone": "Europe/Moscow"})
    channel = Channel.objects.get()
    assert response.status_code == 302
    RefusedDocument.objects.create(channel=channel, file="bad.json", reason="bad.json: field \"headline\": not a string",
                                   raw='{"headline": 42}')
    page = client.get(f"/newsroom/wire/channels/{channel.pk}/").content.decode()
    assert "TASS_LOGIN" in page and "not a string" in page and "{&quot;headline&quot;: 42}" in page
    client.post(f"/newsroom/wire/channels/{channel.pk}/pause/", {"paused": "1"})
    assert Channel.objects.get().paused
    assert "Resume" in client.get(f"/newsroom/wire/channels/{channel.pk}/").content.decode()
    client.post(f"/newsroom/wire/channels/{channel.pk}/pause/", {"paused": "0"})
    assert not Channel.objects.get().paused


def test_expired_items_leave_the_desk_even_before_they_are_pruned(editor_client):
    item = put(ninjs(headline="Old news"))
    WireItem.objects.filter(pk=item.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert "Old news" not in editor_client.get("/newsroom/wire/").content.decode()
    assert editor_client.get(f"/newsroom/wire/{item.pk}/").status_code == 404
