"""Reading IPTC ninjs JSON documents, versions 1.x, 2.x and 3.x.

A file holds one document or a JSON array of them. Each is held to the IPTC schema of the
version it declares (validation.py) and becomes `StoryData` with everything it says, even
without a headline or a body (the wire desk shows what it has; the import skips it, saying
why); picture, audio and video items come back as `Skipped`, invalid documents as `Refused`
naming the file, the document, the field and the rule.

The versions name the same things differently: 1.x has `headline`, `body_*` and
`byline`, 2.x has `headlines`, `bodies` and `by`, and 3.x spells 2.x's names in
camelCase (`versionCreated`, `pubStatus`). `_Doc` reads all three by 2.x names.
"""

import hashlib
import json
import re
from datetime import UTC, datetime

from newsdesk.stories import body
from newsdesk.stories.models import Story

from ..items import ImportFailed, Refused, Skipped, StoryData
from ..text import decode
from .validation import Invalid, check, field_name, show

# Items that are not stories, by `type`, and the kind they are reported as (events: 3.x planning).
NOT_TEXT = {"picture": "picture", "graphic": "picture", "audio": "audio", "video": "video", "event": "event",
            "planning": "planning"}
BY_MEDIA_TYPE = {"image": "picture", "audio": "audio", "video": "video"}  # of a rendition's content type
# 2.x names -> the 1.x and 3.x names of the same property.
V1_NAMES = {
    "by": "byline", "subjects": "subject", "people": "person", "organisations": "organisation",
    "places": "place", "infosources": "infosource", "contenttype": "mimetype",
}
V3_NAMES = {
    "versioncreated": "versionCreated", "firstcreated": "firstCreated", "contentcreated": "contentCreated",
    "embargoed": "embargoedUntil", "pubstatus": "pubStatus", "copyrightholder": "copyrightHolder",
    "infosources": "infoSources", "contenttype": "contentType", "altids": "altIds", "ednote": "edNote",
}
PLURAL = {"headline": "headlines", "body": "bodies", "description": "descriptions"}
NOT_SUMMARIES = {"creditline", "credit", "writer", "byline", "alt"}  # description roles
# What export.py writes where ninjs has no property of its own (a Newsdesk story read back).
BRIEF_PROFILE, SECTION_REL, ALT_ROLE, LINK_NAME = "brief", "section", "alt", "article"
_HEADLINE_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.I | re.S)
_FIGURE = re.compile(r"<figure\b.*?</figure\s*>", re.I | re.S)
_BLOCK = re.compile(r"<(p|h[1-6]|blockquote|ul|ol)\b", re.I)


class _Doc:
    """A document (or an association in it) read by 2.x property names."""

    def __init__(self, data, major):
        self.data, self.major = data, major
        self.names = V1_NAMES if major == "1" else V3_NAMES if major == "3" else {}

    def name(self, key):
        return self.names.get(key, key)

    def get(self, key, default=None):
        return self.data.get(self.name(key), default)

    def texts(self, what):
        """Headlines, bodies or descriptions as (role, kind, value); kind is "html", "text" or None.
        Only strings count: the 2.0 schema lets associations through unchecked."""
        if self.major == "1":  # `headline`, and `body_xhtml`-style properties named by their role
            found = [("main", "", self.data.get("headline"))] if what == "headline" else []
            found += [(k[len(what) + 1 :], "", v) for k, v in self.data.items() if k.startswith(what + "_")]
        else:
            ctype, entries = self.name("contenttype"), self.data.get(PLURAL[what])
            entries = entries if isinstance(entries, list) else []
            found = [(e.get("role"), e.get(ctype), e.get("value")) for e in entries if isinstance(e, dict)]
        return [(_str(r).lower(), _text_kind(_str(r), _str(c), v), v) for r, c, v in found if isinstance(v, str)]


