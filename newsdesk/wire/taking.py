"""From the queue into the newsroom: an item taken as a story (a draft) or a brief, with the
agency credited as readers see it and a link back to the item and the version it came from."""

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from newsdesk.people.models import Person, Topic
from newsdesk.people.services import mentioned_in
from newsdesk.stories import body, services as stories
from newsdesk.stories.models import Story

from .models import StoryLink, WireItem


class TakeError(Exception):
    """An item that cannot be taken; the message says why."""


def credit(item):
    """The agency as readers see it, at the foot of the story: "— TASS"."""
    return f"— {item.agency}" if item.agency else ""


def story_body(item, version=None):
    """The item's body for a story: the dateline leading the first paragraph, the credit last."""
    html = (version.body_html if version is not None else item.body_html) or ""
    if item.dateline:
        dateline = f"{escape(item.dateline)} — "
        html = html.replace("<p>", f"<p>{dateline}", 1) if html.startswith("<p>") else f"<p>{dateline}</p>{html}"
    if item.agency:
        html += f"<p>{escape(credit(item))}</p>"
    return body.clean_html(html)


def matched_tags(item, text):
    """The newsroom's own people and topics the item names (its people, topics and subjects)
    or its text mentions: nothing new is made from an agency's words."""
    people, topics = set(), set()
    for name in {" ".join(n.split()) for n in [*item.people, *item.topics, *(s[1] for s in item.subjects if s[1:])]}:
        if name:
            people |= set(Person.objects.filter(name__iexact=name).values_list("pk", flat=True))
            topics |= set(Topic.objects.filter(name__iexact=name).values_list("pk", flat=True))
    for mention in mentioned_in(text, limit=40):
        (people if mention.kind == "person" else topics).add(mention.id)
    return sorted(people), sorted(topics)


def headline_of(item):
    headline = " ".join((item.headline or item.slugline or "").split())
    if not headline:
        raise TakeError("This item has no headline or slugline: open it and write the story by hand.")
    return headline[:300]


@transaction.atomic
def take(item, *, by, kind=Story.Kind.ARTICLE):
    """A draft story (or brief) made from the item's latest version; returns the story."""
    item = WireItem.objects.select_for_update().get(pk=item.pk)
    if item.status == WireItem.Status.CANCELED:
        raise TakeError("The agency canceled this item: it cannot be used.")
    version = item.versions.order_by("-received_at", "-pk").first()
    headline = headline_of(item)
    text = " ".join([headline, body.html_to_text(item.body_html)])
    people, topics = matched_tags(item, text)
    # and those the routing rules added
    people = sorted(set(people) | set(item.added_people.values_list("pk", flat=True)))
    topics = sorted(set(topics) | set(item.added_topics.values_list("pk", flat=True)))
    if kind == Story.Kind.BRIEF:
        sentence = body.first_sentence(body.html_to_text(item.body_html) or headline, 400)
        html = body.text_to_html(f"{sentence} {credit(item)}".strip())
    else:
        html = story_body(item)
    story = Story(kind=kind, headline=headline, body=html, byline=item.byline[:300], source=item.agency[:200],
                  language=item.language, urgency=item.urgency, section_id=item.section_id,
                  status=Story.Status.DRAFT)
    stories.save(story, by=by, people=Person.objects.filter(pk__in=people),
                 topics=Topic.objects.filter(pk__in=topics), action="create")
    StoryLink.objects.create(story=story, item=item, version=version, by=by)
    if item.taken_at is None:
        item.taken_by, item.taken_story, item.taken_at = by, story, timezone.now()
    item.expires_at = None  # taken: it stays
    item.save(update_fields=["taken_by", "taken_story", "taken_at", "expires_at"])
    from .ingest import announce

    announce(item.pk)
    return story
