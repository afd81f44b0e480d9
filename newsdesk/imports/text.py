"""Plain-text pages shaped like a news site's article page.

    Headline
    [By Jane Doe and John Roe / Agency]
    Body paragraph
    ...
    [Source: Agency]
    Read next
    12:05
    [Person or topic label]
    The brief's text.
    ...

Page chrome (comment prompts, share and footer lines) is recognised and dropped. A credit
line, just under the headline or closing the body, gives the byline ("By ...", an agency
after a slash) or the source ("Source: ..."); without one, an agency the text cites
("Tass news agency reported") is the source.
"""

import codecs
import hashlib
import re
from datetime import datetime, time, timedelta

from django.utils import timezone

from newsdesk.stories import body
from newsdesk.stories.models import Story

from newsdesk.people.services import byline_names, looks_like_a_name

from .services import ImportFailed, StoryData

HEADLINE_MAX = 300
RIVER_HEADINGS = {"read next", "read more", "latest news", "latest"}
CHROME = {
    "what is your opinion on this topic?", "leave the first comment", "leave a comment", "comments",
    "show comments", "share", "share this article", "share this", "copy link", "link copied",
    "facebook", "twitter", "x", "telegram", "whatsapp", "linkedin", "email", "e-mail", "print",
    "advertisement", "subscribe", "follow us", "back to top", "related", "tags",
}
_CHROME_PREFIXES = ("©", "copyright ", "all rights reserved", "share on ", "follow us on ")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_LOOKS_LIKE_TIME = re.compile(r"^\d{1,2}[:.]\d{1,2}$")
_AGENCY = re.compile(r"\b([A-Z][A-Za-z]+|[A-Z]{2,})\s+news agency\b")
_SENTENCE_END = ".!?…:;\"'”’»"
_BY_LINE = re.compile(r"^by\s+(?P<names>.+?)(?:\s*[/|]\s*(?P<agency>[^/|]+?))?\.?$", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"^(?:source|credit)\s*:\s*(?P<source>.{2,100}?)\.?$", re.IGNORECASE)


def credit(line):
    """(byline, source) of a credit line, or None for any other line: every name of a "By"
    line must look like a name or an agency, so that "By the end of May, ..." is text."""
    if len(line) > 200:
        return None
    if match := _SOURCE_LINE.match(line):
        return "", match["source"].strip()
    match = _BY_LINE.match(line)
    if match is None:
        return None
    names = byline_names(match["names"])
    if not names or not all(looks_like_a_name(name) or _looks_like_agency(name) for name in names):
        return None
    return ", ".join(names), (match["agency"] or "").strip()


def _looks_like_agency(name):
    """One or two capitalised words ("Reuters", "AFP", "Associated Press")."""
    words = name.split()
    return 0 < len(words) <= 3 and all(word[:1].isupper() for word in words)


def is_chrome(line):
    low = line.lower()
    return low in CHROME or low.startswith(_CHROME_PREFIXES) or bool(re.fullmatch(r"comments?\s*\(\d+\)", low))


def looks_like_label(line):
    """A person or topic label: a short name-like line, not a sentence."""
    words = line.split()
    return 0 < len(words) <= 5 and len(line) <= 60 and not line.endswith(tuple(_SENTENCE_END))


def _digest(text):
    return hashlib.sha1(" ".join(text.split()).lower().encode()).hexdigest()[:16]


def decode(path, raw):
    """A file's text: UTF-8, or UTF-16 where a byte-order mark says so (what Windows tools
    save as "Unicode text")."""
    encoding = "utf-16" if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw[: err.start].decode(encoding, errors="replace").count("\n") + 1
        name = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise ImportFailed(path, line, f"not {name} text (byte 0x{raw[err.start]:02x} at offset {err.start})") from None


