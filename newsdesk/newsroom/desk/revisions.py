"""Reading a story's revisions: what each one did, and what changed between two of them."""

import re
from datetime import datetime
from difflib import SequenceMatcher

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from newsdesk.audit.models import Entry
from newsdesk.stories import body
from newsdesk.stories.models import Section, Story

LABELS = {
    "kind": "Kind", "headline": "Headline", "standfirst": "Standfirst", "body": "Body", "authors": "Authors", "byline": "Byline",
    "source": "Source", "section_id": "Section", "language": "Language", "people": "People", "topics": "Topics",
    "status": "Status", "published_at": "Published", "embargo_until": "Embargo until",
}

ACTIONS = {
    "create": "Created", "save": "Saved", "restore": "Restored", "submit": "Sent for review",
    "publish": "Published", "schedule": "Scheduled", "unschedule": "Unscheduled", "withdraw": "Withdrawn",
}
# The step that leads into a status, for revisions whose audit entry does not name its revision.
INTO_STATUS = {
    Story.Status.REVIEW: "submit", Story.Status.SCHEDULED: "schedule", Story.Status.PUBLISHED: "publish",
    Story.Status.WITHDRAWN: "withdraw", Story.Status.DRAFT: "unschedule",
}
_REVISION_NOTE = re.compile(r"^revision (\d+)$")


def actions(story, revisions):
    """{revision number: action label} for all the `revisions` of `story`.

    A revision has no action field: saves, creations and restores are matched to their
    audit entry ("revision N"), and the workflow steps are told by the status they
    moved the story into.
    """
    by_number = {}
    entries = Entry.objects.filter(target_type=story._meta.label_lower, target_id=str(story.pk),
                                   action__in=["create", "save", "restore"])
    for action, note in entries.values_list("action", "note"):
        match = _REVISION_NOTE.match(note)
        if match:
            by_number[int(match[1])] = action
    ordered = sorted(revisions, key=lambda revision: revision.number)
    labels, status_before = {}, None
    for revision in ordered:
        status = revision.data.get("status")
        action = by_number.get(revision.number)
        if action is None:
            if status_before is None:
                action = "create"
            else:
                action = INTO_STATUS.get(status, "save") if status != status_before else "save"
        labels[revision.number] = ACTIONS.get(action, action)
        status_before = status
    return labels


def _as_text(name, value, sections):
    if value in (None, ""):
        return ""
    if name == "body":
        return body.html_to_text(value)
    if name in ("people", "topics", "authors"):
        return "\n".join(value)
    if name == "section_id":
        return sections.get(value, f"(removed section {value})")
    if name in ("published_at", "embargo_until"):
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    if name == "kind":
        return Story.Kind(value).label if value in Story.Kind.values else value
    if name == "status":
        return Story.Status(value).label if value in Story.Status.values else value
    return str(value)


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(old, new):
    """HTML of `old` turned into `new`: removed words in <del>, added ones in <ins>."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(parts)


def text_diff(old, new):
    """Line by line (paragraphs of a body), then word by word inside the lines that changed."""
    a, b = old.split("\n"), new.split("\n")
    lines = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            lines.extend(escape(line) for line in a[i1:i2])
        elif op == "replace":
            lines.append(word_diff("\n".join(a[i1:i2]), "\n".join(b[j1:j2])))
        elif op == "delete":
            lines.extend(f"<del>{escape(line)}</del>" for line in a[i1:i2])
        else:
            lines.extend(f"<ins>{escape(line)}</ins>" for line in b[j1:j2])
    return mark_safe("\n".join(lines))


def changes(old, new):
    """[(label, diff HTML)] for each field that differs between two revisions' data."""
    ids = {old.get("section_id"), new.get("section_id")} - {None}
    sections = dict(Section.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    found = []
    for name, label in LABELS.items():
        before, after = _as_text(name, old.get(name), sections), _as_text(name, new.get(name), sections)
        if before != after:
            found.append((label, text_diff(before, after)))
    return found
