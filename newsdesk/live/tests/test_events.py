"""What open pages are sent when the newsroom changes something, and how a reader's
stream resumes: the events, the messages made from them, and the hub that keeps them."""

import asyncio
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.comments import services as comments
from newsdesk.conftest import make_article, make_brief, make_member
from newsdesk.live.hub import Hub
from newsdesk.live.messages import Message, build
from newsdesk.live.models import Event
from newsdesk.stories import services

pytestmark = pytest.mark.django_db


def sent(messages):
    """(event name, data) of each message, as a browser's EventSource reads them."""
    out = []
    for message in messages:
        fields = dict(line.split(": ", 1) for line in message.data.decode().strip().splitlines())
        assert int(fields["id"]) == message.id
        out.append((fields["event"], json.loads(fields["data"])))
    return out


@pytest.fixture
def editor():
    return make_member("editor", "Editor")


def test_a_breaking_brief_is_sent_with_its_river_item_and_local_time(editor):
    brief = services.publish_brief("Storm warning for the coast tonight.", by=editor)
    (event,) = Event.objects.all()
    assert event.story_id == brief.pk and {"river", f"story:{brief.pk}", "archive"} <= set(event.keys.split())
    ((name, data),) = sent(build([event]))
    assert name == "story" and data["story"] == brief.pk and data["kind"] == "brief"
    assert f'data-story="{brief.pk}"' in data["river"] and 'class="breaking"' in data["river"]
    assert timezone.localtime(brief.published_at).strftime("%H:%M") in data["river"]
    assert "Storm warning for the coast tonight." in data["teaser"]


def test_a_withdrawn_story_is_sent_as_gone(editor):
    brief = services.publish_brief("Bridge closed.", by=editor)
    services.withdraw(brief, by=editor, reason="Wrong report.")
    events = list(Event.objects.all())
    assert [name for name, _ in sent(build(events))] == ["gone"]  # the same story twice in a batch: its last state


def test_drafts_make_no_event_and_an_old_correction_reaches_no_river(editor):
    draft = services.save(make_article(status="draft", published_at=None), by=editor)
    assert not Event.objects.filter(story_id=draft.pk).exists()
    old = make_article(headline="Harbour dues rise", published_at=timezone.now() - timedelta(days=400))
    for n in range(15):
        make_brief(f"Brief {n}.", published_at=timezone.now() - timedelta(minutes=n + 1))
    services.add_note(old, by=None, kind="correction", text="May, not June.")
    event = Event.objects.get(story_id=old.pk)
    assert "river" not in event.keys.split()
    assert build([event]) == []  # its own page is purged; no open river needs it


def test_an_approved_comment_is_sent_to_its_story_only():
    story = make_article()
    comment = comments.post(story, text="A fine idea.", name="Guest", email="guest@example.org")
    assert not Event.objects.exists()  # a guest's comment waits for a moderator
    comments.approve(comment, by=None)
    (message,) = build(list(Event.objects.all()))
    assert message.story_id == story.pk and not message.for_everyone
    ((name, data),) = sent([message])
    assert name == "comment" and data["comment"] == comment.pk and data["count"] == 1
    assert "A fine idea." in data["html"] and 'value=""' in data["html"]  # no one's token in it


def test_the_hub_gives_a_returning_reader_what_it_missed_or_says_it_cannot():
    async def run():
        hub = Hub(asyncio.get_running_loop(), last_id=10)
        hub.receive([Message(11, None, b"a"), Message(12, None, b"b")], 12)
        assert [m.id for m in hub.since(10)] == [11, 12]
        assert [m.id for m in hub.since(11)] == [12]
        assert hub.since(12) == []
        assert hub.since(3) is None  # from before this process knew: read from the database
        waiting = hub.arrived
        hub.receive([Message(13, 7, b"c")], 13)
        assert waiting.is_set() and not hub.arrived.is_set()

    asyncio.run(run())


@pytest.mark.parametrize("query", ["after=abc", "story=1%3B2", "after=1&story=x"])
def test_a_stream_asked_with_words_for_numbers_says_so(client, query):
    from newsdesk.live import stream

    response = client.get(f"/live/stream?{query}")
    assert response.status_code == 400 and b"whole numbers" in response.content

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.disconnect"}

    scope = {"type": "http", "method": "GET", "path": "/live/stream", "query_string": query.encode(), "headers": []}
    asyncio.run(stream.app(scope, receive, send))
    assert sent[0]["status"] == 400 and b"whole numbers" in sent[1]["body"]