def parse_text(path, raw, *, date=None, now=None):
    """The article and briefs of one text page, as StoryData (article first). Its labels
    are told apart as people or topics when saved (StoryData.labels)."""
    now = timezone.localtime(now)
    text = decode(path, raw) if isinstance(raw, bytes) else raw
    if "\x00" in text:
        raise ImportFailed(path, text[: text.index("\x00")].count("\n") + 1, "binary data (a NUL byte) in a text page")
    lines = [(n, " ".join(line.split())) for n, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line and not is_chrome(line)]
    if not lines:
        raise ImportFailed(path, 1, "empty page: no headline")

    head_no, headline = lines[0]
    if len(headline) > HEADLINE_MAX:
        raise ImportFailed(path, head_no, f"headline is {len(headline)} characters long; at most {HEADLINE_MAX}")
    if _LOOKS_LIKE_TIME.match(headline) or headline.lower() in RIVER_HEADINGS:
        raise ImportFailed(path, head_no, f"the first line must be the headline, found {headline!r}")

    river_at = next((i for i, (_, line) in enumerate(lines) if line.lower() in RIVER_HEADINGS), len(lines))
    byline, source, body_lines = "", "", lines[1:river_at]
    # A credit line: the first after the headline, or the last of the body.
    for index in sorted({0, len(body_lines) - 1}, reverse=True):
        if len(body_lines) > 1 and (found := credit(body_lines[index][1])):
            byline, source = byline or found[0], source or found[1]
            del body_lines[index]
    lines = [lines[0], *body_lines, *lines[river_at:]]
    river_at = len(body_lines) + 1
    paragraphs = [line for _, line in lines[1:river_at]]
    if not paragraphs:
        raise ImportFailed(path, head_no, "no body paragraphs after the headline")
    for n, line in lines[1:river_at]:
        if _LOOKS_LIKE_TIME.match(line):
            raise ImportFailed(path, n, f"a time ({line}) in the body: is a 'Read next' line missing above it?")

    briefs = parse_river(path, lines[river_at + 1 :], date=date, now=now)

    article_text = "\n".join(paragraphs)
    agency = _AGENCY.search(article_text)
    mentioned = article_text.lower()
    article = StoryData(
        guid=f"text:article:{_digest(headline)}",
        kind=Story.Kind.ARTICLE,
        headline=headline,
        body_html=body.text_to_html(article_text),
        byline=byline,
        source=source or (agency.group(1) if agency else ""),
        # Labels from this page that the article speaks of tag it too, if they are people.
        labels=sorted({label for brief in briefs for label in brief.labels if label.lower() in mentioned}),
        published_at=_article_time(date, now),
    )
    return [article, *briefs]


def _article_time(date, now):
    if date is None or date == now.date():
        return None  # now when first imported; kept on later imports
    return timezone.make_aware(datetime.combine(date, time(12, 0)))


def parse_river(path, lines, *, date, now):
    items, current = [], None
    for n, line in lines:
        if _LOOKS_LIKE_TIME.match(line):
            match = _TIME.match(line)
            hours, minutes = (int(match[1]), int(match[2])) if match else (99, 99)
            if hours > 23 or minutes > 59:
                raise ImportFailed(path, n, f"{line!r} is not a time of day (HH:MM, 00:00 to 23:59)")
            current = {"line": n, "time": time(hours, minutes), "texts": []}
            items.append(current)
        elif current is None:
            raise ImportFailed(path, n, f"expected a time (HH:MM) to start a 'Read next' item, found {line[:60]!r}")
        else:
            current["texts"].append(line)

    for item in items:
        texts = item["texts"]
        if not texts:
            raise ImportFailed(path, item["line"], f"the 'Read next' item at {item['time']:%H:%M} has no text")
        item["label"] = texts.pop(0) if len(texts) > 1 and looks_like_label(texts[0]) else ""

    briefs = []
    for item in items:
        label, brief_text = item["label"], " ".join(item["texts"])
        published = _river_time(item["time"], date, now)
        briefs.append(
            StoryData(
                guid=f"text:brief:{item['time']:%H%M}:{_digest(brief_text)}",
                kind=Story.Kind.BRIEF,
                headline=body.first_sentence(brief_text),
                body_html=body.text_to_html(brief_text),
                labels=[label] if label else [],
                published_at=published,
            )
        )
    return briefs


def _river_time(hhmm, date, now):
    """A river time on `date`; with no date given or today's, today, or yesterday for a time
    still to come today (a page never lists the future: read after midnight, its river
    still shows the evening's briefs)."""
    if date is not None and date != now.date():
        return timezone.make_aware(datetime.combine(date, hhmm))
    at = timezone.make_aware(datetime.combine(now.date(), hhmm))
    return at - timedelta(days=1) if at > now else at