def _text_kind(role, contenttype, value):
    """HTML, plain text, or None for what we cannot show (NITF and other XML)."""
    role, contenttype = role.lower(), contenttype.lower()
    if "html" in contenttype or "html" in role:
        return "html"
    if contenttype.startswith("text/plain") or role == "text":
        return "text"
    if contenttype or "xml" in role or "nitf" in role:
        return None
    return "html" if value.lstrip().startswith("<") else "text"  # no hint: markup looks like markup


def read_ninjs(path, raw, *, channel_tz=None, lenient_agencies=(), for_import=True):
    """The items of a ninjs file: StoryData for text, Skipped for media, Refused for a document
    (or a file) that breaks the rules. `lenient_agencies` names the agencies (by copyright
    holder or source; "*" for any) whose own properties are let through with a note. Without
    `for_import` (the wire desk) what only a story keeps is left out: pictures, the standfirst
    and the section."""
    path = str(path)
    try:
        text = decode(path, raw) if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_constant=_no_constant)
    except ImportFailed as err:
        return [Refused(path, err.reason, line=err.line, format="ninjs")]
    except json.JSONDecodeError as err:
        return [Refused(path, f"invalid JSON: {err.msg} (column {err.colno})", line=err.lineno, format="ninjs",
                        raw=err.doc[:2000])]
    except RecursionError:
        return [Refused(path, "invalid JSON: arrays or objects nested too deeply to be a story", line=1,
                        format="ninjs")]
    except ValueError as err:  # an integer longer than Python reads (sys.set_int_max_str_digits)
        return [Refused(path, f"invalid JSON: {err}", line=1, format="ninjs")]
    docs = data if isinstance(data, list) else [data]
    if not docs:
        return [Refused(path, "an empty JSON array: no ninjs documents in it", line=1, format="ninjs")]
    items, spans = [], _doc_spans(text) if isinstance(data, list) else [(0, text)]
    for index, doc in enumerate(docs):
        start, raw_doc = spans[index]
        try:
            item = _item(doc, channel_tz, lenient_agencies, for_import)
        except RecursionError:
            item = Invalid([], "a JSON value nested too deeply to be a story")
        except Invalid as err:
            item = err
        if isinstance(item, Invalid):
            item = Refused(path, item.reason, line=_line_of(text, start, item.path), document=index + 1,
                           documents=len(docs), field=item.field, guid=_guid(_str(_get(doc, "uri"))), format="ninjs",
                           raw=raw_doc)
        elif isinstance(item, StoryData):
            item.raw = raw_doc
        items.append(item)
    return items


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def parse_ninjs(path, raw):
    """The items of a ninjs file as the import takes them: the first document refused fails the
    whole file (ImportFailed)."""
    items = read_ninjs(path, raw)
    refused = next((item for item in items if isinstance(item, Refused)), None)
    if refused is not None:
        raise refused.as_import_failed()
    return items


def _get(doc, key):
    return doc.get(key) if isinstance(doc, dict) else None


def _item(data, channel_tz, lenient_agencies, for_import=True):
    if not isinstance(data, dict):
        raise Invalid([], f"expected a ninjs document (a JSON object), got {show(data)}")
    agency = _agency_of(data)
    lenient = "*" in lenient_agencies or agency.casefold() in {a.casefold() for a in lenient_agencies}
    version, notes = check(data, lenient=lenient)
    item = _map(_Doc(data, version.split(".")[0]), channel_tz, for_import)
    if isinstance(item, StoryData):
        item.format, item.notes = f"ninjs {version}", notes + item.notes
    return item


def _agency_of(data):
    """The agency a document comes from, by the names any version gives it (before validating)."""
    for key in ("copyrightholder", "copyrightHolder"):
        if isinstance(data.get(key), str) and data[key].strip():
            return data[key].strip()
    for key in ("infosources", "infoSources", "infosource"):
        sources = data.get(key)
        for source in sources if isinstance(sources, list) else []:
            if isinstance(source, dict) and isinstance(source.get("name"), str) and source["name"].strip():
                return source["name"].strip()
    return ""


