"""Agency formats: the one place that reads what agencies and partners send, for the import
(`newsdesk import`) and the wire desk alike.

    read_agency_file(path, *, channel_tz=None, lenient_agencies=()) -> [Item | Skipped | Refused]

ninjs 1.x-3.x (JSON: ninjs/reading.py), NewsML-G2 2.x (newsml.py) and RSS 2.0 / Atom feeds
(feeds.py): what the file's first bytes and root element say it is decides, not its name. An
`Item` (items.StoryData) carries all the document says: guid, alt ids, version (`version_key`
compares versions as numbers), pub status, embargo, signals, editorial note, headline,
slugline, subjects (code and name), creators and contributors, dateline, times with their
offsets, urgency, language, provider and sources, the body as HTML (`clean_body()`: cleaned
by newsdesk.stories.body), the document as received (`raw`) and notes ("does not conform:
...", "body in SportsML cannot be shown"). An item may lack a headline or a body: what to do
with it is the caller's. `Skipped` is an item that is not text (a picture, a package), with
why; `Refused` a document or file that breaks its format's rules: the file, the document,
the line, the field and the rule.

Times without an offset are in `channel_tz` (a tzinfo; UTC without one). `lenient_agencies`
names the agencies (or "*" for any) whose own additions to ninjs are let through with a note.
"""

from ..items import Refused, Skipped, StoryData
from ..items import StoryData as Item  # noqa: F401
from ..ninjs.reading import read_ninjs
from . import safexml
from .feeds import read_feed
from .newsml import read_newsml

FEED_ROOTS = {"rss", "feed", "RDF"}


def looks_like_json(path, raw):
    return str(path).lower().endswith((".json", ".ninjs")) or raw.lstrip()[:1] in (b"{", b"[")


def read_agency_file(path, *, channel_tz=None, lenient_agencies=(), for_import=True):
    try:
        with open(path, "rb") as file:
            raw = file.read(safexml.MAX_BYTES + 1)
    except OSError as err:
        return [Refused(str(path), err.strerror or str(err))]
    return read_agency_bytes(path, raw, channel_tz=channel_tz, lenient_agencies=lenient_agencies,
                             for_import=for_import)


def read_agency_bytes(path, raw, *, channel_tz=None, lenient_agencies=(), for_import=True):
    """read_agency_file for bytes already read (a URL's answer, say). Each item's body is
    cleaned; `for_import` works out what saving a story needs besides (StoryData.prepare),
    which the wire desk does without, as it does without a ninjs item's pictures, standfirst
    and section (read_ninjs)."""
    options = {"channel_tz": channel_tz, "lenient_agencies": tuple(lenient_agencies)}
    if looks_like_json(path, raw):
        if len(raw) > safexml.MAX_BYTES:
            return [Refused(str(path), f"the file is more than the {safexml.MAX_BYTES:,} bytes taken", format="ninjs")]
        items = read_ninjs(path, raw, **options, for_import=for_import)
    else:
        root = safexml.parse(path, raw)
        if isinstance(root, Refused):
            return [root]
        kind = safexml.local(root)
        if kind in FEED_ROOTS:
            items = read_feed(path, raw, root, **options)
        elif root.tag.startswith("{http://iptc.org/std/nar/"):
            items = read_newsml(path, raw, root, **options)
        else:
            return [Refused(str(path), f"not ninjs, NewsML-G2, RSS or Atom: its root element is <{kind}>",
                            line=root.sourceline)]
    for item in items:
        if isinstance(item, StoryData):
            item.prepare() if for_import else item.clean_body()
    return items


__all__ = ["Item", "Refused", "Skipped", "read_agency_bytes", "read_agency_file"]
