"""Reading a story's revisions: what each one did, and what changed between two of them."""

import re
from datetime import datetime
from difflib import SequenceMatcher
from html.parser import HTMLParser

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
    "lead_picture_id": "Lead picture", "comments_mode": "Comments",
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


def _as_text(name, value, sections, pictures):
    if value in (None, ""):
        return ""
    if name == "lead_picture_id":
        picture = pictures.get(value)
        if picture is None:
            return f"(deleted picture {value})"
        return f"{picture.alt}{f' ({picture.credit})' if picture.credit else ''}"
    if name == "comments_mode":
        return Story.Comments(value).label if value in Story.Comments.values else value
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
    from newsdesk.pictures.models import Picture

    ids = {old.get("section_id"), new.get("section_id")} - {None}
    sections = dict(Section.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    ids = {old.get("lead_picture_id"), new.get("lead_picture_id")} - {None}
    pictures = Picture.objects.only("pk", "alt", "credit").in_bulk(ids) if ids else {}
    found = []
    for name, label in LABELS.items():
        if name == "body":
            if (old.get(name) or "") != (new.get(name) or ""):
                found.append((label, body_diff(old.get(name) or "", new.get(name) or "")))
            continue
        before = _as_text(name, old.get(name), sections, pictures)
        after = _as_text(name, new.get(name), sections, pictures)
        if before != after:
            found.append((label, text_diff(before, after)))
    return found


class _Blocks(HTMLParser):
    """A body's blocks as (kind, text): paragraphs, headings, list items, quotes, pull quotes,
    pictures and embeds, each with its plain text, in order."""

    COLLECT = {"p", "h2", "h3", "h4", "li", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.open, self.texts, self.figure = [], [], [], None

    def kind(self, tag):
        if tag != "p" and tag != "blockquote":
            if tag == "li":
                lists = [t for t, _ in self.open if t in ("ul", "ol")]
                return lists[-1] if lists else "ul"
            return tag
        for t, attrs in reversed(self.open[:-1]):
            if t == "li":
                return self.kind("li")
            if t == "blockquote":
                return "pull-quote" if "pull-quote" in (attrs.get("class") or "") else "quote"
        if tag == "blockquote":
            return "pull-quote" if "pull-quote" in (self.open[-1][1].get("class") or "") else "quote"
        return "p"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure":
            self.figure = {"picture": attrs.get("data-picture"), "embed": attrs.get("data-embed"), "alt": "", "text": []}
        elif tag == "img" and self.figure is not None:
            self.figure["alt"] = attrs.get("alt") or ""
        elif tag == "small" and self.figure is not None:
            self.figure["text"].append(" · ")
        elif tag == "br":
            self.handle_data(" ")
        if tag not in ("img", "br"):
            self.open.append((tag, attrs))
            if tag in self.COLLECT:
                self.texts.append([])

    def handle_endtag(self, tag):
        if tag == "figure" and self.figure is not None:
            f, text = self.figure, " ".join("".join(self.figure["text"]).split())
            if f["picture"]:
                self.blocks.append(("figure", f"Picture: {f['alt']}{' — ' + text if text else ''}"))
            elif f["embed"]:
                self.blocks.append(("figure", f"Embed: {text}"))
            self.figure = None
        if not self.open or self.open[-1][0] != tag:
            return
        if tag in self.COLLECT:
            text = " ".join("".join(self.texts.pop()).split())
            if text:
                self.blocks.append((self.kind(tag), text))
        self.open.pop()

    def handle_data(self, data):
        if self.figure is not None:
            self.figure["text"].append(data)
        elif self.texts:
            self.texts[-1].append(data)


def blocks_of(html):
    parser = _Blocks()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


def _block(kind, inner, change=""):
    """One block of a body diff, as the kind of element it is in the body."""
    classes = {"pull-quote": ["pull-quote"], "figure": ["diff-figure"]}.get(kind, [])
    if change:
        classes.append(f"diff-{change}")
    mark = f' class="{" ".join(classes)}"' if classes else ""
    if kind in ("ul", "ol"):
        return f"<li{mark}>{inner}</li>"
    if kind in ("quote", "pull-quote"):
        return f"<blockquote{mark}><p>{inner}</p></blockquote>"
    if kind == "figure":
        return f"<p{mark}>{inner}</p>"
    return f"<{kind}{mark}>{inner}</{kind}>"


def body_diff(old, new):
    """A body's change with its structure kept: each paragraph, heading, list item, quote and
    picture as a block of its kind, changed words in <del> and <ins>, whole blocks added or
    removed marked as such."""
    a, b = blocks_of(old), blocks_of(new)
    out = []  # (list kind or None, HTML)
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend((kind, _block(kind, escape(text))) for kind, text in a[i1:i2])
            continue
        # Changed blocks: paired by kind (a paragraph with a paragraph) and compared word by word.
        olds, news = a[i1:i2], b[j1:j2]
        kinds = SequenceMatcher(None, [k for k, _ in olds], [k for k, _ in news], autojunk=False)
        for op2, k1, k2, l1, l2 in kinds.get_opcodes():
            if op2 == "equal":
                out.extend((kind, _block(kind, word_diff(before, after)))
                           for (kind, before), (_, after) in zip(olds[k1:k2], news[l1:l2]))
                continue
            out.extend((kind, _block(kind, f"<del>{escape(text)}</del>", "removed")) for kind, text in olds[k1:k2])
            out.extend((kind, _block(kind, f"<ins>{escape(text)}</ins>", "added")) for kind, text in news[l1:l2])
    html, current = [], None
    for kind, block in out:
        kind = kind if kind in ("ul", "ol") else None
        if kind != current:
            if current:
                html.append(f"</{current}>")
            if kind:
                html.append(f"<{kind}>")
            current = kind
        html.append(block)
    if current:
        html.append(f"</{current}>")
    return mark_safe(f'<div class="desk-diff-body">{"".join(html)}</div>')
