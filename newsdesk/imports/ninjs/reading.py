"""Reading IPTC ninjs JSON documents, versions 1.x, 2.x and 3.x.

A file holds one document or a JSON array of them. Each is checked against the
IPTC JSON Schema of its version (in schemas/, MIT licensed by IPTC) and becomes
`StoryData`; picture, audio and video items come back as `Skipped`.

The versions name the same things differently: 1.x has `headline`, `body_*` and
`byline`, 2.x has `headlines`, `bodies` and `by`, and 3.x spells 2.x's names in
camelCase (`versionCreated`, `pubStatus`). `_Doc` reads all three by 2.x names.
"""

import functools
import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import jsonschema_rs
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from newsdesk.stories import body
from newsdesk.stories.models import Story

from ..items import ImportFailed, Skipped, StoryData
from ..text import decode

SCHEMAS = Path(__file__).with_name("schemas")
VERSIONS = sorted(p.stem.split("_")[1] for p in SCHEMAS.glob("ninjs-schema_*.json"))
LATEST = {v.split(".")[0]: v for v in VERSIONS}  # sorted, so each major's newest minor wins

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
    "infosources": "infoSources", "contenttype": "contentType",
}
V3_ONLY = set(V3_NAMES.values()) | {"altIds", "edNote", "usageTerms", "rightsInfo", "representationType"}
PLURAL = {"headline": "headlines", "body": "bodies", "description": "descriptions"}
TYPE_NAMES = {"string": "a string", "integer": "a whole number", "number": "a number", "boolean": "true or false",
              "array": "a list (JSON array)", "object": "an object (JSON {...})", "null": "null"}
NOT_SUMMARIES = {"creditline", "credit", "writer", "byline", "alt"}  # description roles
# What export.py writes where ninjs has no property of its own (a Newsdesk story read back).
BRIEF_PROFILE, SECTION_REL, ALT_ROLE, LINK_NAME = "brief", "section", "alt", "article"
_HEADLINE_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.I | re.S)
_FIGURE = re.compile(r"<figure\b.*?</figure\s*>", re.I | re.S)
_BLOCK = re.compile(r"<(p|h[1-6]|blockquote|ul|ol)\b", re.I)
UNKNOWN_BANS = {"additionalProperties", "unevaluatedProperties"}
_VERSION_IN_URL = re.compile(r"ninjs-schema_(\d+\.\d+)")


class _Invalid(Exception):
    """A document that breaks the rules: the path of the field at fault, and why."""

    def __init__(self, path, reason):
        super().__init__(reason)
        self.path, self.reason = list(path), reason


# Our own registry, so that no schema is ever fetched from the web. 2.x and 3.x point
# `geojson` at geojson.org; we keep no copy and do not check places' geometry.
_REGISTRY = Registry().with_resource(
    "https://geojson.org/schema/GeoJSON.json",
    Resource.from_contents({"type": "object"}, default_specification=DRAFT202012),
)


@functools.cache
def _validator(version):
    """Compiled once per version: a benchmark imports 10,000 documents."""
    schema = _lenient(json.loads((SCHEMAS / f"ninjs-schema_{version}.json").read_text(encoding="utf-8")))
    return validator_for(schema)(schema, registry=_REGISTRY)


@functools.cache
def _fast_validator(version):
    schema = _lenient(json.loads((SCHEMAS / f"ninjs-schema_{version}.json").read_text(encoding="utf-8")))
    return jsonschema_rs.validator_for(schema, retriever=_offline)


def _offline(uri):
    if uri.startswith("https://geojson.org/"):
        return {"type": "object"}
    raise ValueError(f"{uri} is not fetched: ninjs schemas are validated offline")


def _lenient(node):
    """The schema without its bans on unknown properties. Feeds add their own (TT's ttninjs)
    or newer ones to older versions, and they take nothing from a story; the types of the
    properties ninjs defines are still checked. (Validating is also faster without them.)"""
    if isinstance(node, dict):
        return {k: _lenient(v) for k, v in node.items() if not (k in UNKNOWN_BANS and v is False)}
    return [_lenient(v) for v in node] if isinstance(node, list) else node


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


