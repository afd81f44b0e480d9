"""What open pages are sent: Server-Sent Events made from the feed's events, rendered once
per process however many readers receive them.

- `story`: a story is live (new or changed), with its river item and its teaser as HTML;
- `gone`: a story readers may no longer see (withdrawn, unpublished, deleted);
- `comment`: a comment shown on a story, with its HTML and the story's comment count;
- `uncomment`: a comment no longer shown;
- `wire`: an item new or changed in the wire queue, by id only (the desk, signed in, fetches
  its row: agency copy is not for readers' streams).
A story event that concerns no river (an old story corrected) is not sent to every page;
its own page is purged and shows the change on the next load."""

import json
from dataclasses import dataclass

from django.template.loader import render_to_string

from .events import RIVER


@dataclass(frozen=True)
class Message:
    id: int
    story_id: int | None  # for comment messages: only that story's page wants them
    data: bytes           # the whole SSE message, ready to send

    @property
    def for_everyone(self):
        return self.story_id is None


def sse(event_id, event, payload):
    data = json.dumps(payload, separators=(",", ":"))
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n".encode()


def story_payloads(stories):
    for story in stories:
        yield {
            "story": story.pk, "kind": story.kind, "published": story.published_at.isoformat(),
            "section": story.section_id,
            "river": render_to_string("river/_item.html", {"item": story}),
            "teaser": render_to_string("stories/_teaser.html", {"story": story, "level": 2}),
        }


def build(events):
    """Messages for a batch of events, in order; a story changed twice in a batch is sent once."""
    from newsdesk.comments.models import Comment
    from newsdesk.stories.models import Story

    last_story_event = {}
    comment_events = []
    messages = []
    for event in events:
        if event.kind == "story" and event.story_id:
            last_story_event[event.story_id] = event
        elif event.kind == "comment" and event.comment_id:
            comment_events.append(event)
        elif event.kind == "wire":
            items = [int(key[5:]) for key in event.keys.split() if key.startswith("wire:") and key[5:].isdigit()]
            messages.append(Message(event.id, None, sse(event.id, "wire", {"items": items})))
    stories = {s.pk: s for s in Story.objects.for_listing().filter(pk__in=list(last_story_event))}
    for story_id, event in last_story_event.items():
        story = stories.get(story_id)
        if story is None:
            messages.append(Message(event.id, None, sse(event.id, "gone", {"story": story_id})))
        elif RIVER in event.keys.split():
            (payload,) = story_payloads([story])
            messages.append(Message(event.id, None, sse(event.id, "story", payload)))
    if comment_events:
        comments = {c.pk: c for c in Comment.objects.select_related("story", "author").filter(
            pk__in=[e.comment_id for e in comment_events])}
        for event in comment_events:
            comment = comments.get(event.comment_id)
            messages.append(comment_message(event, comment))
    messages.sort(key=lambda m: m.id)
    return messages


def comment_message(event, comment):
    from newsdesk.comments.models import Comment

    if comment is None or comment.status != Comment.Status.APPROVED:
        return Message(event.id, event.story_id, sse(event.id, "uncomment", {
            "story": event.story_id, "comment": event.comment_id}))
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from newsdesk.comments.views import _comment_html

    # As any reader who is not its author sees it: no edit links, the token filled by the page.
    request = HttpRequest()
    request.method, request.user = "GET", AnonymousUser()
    return Message(event.id, event.story_id, sse(event.id, "comment", {
        "story": event.story_id, "comment": comment.pk, "thread": comment.thread_id,
        "html": _comment_html(request, comment), "count": comment.story.comment_count,
    }))


def snapshot(event_id, limit):
    """The latest stories as `story` messages: for a reader back after a long time away."""
    from newsdesk.stories.models import Story

    stories = list(Story.objects.for_listing()[:limit])
    return [Message(event_id, None, sse(event_id, "story", payload)) for payload in story_payloads(reversed(stories))]
