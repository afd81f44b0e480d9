"""Routing rules: applied in their order to each item, and to each newer version, as the ingest
service takes it in. A rule matches when every condition it gives holds; its actions set the
item's section, add people and topics, mark it as priority, or take it as a brief and publish
it (through the story service, in the name of the rule's author); the first matching rule that
says stop ends the list. Each rule counts the items it matched."""

import logging
import re

from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags

from .models import Rule, WireItem

log = logging.getLogger(__name__)
SPLIT = re.compile(r"[\s,;]+")


def words_of(rule):
    return [w for w in SPLIT.split(rule.words.lower()) if w]


def _text(item, where):
    parts = []
    if where in (Rule.Where.EITHER, Rule.Where.HEADLINE):
        parts.append(item.headline)
    if where in (Rule.Where.EITHER, Rule.Where.BODY):
        parts.append(strip_tags(item.body_html))
    return " ".join(parts).lower()


def _has_word(text, word):
    # A whole word or phrase: "war" is not found in "award".
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def matches(rule, item):
    """Whether every condition the rule gives holds for the item."""
    if rule.channel_id and rule.channel_id != item.channel_id:
        return False
    if rule.agency and rule.agency.strip().lower() != (item.agency or "").strip().lower():
        return False
    if rule.urgency is not None and (item.urgency is None or item.urgency > rule.urgency):
        return False
    if rule.subject:
        wanted = rule.subject.strip().lower()
        if not any(wanted in (str(code).lower(), str(name).lower()) for code, name, *_ in item.subjects):
            return False
    if rule.language:
        wanted, have = rule.language.strip().lower(), (item.language or "").lower()
        if have != wanted and not have.startswith(wanted + "-"):
            return False
    words = words_of(rule)
    if words:
        text = _text(item, rule.words_in)
        found = [_has_word(text, w) for w in words]
        if not (all(found) if rule.words_match == Rule.Words.ALL else any(found)):
            return False
    return True


def enabled(*, with_tags=False):
    """The rules to run, in their order (`with_tags`: the people and topics they add read too)."""
    rules = Rule.objects.filter(enabled=True).select_related("author").order_by("position", "pk")
    return list(rules.prefetch_related("people", "topics") if with_tags else rules)


def apply_many(items, now=None, *, rules=None):
    """apply() for items saved together (a batch of the ingest): the rules are read once
    (`rules`: as enabled(with_tags=True) gives them, if read already)."""
    rules = enabled(with_tags=True) if rules is None else rules
    if rules:
        for item in items:
            apply(item, now, rules=rules)


def apply(item, now=None, *, rules=None):
    """Run the enabled rules (`rules`, as enabled() gives them, or read now) over the item
    (saved by the ingest service a moment ago); returns the rules that matched. Called inside
    the ingest transaction, so a failure takes nothing in."""
    now = now or timezone.now()
    matched = []
    for rule in enabled() if rules is None else rules:
        if not matches(rule, item):
            continue
        matched.append(rule)
        if rule.stop:
            break
    if not matched:
        return []
    Rule.objects.filter(pk__in=[r.pk for r in matched]).update(matched=F("matched") + 1, last_matched_at=now)
    changes = {"rules_applied": [r.name for r in matched]}
    for rule in matched:
        if rule.section_id:
            changes["section_id"] = rule.section_id  # a later rule's section wins
        if rule.priority:
            changes["priority"] = True
        item.added_people.add(*rule.people.all())
        item.added_topics.add(*rule.topics.all())
    WireItem.objects.filter(pk=item.pk).update(**changes)
    for name, value in changes.items():
        setattr(item, name, value)
    publisher = next((r for r in matched if r.publish), None)
    if publisher is not None:
        publish_brief(item, publisher)
    return matched


def publish_brief(item, rule):
    """Take the item as a brief and publish it, as the rule says; an item that cannot be (a
    kill, an embargo, no headline, an author who may no longer publish, already taken) is left
    in the queue for an editor, with the reason among its notes."""
    from newsdesk.stories import services as stories

    from . import taking

    reason = ""
    if item.taken_at is not None or item.links.exists():
        return None
    if item.status != WireItem.Status.USABLE:
        reason = f"the agency marked it {item.get_status_display().lower()}"
    elif item.under_embargo:
        reason = "it is under the agency's embargo"
    elif rule.author is None or not rule.author.is_active or not stories.can_publish(rule.author):
        reason = "the rule's author may not publish"
    if not reason:
        try:
            story = taking.take(item, by=rule.author, kind=taking.Story.Kind.BRIEF)
            return stories.publish(story, by=rule.author)
        except (taking.TakeError, stories.WorkflowError) as err:
            reason = str(err)
    note = f"Rule “{rule.name}” did not publish it: {reason}."
    item.notes = [*item.notes, note]
    WireItem.objects.filter(pk=item.pk).update(notes=item.notes)
    return None