def parse_ninjs(path, raw):
    """The items of a ninjs file: StoryData for text, Skipped for media."""
    text = decode(path, raw) if isinstance(raw, bytes) else raw
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ImportFailed(path, err.lineno, f"invalid JSON: {err.msg} (column {err.colno})") from None
    except RecursionError:
        raise ImportFailed(path, 1, "invalid JSON: arrays or objects nested too deeply to be a story") from None
    except ValueError as err:  # an integer longer than Python reads (sys.set_int_max_str_digits)
        raise ImportFailed(path, 1, f"invalid JSON: {err}") from None
    docs = data if isinstance(data, list) else [data]
    if not docs:
        raise ImportFailed(path, 1, "an empty JSON array: no ninjs documents in it")
    items = []
    for index, doc in enumerate(docs):
        try:
            items.append(_item(doc))
        except RecursionError:
            raise ImportFailed(path, 1, "a JSON value nested too deeply to be a story") from None
        except _Invalid as err:
            where = f"document {index + 1} of {len(docs)}: " if isinstance(data, list) else ""
            start = _doc_start(text, index) if isinstance(data, list) else 0
            raise ImportFailed(path, _line_of(text, start, err.path), where + err.reason) from None
    return items


def _item(data):
    if not isinstance(data, dict):
        raise _Invalid([], f"expected a ninjs document (a JSON object), got {_show(data)}")
    version = _version(data)
    # The compiled (Rust) validator answers valid-or-not in microseconds; only a document
    # it doubts is walked again by `jsonschema`, whose answer decides and names the field.
    if not _fast_validator(version).is_valid(data):
        error = best_match(_validator(version).iter_errors(data))
        if error is not None:
            raise _schema_error(error, version)
    return _map(_Doc(data, version.split(".")[0]))


def _version(data):
    """The schema version the document declares, else the newest of the major its shape shows."""
    std = data.get("$standard") or data.get("standard")  # 1.x spells it with "$"
    field = "$standard.version" if "$standard" in data else "standard.version"
    declared = std.get("version") if isinstance(std, dict) and isinstance(std.get("version"), str) else None
    if declared is None and isinstance(data.get("$schema"), str):
        match = _VERSION_IN_URL.search(data["$schema"])
        declared, field = (match[1] if match else None), "$schema"
    if declared is not None:
        declared = declared.strip()
        if declared in VERSIONS or declared.split(".")[0] in LATEST:  # or a minor newer than ours
            return declared if declared in VERSIONS else LATEST[declared.split(".")[0]]
        reason = f'field "{field}": unknown ninjs version "{declared}" (1.x, 2.x and 3.x are read)'
        raise _Invalid([field.split(".")[0]], reason)
    if V3_ONLY & data.keys():
        return LATEST["3"]
    if "headline" in data or any(k.startswith(("body_", "description_")) for k in data):
        return LATEST["1"]
    return LATEST["2"]


def _schema_error(err, version):
    path = list(err.absolute_path)
    if err.validator == "required":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [path.pop()]  # draft 3
        missing = next((k for k in wanted if k not in err.instance), wanted[0])
        return _Invalid(path, f'field "{_field(path + [missing])}" is required (ninjs {version})')
    where = f'field "{_field(path)}"' if path else "the document"
    if err.validator == "type":
        types = [err.validator_value] if isinstance(err.validator_value, str) else err.validator_value
        expected = " or ".join(TYPE_NAMES.get(t, t) for t in types)
        return _Invalid(path, f"{where}: expected {expected}, got {_show(err.instance)}")
    if err.validator == "enum":
        expected = ", ".join(map(str, err.validator_value))
        return _Invalid(path, f"{where}: expected one of {expected}, got {_show(err.instance)}")
    return _Invalid(path, f"{where}: {err.message} (ninjs {version})")