def _map(doc, channel_tz=None, for_import=True):
    """A valid document as StoryData (Skipped for media): all it says, nothing it does not
    (without `for_import`, nothing of what only a story keeps). A headline or a body may be
    empty; the import decides what it takes."""
    kind, headlines = doc.get("type"), doc.texts("headline")
    headline = _best_headline(headlines)
    uri = _str(doc.data.get("uri"))
    version = _str(doc.get("version"))
    if kind in NOT_TEXT:
        return Skipped(NOT_TEXT[kind], _skip_reason(kind, headline), guid=_guid(uri), version=version,
                       headline=headline)

    notes = []
    body_html = _body(doc.texts("body"), headline)
    descriptions = [t for t in doc.texts("description") if t[0] not in NOT_SUMMARIES]
    standfirst = _plain(descriptions) if for_import else ""
    if not body_html:
        types = {_str(r.get(doc.name("contenttype"))).split("/")[0] for r in _renditions(doc)}
        media = next((BY_MEDIA_TYPE[t] for t in ("image", "video", "audio") if t in types), None)
        if not kind and media:  # untyped, no text, and its renditions are pictures or sound
            return Skipped(media, _skip_reason(media, headline), guid=_guid(uri), version=version, headline=headline)
        # A short text item (NTB sends some) may carry its only text as a description.
        body_html, standfirst = _body(descriptions, headline), ""
        if not body_html and any(kind is None for _, kind, _ in doc.texts("body")):
            notes.append("body cannot be shown: it is in a format other than HTML or plain text")
    if not uri.strip():
        return Skipped(kind or "text", _skip_reason(kind or "text", headline, 'has an empty "uri", which would '
                       "identify it from version to version"), version=version, headline=headline)

    when = {key: _when(doc, key, channel_tz, notes) for key in ("versioncreated", "firstcreated", "embargoed",
                                                                "contentcreated")}
    versioncreated, firstcreated, embargoed = when["versioncreated"], when["firstcreated"], when["embargoed"]
    published_at = firstcreated or versioncreated
    if embargoed and (published_at is None or embargoed > published_at):
        published_at = embargoed  # readers see it once the embargo lifts
    subjects = _names(doc, "subjects", lambda e: e.get("rel") != SECTION_REL)
    is_brief = doc.get("profile") == BRIEF_PROFILE
    pub_status = _str(doc.get("pubstatus")) or "usable"
    byline = " ".join(_str(doc.get("by")).split())
    info_sources = _names(doc, "infosources")
    # The wire credit: the copyright holder (dpa, NTB, TT), else the first info source.
    source = _str(doc.get("copyrightholder")).strip() or next(iter(info_sources), "")
    return StoryData(
        guid=_guid(uri),
        kind=Story.Kind.BRIEF if is_brief else Story.Kind.ARTICLE,
        headline=headline,
        body_html=body_html,
        standfirst=standfirst,
        byline=byline,
        source=source,
        section=next(iter(_names(doc, "subjects", lambda e: e.get("rel") == SECTION_REL)), "") if for_import else "",
        people=_names(doc, "people"),
        topics=subjects + _names(doc, "organisations") + _names(doc, "places"),
        language=_str(doc.get("language")),
        urgency=_urgency(doc, notes),
        # Withheld and canceled items are never published, whatever else they say.
        status=Story.Status.PUBLISHED if pub_status == "usable" else Story.Status.WITHDRAWN,
        published_at=published_at,
        updated_at=versioncreated,
        created_at=firstcreated or when["contentcreated"],
        version=version,
        pictures=_pictures(doc) if for_import else [],
        link_guid=_link_guid(doc) if is_brief else "",
        pub_status=pub_status,
        embargoed=embargoed,
        ed_note=" ".join(_str(doc.get("ednote")).split()),
        dateline=_str(doc.data.get("located")).strip(),
        slugline=_str(doc.data.get("slugline")).strip(),
        subjects=_subjects(doc),
        alt_ids=_alt_ids(doc),
        creators=[{"name": byline, "role": "", "uri": ""}] if byline else [],
        info_sources=info_sources,
        agency=source,
        notes=notes,
    )


