"""Reading partners' RSS 2.0 and Atom feeds (feedparser), a third kind of wire.

A feed's entries are stories as the partner gives them: its title is the agency, an entry's
id (else its link) identifies it, and its updated time stands for a version (feeds have none:
a later time is a later version). The file has passed safexml first: no DTD or entity
reaches feedparser.
"""

import calendar
from datetime import UTC, datetime

import feedparser
from lxml import etree

from newsdesk.stories import body
from newsdesk.stories.models import Story

from ..items import Refused, Skipped, StoryData
from .safexml import local

FORMATS = {"rss20": "RSS 2.0", "rss092": "RSS 0.92", "rss091u": "RSS 0.91", "rss091n": "RSS 0.91", "rss10": "RSS 1.0",
           "atom10": "Atom 1.0", "atom03": "Atom 0.3"}


def read_feed(path, raw, root, *, channel_tz=None, lenient_agencies=()):
    """The entries of a feed (`root` parsed by safexml) as StoryData, Skipped or Refused."""
    path = str(path)
    feed = feedparser.parse(raw, sanitize_html=False, resolve_relative_uris=False)  # cleaned by body.py
    fmt = FORMATS.get(feed.get("version") or "", "RSS or Atom")
    if not feed.get("version") and not feed.entries:
        why = feed.get("bozo_exception") or "no channel or feed element"
        return [Refused(path, f"not an RSS or Atom feed: {why}", format=fmt, raw=raw[:4000].decode("utf-8", "replace"))]
    agency = " ".join((feed.feed.get("title") or "").split())
    language = feed.feed.get("language") or ""
    items, elements = [], [el for el in root.iter() if local(el) in ("item", "entry")]
    if len(elements) != len(feed.entries):
        elements = [None] * len(feed.entries)
    for entry, element in zip(feed.entries, elements):
        ident = entry.get("id") or entry.get("link") or ""
        headline = " ".join(body.html_to_text(entry.get("title") or "").split())
        if not ident.strip():
            items.append(Skipped("text", f'entry "{headline}" has neither an id nor a link to identify it',
                                 headline=headline))
            continue
        content = entry.get("content") or []
        html = next((c.value for c in content if "html" in (c.get("type") or "")), None)
        if html is None:
            html = content[0].value if content else entry.get("summary") or ""
            if html and "html" not in (entry.get("summary_detail", {}).get("type") or "html"):
                html = body.text_to_html(html)
        # Not entry.get: feedparser would stand the published time in for a missing update, with a warning.
        updated = _when(dict.get(entry, "updated_parsed"))
        published = _when(entry.get("published_parsed")) or updated
        authors = [a.get("name") for a in entry.get("authors") or [] if a.get("name")]
        tags = [[t.get("scheme") or "", t.get("label") or t.get("term") or ""] for t in entry.get("tags") or []]
        items.append(StoryData(
            guid="feed:" + ident.strip()[:480],
            kind=Story.Kind.ARTICLE,
            headline=headline,
            body_html=html,
            standfirst=" ".join(body.html_to_text(entry.get("summary") or "").split()) if content else "",
            byline=" and ".join(authors),
            source=agency,
            topics=[name for _, name in tags if name],
            language=language,
            published_at=published,
            updated_at=updated,
            created_at=published,
            version=str(int((updated or published).timestamp())) if (updated or published) else "",
            subjects=tags,
            creators=[{"name": name, "role": "", "uri": ""} for name in authors],
            provider=agency,
            agency=agency,
            format=fmt,
            raw=etree.tostring(element, encoding="unicode") if element is not None else "",
        ))
    return items


def _when(parsed):
    """feedparser's UTC struct_time as an aware datetime."""
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None