def _map(doc):
    kind, headlines = doc.get("type"), doc.texts("headline")
    headline = _best_headline(headlines)
    if kind in NOT_TEXT:
        return Skipped(NOT_TEXT[kind], _skip_reason(kind, headline))

    body_html = _body(doc.texts("body"), headline)
    descriptions = [t for t in doc.texts("description") if t[0] not in NOT_SUMMARIES]
    standfirst = _plain(descriptions)
    if not body_html:
        types = {_str(r.get(doc.name("contenttype"))).split("/")[0] for r in _renditions(doc)}
        media = next((BY_MEDIA_TYPE[t] for t in ("image", "video", "audio") if t in types), None)
        if not kind and media:  # untyped, no text, and its renditions are pictures or sound
            return Skipped(media, _skip_reason(media, headline))
        # A short text item (NTB sends some) may carry its only text as a description.
        body_html, standfirst = _body(descriptions, headline), ""
        if not body_html:
            return Skipped(kind or "text", _skip_reason(kind or "text", headline, "has no text body"))

    uri = doc.data.get("uri", "")  # the schema requires it, as a string
    if not uri.strip():
        raise _Invalid(["uri"], 'field "uri" is empty: it identifies the story from version to version')
    if not headline:
        field = "headline" if doc.major == "1" else "headlines"
        raise _Invalid([field] if headlines else [], f'field "{field}" is required: a story needs a headline')

    versioncreated, firstcreated = _when(doc, "versioncreated"), _when(doc, "firstcreated")
    published_at, embargoed = firstcreated or versioncreated, _when(doc, "embargoed")
    if embargoed and (published_at is None or embargoed > published_at):
        published_at = embargoed  # readers see it once the embargo lifts
    subjects = _names(doc, "subjects", lambda e: e.get("rel") != SECTION_REL)
    is_brief = doc.get("profile") == BRIEF_PROFILE
    return StoryData(
        guid=_guid(uri),
        kind=Story.Kind.BRIEF if is_brief else Story.Kind.ARTICLE,
        headline=headline,
        body_html=body_html,
        standfirst=standfirst,
        byline=" ".join((doc.get("by") or "").split()),
        # The wire credit: the copyright holder (dpa, NTB, TT), else the first info source.
        source=(doc.get("copyrightholder") or "").strip() or next(iter(_names(doc, "infosources")), ""),
        section=next(iter(_names(doc, "subjects", lambda e: e.get("rel") == SECTION_REL)), ""),
        people=_names(doc, "people"),
        topics=subjects + _names(doc, "organisations") + _names(doc, "places"),
        language=doc.get("language") or "",
        urgency=_urgency(doc),
        # Withheld and canceled items are never published, whatever else they say.
        status=Story.Status.PUBLISHED if doc.get("pubstatus", "usable") == "usable" else Story.Status.WITHDRAWN,
        published_at=published_at,
        updated_at=versioncreated,
        created_at=firstcreated or _when(doc, "contentcreated"),
        version=doc.get("version") or "",
        pictures=_pictures(doc),
        link_guid=_link_guid(doc) if is_brief else "",
    )


def _guid(uri):
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


def _when(doc, key):
    value = doc.get(key)
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)  # takes "Z" and "+02:00" alike
    except ValueError:
        field = doc.name(key)
        raise _Invalid([field], f'field "{field}": expected a date and time, got {_show(value)}') from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # wire times without an offset are UTC


def _urgency(doc):
    value = doc.get("urgency")
    # 1.x, 2.x: any number; the range first, as a huge integer has no float to ask
    if value is not None and not (1 <= value <= 9 and float(value).is_integer()):
        raise _Invalid(["urgency"], f'field "urgency": expected a whole number from 1 to 9, got {_show(value)}')
    return None if value is None else int(value)


def _names(doc, key, keep=lambda entry: True):
    entries = doc.get(key) or []
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


def _show(value):
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _field(path):
    """["headlines", 0, "value"] -> headlines[0].value"""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def _doc_start(text, index):
    """Where document `index` of a top-level array starts (looked up only for an error)."""
    decoder, pos = json.JSONDecoder(), text.index("[") + 1
    for _ in range(index + 1):
        while text[pos] in " \t\r\n,":
            pos += 1
        start = pos
        _, pos = decoder.raw_decode(text, pos)
    return start


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