def _guid(uri):
    if not uri.strip():
        return ""
    guid = "ninjs:" + uri.strip()
    if len(guid) > 500:  # Story.guid's length: a hash keeps an overlong uri unique
        guid = "ninjs:sha256:" + hashlib.sha256(uri.encode()).hexdigest()
    return guid


def _link_guid(doc):
    """A brief's full article: the text item it associates by that name (imported before, or
    in the same file; an article never imported leaves the brief without a link)."""
    found = doc.data.get("associations")
    for data in found if isinstance(found, list) else []:
        if isinstance(data, dict) and data.get("name") == LINK_NAME and data.get("type") == "text" \
                and _str(data.get("uri")).strip():
            return _guid(data["uri"])
    return ""


def _best_headline(headlines):
    """The main headline: role main, then default, then one with no role, then the first."""
    rank = {"main": 0, "default": 1, "": 2}
    best = min((t for t in headlines if t[1] and t[2].strip()), key=lambda t: rank.get(t[0], 3), default=None)
    if best is None:
        return ""
    return " ".join((body.html_to_text(best[2]) if best[1] == "html" else best[2]).split())


def _body(texts, headline):
    """The first HTML text, else the first plain one made into paragraphs."""
    html = next((v for _, kind, v in texts if kind == "html" and v.strip()), None)
    if html is None:
        return body.text_to_html(next((v for _, kind, v in texts if kind == "text"), ""))
    html = _FIGURE.sub("", html)  # pictures are kept as references; their captions would be left
    # Whole-page HTML (TT) repeats the headline as an <h1>; the page shows it already.
    match = _HEADLINE_H1.search(html)
    if match and " ".join(body.html_to_text(match[1]).split()) == headline:
        html = html[: match.start()] + html[match.end() :]
    # Bare inline HTML (Business Wire) would not otherwise become a paragraph when cleaned.
    return html if _BLOCK.search(html) else f"<p>{html}</p>"


def _plain(texts):
    """The first plain text, else the first HTML one made plain."""
    value = next((v for _, kind, v in texts if kind == "text" and v.strip()), None)
    if value is None:
        value = body.html_to_text(next((v for _, kind, v in texts if kind == "html"), ""))
    return " ".join(value.split())


def _skip_reason(kind, headline, why="is not a text story"):
    what = f'{kind} item "{headline}"' if headline else f"{kind} item"
    return f"{what} {why}; Newsdesk imports text stories only"


def _renditions(doc):
    found = doc.data.get("renditions") or []
    found = found.values() if isinstance(found, dict) else found if isinstance(found, list) else []  # 1.x: by name
    return [r for r in found if isinstance(r, dict)]


def _when(doc, key, channel_tz, notes):
    """A date and time; one without an offset is in the channel's time zone (UTC without one).
    The schemas assert no format, so one that is no date is noted, not refused."""
    value = doc.get(key)
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.strip())  # takes "Z" and "+02:00" alike
    except ValueError:
        notes.append(f'field "{doc.name(key)}": {show(value)} is no date and time; left out')
        return None
    return when if when.tzinfo else when.replace(tzinfo=channel_tz or UTC)


def _urgency(doc, notes):
    """1 (most urgent) to 9. 1.x and 2.x allow any number (3.x's schema checks the range)."""
    value = doc.get("urgency")
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    # the range first, as a huge integer has no float to ask
    if not (1 <= value <= 9 and float(value).is_integer()):
        notes.append(f'field "urgency": {show(value)} is not a whole number from 1 to 9; left out')
        return None
    return int(value)


