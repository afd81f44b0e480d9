"""An agency's later word on copy already taken: a newer version, a cancel or a withhold
becomes an alert on every story built on the item. Nothing changes a story by itself, save
a channel's choice to withdraw published stories on a kill, which still leaves the alert and
a public note."""

from django.db import transaction
from django.utils import timezone

from newsdesk.stories import body, services as stories
from newsdesk.stories.models import Note, Story

from .models import Alert, StoryLink, WireItem
from .taking import headline_of, story_body

KINDS = {WireItem.Status.CANCELED: Alert.Kind.CANCELED, WireItem.Status.WITHHELD: Alert.Kind.WITHHELD}


def public_note(item):
    agency = item.agency or "The news agency"
    verb = "canceled" if item.status == WireItem.Status.CANCELED else "withheld"
    return f"{agency} {verb} the report this story was based on."


def raise_for(item, version, *, channel=None):
    """Alerts for a newly received version, on each story built on `item`."""
    kind = KINDS.get(item.status, Alert.Kind.UPDATE)
    for link in StoryLink.objects.filter(item=item).select_related("story"):
        # An older alert of the same kind is overtaken by this one.
        link.alerts.filter(state=Alert.State.OPEN, kind=kind).update(state=Alert.State.DISMISSED, seen_at=timezone.now())
        alert = Alert.objects.create(link=link, version=version, kind=kind)
        if kind != Alert.Kind.UPDATE and link.story.status == Story.Status.PUBLISHED:
            auto = channel.withdraw_on_cancel if channel is not None else (
                item.channel.withdraw_on_cancel if item.channel_id else False)
            if auto:
                stories.withdraw_for_agency(link.story, reason=public_note(item))
                alert.state, alert.seen_at = Alert.State.WITHDRAWN, timezone.now()
                alert.save(update_fields=["state", "seen_at"])


def open_alerts():
    return Alert.objects.filter(state=Alert.State.OPEN).select_related("link__story", "link__item", "version")


def for_story(story):
    return list(open_alerts().filter(link__story=story))


def for_editor(user):
    """Open alerts on the stories this editor wrote or took from the wire, urgent first."""
    from django.db.models import Q

    found = open_alerts().filter(Q(link__story__created_by=user) | Q(link__by=user))
    return sorted(found, key=lambda alert: (not alert.urgent, -alert.created_at.timestamp()))


def diff(alert):
    """The word diff from the version the story has to the alert's version: [(label, HTML)]."""
    return changes(alert.link.version, alert.version)


def changes(old, new):
    """What changed between two versions of an item, word by word (the revisions' diff)."""
    from newsdesk.newsroom.desk.revisions import text_diff

    found = []
    if old.headline != new.headline:
        found.append(("Headline", text_diff(old.headline, new.headline)))
    before, after = body.html_to_text(old.body_html), body.html_to_text(new.body_html)
    if before != after:
        found.append(("Body", text_diff(before, after)))
    if old.status != new.status:
        found.append(("Status", text_diff(old.get_status_display(), new.get_status_display())))
    return found


def _close(alert, state, by):
    alert.state, alert.seen_by, alert.seen_at = state, by, timezone.now()
    alert.save(update_fields=["state", "seen_by", "seen_at"])


@transaction.atomic
def apply(alert, *, by):
    """The new version into the story as a new revision, by the same rules as any edit;
    a published story gets a correction notice saying so."""
    alert = Alert.objects.select_for_update().select_related("link__story", "link__item", "version").get(pk=alert.pk)
    if alert.state != Alert.State.OPEN:
        raise stories.WorkflowError("This alert was already dealt with.")
    if alert.kind != Alert.Kind.UPDATE:
        raise stories.WorkflowError("A cancel or withhold is not applied: withdraw the story or dismiss the alert.")
    story, item, version = alert.link.story, alert.link.item, alert.version
    if not stories.can_edit(by, story):
        raise stories.WorkflowError("You cannot edit this story.")
    story.headline = " ".join(version.headline.split())[:300] or headline_of(item)
    if story.is_brief:
        sentence = body.first_sentence(body.html_to_text(version.body_html) or story.headline, 400)
        story.body = body.text_to_html(f"{sentence} — {item.agency}" if item.agency else sentence)
    else:
        story.body = story_body(item, version)
    stories.save(story, by=by, action="wire-apply")
    if story.status == Story.Status.PUBLISHED:
        agency = item.agency or "the news agency"
        stories.add_note(story, by=by, kind=Note.Kind.CORRECTION,
                         text=f"This story was updated with a corrected version from {agency}.")
    StoryLink.objects.filter(pk=alert.link_id).update(version=version)
    _close(alert, Alert.State.APPLIED, by)
    return story


@transaction.atomic
def dismiss(alert, *, by):
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != Alert.State.OPEN:
        raise stories.WorkflowError("This alert was already dealt with.")
    _close(alert, Alert.State.DISMISSED, by)


@transaction.atomic
def withdraw(alert, *, by, note=""):
    """The one action on a kill: withdraw the story with a public note."""
    alert = Alert.objects.select_for_update().select_related("link__story", "link__item").get(pk=alert.pk)
    if alert.state != Alert.State.OPEN:
        raise stories.WorkflowError("This alert was already dealt with.")
    story = alert.link.story
    if story.status != Story.Status.WITHDRAWN:
        stories.withdraw(story, by=by, reason=note or public_note(alert.link.item))
    _close(alert, Alert.State.WITHDRAWN, by)
    return story