def _subjects(doc):
    """[code, name] of each subject: its uri or literal, and its name."""
    entries = doc.get("subjects")
    found = []
    for e in entries if isinstance(entries, list) else []:
        if isinstance(e, dict) and e.get("rel") != SECTION_REL:
            code, name = _str(e.get("uri")) or _str(e.get("literal")), _str(e.get("name"))
            if code or name:
                found.append([code, name])
    return found


def _alt_ids(doc):
    """Other identifiers by role: 1.x's and 2.0's object ({"itemid": ...}), 2.x's and 3.x's list."""
    found = doc.get("altids")
    if isinstance(found, dict):
        return {str(k): v for k, v in found.items() if isinstance(v, str)}
    ids = {}
    for entry in found if isinstance(found, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("value"), str):
            ids.setdefault(_str(entry.get("role")) or "id", entry["value"])
    return ids


def _names(doc, key, keep=lambda entry: True):
    entries = doc.get(key)
    entries = entries if isinstance(entries, list) else []
    return [e["name"] for e in entries
            if isinstance(e, dict) and isinstance(e.get("name"), str) and e["name"].strip() and keep(e)]


def _pictures(doc):
    """Associated pictures as small references (the picture itself is not copied)."""
    found = doc.data.get("associations") or []
    pictures = []
    for data in found.values() if isinstance(found, dict) else found:  # 1.x: an object by name
        if not isinstance(data, dict) or NOT_TEXT.get(_str(data.get("type"))) != "picture":
            continue
        picture = _Doc(data, doc.major)
        descriptions = picture.texts("description")
        credit = _str(picture.get("by")) or next((v for role, _, v in descriptions if role == "creditline"), "")
        ref = {
            "uri": _str(data.get("uri")),
            "href": _href(picture),
            "headline": _best_headline(picture.texts("headline")),
            "caption": _plain([t for t in descriptions if t[0] not in NOT_SUMMARIES]),
            "credit": credit or _str(picture.get("copyrightholder")),
        }
        alt = _plain([t for t in descriptions if t[0] == ALT_ROLE])
        if alt:  # only then, so that a wire story saved before reads the same (its fingerprint)
            ref["alt"] = alt
        pictures.append(ref)
    return pictures


def _href(picture):
    """The widest image rendition up to 2048 pixels: big enough for a page, not the print original."""
    ctype = picture.name("contenttype")
    images = [r for r in _renditions(picture) if _str(r.get("href"))]
    images = [r for r in images if _str(r.get(ctype) or "image/").startswith("image/")]
    fitting = [r for r in images if _width(r) <= 2048] or images
    return max(fitting, key=_width, default={}).get("href", "")


def _width(rendition):
    width = rendition.get("width")
    return width if isinstance(width, (int, float)) else 0


def _str(value):
    return value if isinstance(value, str) else ""


def _doc_spans(text):
    """Where each document of a top-level array starts, and its text."""
    decoder, pos, spans = json.JSONDecoder(), text.index("[") + 1, []
    while True:
        while text[pos] in " \t\r\n,":
            pos += 1
        if text[pos] == "]":
            return spans
        start = pos
        _, pos = decoder.raw_decode(text, pos)
        spans.append((start, text[start:pos]))


def _line_of(text, start, path):
    """The line of the key at `path`: each key searched for in turn after `start`, the n-th
    item of an array by passing its key n times; the nearest line found if not all."""
    found, skip = start, 0
    for part in path:
        if isinstance(part, int):
            skip = part
            continue
        pattern = re.compile(re.escape(json.dumps(part, ensure_ascii=False)) + r"\s*:")
        for _ in range(skip + 1):
            match = pattern.search(text, found + 1 if found > start else start)
            if match is None:
                return text.count("\n", 0, found) + 1
            found = match.start()
        skip = 0
    return text.count("\n", 0, found) + 1
