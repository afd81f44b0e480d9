"""Reading IPTC NewsML-G2 2.x: text news items, alone or in a newsMessage.

Each item is validated against the NewsML-G2 2.35 XML Schema (with NITF 3.6 for inline NITF
bodies; schemas/, CC BY 4.0, IPTC), loaded from files beside this one and nothing else. An
invalid item is refused with the line and the rule. A newsMessage that breaks the schema while
its items are valid (agencies send such envelopes) costs the items nothing: they are read,
and each carries a note of the envelope's fault. Pictures, video, audio, graphics, packages,
concepts, knowledge, planning and catalog items are skipped, saying why.
"""

import functools
import re
from copy import deepcopy
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from newsdesk.stories import body
from newsdesk.stories.models import Story

from ..items import Refused, Skipped, StoryData
from . import markup
from .safexml import local, parser

NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMAS = Path(__file__).with_name("schemas")
SCHEMA_VERSION = "2.35"
# Files the schemas import, by name; NITF's ruby module is not published with it and unused.
_EMPTY_NITF_MODULE = b'<schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="http://iptc.org/std/NITF/2006-10-18/"/>'
NOT_TEXT = {"picture": "picture", "graphic": "picture", "video": "video", "audio": "audio", "animated": "video",
            "composite": "package", "interactive": "interactive item"}
OTHER_ITEMS = {"packageItem": "package", "conceptItem": "concept", "knowledgeItem": "knowledge item",
               "planningItem": "planning item", "catalogItem": "catalog", "catalog": "catalog",
               "conceptSet": "concept set"}
BODY_FORMATS = {"sportsml": "SportsML", "newsml": "NewsML", "eventsml": "EventsML", "rtf": "RTF", "pdf": "PDF",
                "msword": "Word", "json": "JSON"}
_FRACTION = re.compile(r"(\.\d{1,6})\d*")


class _Local(etree.Resolver):
    """The schemas' imports, from the files beside them; nothing is ever fetched."""

    def resolve(self, url, pubid, context):
        name = (url or "").rsplit("/", 1)[-1]
        if name == "nitf-3-6-ruby-include.xsd":
            return self.resolve_string(_EMPTY_NITF_MODULE, context)
        if name and (SCHEMAS / name).is_file():
            return self.resolve_filename(str(SCHEMAS / name), context)
        raise etree.XMLSchemaParseError(f"{url} is not fetched: NewsML-G2 is validated offline")


@functools.cache
def schema():
    """The NewsML-G2 2.35 schema with NITF 3.6, loaded once per process."""
    schema_parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    schema_parser.resolvers.add(_Local())
    tree = etree.parse(str(SCHEMAS / "newsml-g2-with-nitf.xsd"), schema_parser)
    return etree.XMLSchema(tree)


def _q(name):
    return f"{{{NAR}}}{name}"


def read_newsml(path, raw, root, *, channel_tz=None, lenient_agencies=()):
    """The items of a NewsML-G2 document (`root` parsed by safexml): StoryData, Skipped, Refused."""
    path, kind = str(path), local(root)
    fmt = f"NewsML-G2 {root.get('standardversion') or SCHEMA_VERSION}"
    if kind == "newsItem":
        fault = _fault(root)
        if fault is not None:
            return [_refused(path, fault, root, fmt)]
        encoding = root.getroottree().docinfo.encoding or "utf-8"  # as declared, or UTF-16 by its mark
        return [_item(path, root, raw.decode(encoding, "replace"), channel_tz, [])]
    if kind in OTHER_ITEMS:
        fault = _fault(root)
        if fault is not None:
            return [_refused(path, fault, root, fmt)]
        return [_skipped_item(root, OTHER_ITEMS[kind])]
    if kind != "newsMessage":
        return [Refused(path, f"not NewsML-G2: its root element is <{kind}>, not a newsItem or a newsMessage",
                        line=root.sourceline, format="NewsML-G2")]
    return _message(path, root, channel_tz)


def _message(path, root, channel_tz):
    members = [el for el in root.iterchildren(_q("itemSet")) for el in el if isinstance(el.tag, str)]
    if not members:
        return [Refused(path, "a newsMessage with no items in its itemSet", line=root.sourceline, format="NewsML-G2")]
    notes = []
    envelope = _fault(root)
    if envelope is not None:  # said of the envelope only when its items are valid by themselves
        line, rule, _ = envelope
        notes = [f"the newsMessage around it breaks NewsML-G2 {SCHEMA_VERSION} (line {line}: {rule}); "
                 "its items were taken"]
    in_message = {el.get("guid") for el in members if local(el) == "newsItem"}
    items = []
    for number, element in enumerate(members, 1):
        fmt = f"NewsML-G2 {element.get('standardversion') or SCHEMA_VERSION}"
        fault = _fault(element) if envelope is not None else None
        if fault is not None:
            items.append(_refused(path, fault, element, fmt, number, len(members)))
        elif local(element) == "newsItem":
            items.append(_item(path, element, etree.tostring(element, encoding="unicode"), channel_tz, notes))
        elif local(element) == "packageItem":
            refs = {ref.get("residref") for ref in element.iter(_q("itemRef"))}
            why = ("its text items in this message are read on their own" if refs & in_message
                   else "the items it points to are not in this message")
            items.append(_skipped_item(element, "package", why))
        else:
            items.append(_skipped_item(element, OTHER_ITEMS.get(local(element), local(element))))
    return items


def _fault(element):
    """(line, rule, path) of the first way `element` (as a document of its own) breaks the
    schema, or None."""
    checker = schema()
    tree = element.getroottree() if element.getparent() is None else etree.ElementTree(deepcopy(element))
    if checker.validate(tree):
        return None
    error = checker.error_log[0]
    return error.line, error.message, _where(tree, error.path)


def _where(tree, xpath):
    """The path of the element at fault by names: newsItem/itemMeta/urgent."""
    try:
        found = tree.xpath(xpath) if xpath else []
    except etree.XPathError:
        found = []
    if not found or not isinstance(found[0], etree._Element):
        return ""
    element = found[0]
    return "/".join([local(a) for a in reversed(list(element.iterancestors()))] + [local(element)])


def _refused(path, fault, element, fmt, document=None, documents=1):
    line, rule, where = fault
    return Refused(path, f"line {line}: {rule} (NewsML-G2 {SCHEMA_VERSION} schema)", line=line, document=document,
                   documents=documents, field=where, guid=_guid(element.get("guid") or ""), format=fmt,
                   raw=etree.tostring(element, encoding="unicode")[:200_000])


def _skipped_item(element, what, why="Newsdesk takes text items only"):
    meta = element.find(_q("itemMeta"))
    title = markup.text_of(meta.find(_q("title"))) if meta is not None else ""
    headline = markup.text_of(element.find(f"{_q('contentMeta')}/{_q('headline')}")) or title
    named = f'{what} "{headline}"' if headline else what
    return Skipped(what, f"{named}: {why}", guid=_guid(element.get("guid") or ""), version=element.get("version") or "",
                   headline=headline)


def _item(path, item, raw, channel_tz, notes):
    meta, content = item.find(_q("itemMeta")), item.find(_q("contentMeta"))
    guid, version = item.get("guid") or "", item.get("version") or "1"  # the schema's default
    headline = _headline(content)
    nature = _code(meta.find(_q("itemClass")).get("qcode") or meta.find(_q("itemClass")).get("uri") or "")
    if nature != "text":
        what = NOT_TEXT.get(nature, f"{nature or 'unknown'} item")
        named = f'{what} item "{headline}"' if headline else f"{what} item"
        return Skipped(NOT_TEXT.get(nature, "other"), f"{named} is not a text story; Newsdesk takes text items only",
                       guid=_guid(guid), version=version, headline=headline)
    notes = list(notes)
    lang = _lang(item, content)
    html, standfirst, byline, note = _body(item, content, lang)
    notes += [note] if note else []
    when = {name: _when(meta, name, channel_tz, notes) for name in ("versionCreated", "firstCreated", "embargoed")}
    created = _when(content, "contentCreated", channel_tz, notes) if content is not None else None
    subjects = _subjects(content, lang)
    creators, contributors = _people(content, "creator", lang), _people(content, "contributor", lang)
    provider = _party(meta.find(_q("provider")), lang)
    info_sources = [_party(el, lang) for el in _all(content, "infoSource")]
    agency = _agency(item, meta, content, lang) or provider
    status = _code((meta.find(_q("pubStatus")).get("qcode") if meta.find(_q("pubStatus")) is not None else "")) \
        or "usable"
    published = when["firstCreated"] or when["versionCreated"]
    if when["embargoed"] and (published is None or when["embargoed"] > published):
        published = when["embargoed"]
    people = [name for code, name, kind in subjects if kind == "person" and name]
    return StoryData(
        guid=_guid(guid),
        kind=Story.Kind.ARTICLE,
        headline=headline,
        body_html=html,
        standfirst=standfirst or _description(content, lang),
        byline=byline or " and ".join(c["name"] for c in creators if c["name"]),
        source=agency,
        people=people,
        topics=[name for code, name, kind in subjects if kind != "person" and name],
        language=lang,
        urgency=_urgency(content, notes),
        status=Story.Status.PUBLISHED if status == "usable" else Story.Status.WITHDRAWN,
        published_at=published,
        updated_at=when["versionCreated"],
        created_at=when["firstCreated"] or created,
        version=version,
        pub_status=status,
        embargoed=when["embargoed"],
        signals=[_code(el.get("qcode") or el.get("uri") or "") for el in _all(meta, "signal")],
        ed_note=" ".join(markup.text_of(el) for el in _all(meta, "edNote")),
        dateline=_dateline(content, lang),
        slugline=markup.text_of(content.find(_q("slugline"))) if content is not None else "",
        subjects=[[code, name] for code, name, _ in subjects],
        alt_ids={el.get("type") or "id": markup.text_of(el) or el.get("id") or "" for el in _all(content, "altId")},
        creators=creators,
        contributors=contributors,
        provider=provider,
        info_sources=info_sources,
        agency=agency,
        notes=notes,
        format=f"NewsML-G2 {item.get('standardversion') or SCHEMA_VERSION}",
        raw=raw,
    )


def _guid(guid):
    """The item's guid as Newsdesk keeps it (Story.guid): "newsml:" and the agency's."""
    return "newsml:" + guid.strip() if guid.strip() else ""


def _all(parent, name):
    return parent.findall(_q(name)) if parent is not None else []


_CODE_PARTS = re.compile(r"[:/#]")


def _code(qcode):
    """"stat:canceled" -> "canceled"; a URI's last part likewise."""
    return _CODE_PARTS.split(qcode.strip())[-1] if qcode else ""


def _lang(item, content):
    tag = next((el.get("tag") for el in _all(content, "language") if el.get("tag")), None)
    return tag or item.get(XML_LANG) or ""


def _name(element, lang):
    """An element's <name> in the item's language, else its first."""
    if element is None:
        return ""
    names = element.findall(_q("name"))
    for name in names:
        if lang and (name.get(XML_LANG) or "").split("-")[0] == lang.split("-")[0]:
            return markup.text_of(name)
    return markup.text_of(names[0]) if names else ""


def _named(element, lang):
    return _name(element, lang) if element is not None else ""


def _party(element, lang):
    """A provider or a source: its name, else its code."""
    if element is None:
        return ""
    return _name(element, lang) or _code(element.get("qcode") or element.get("literal") or element.get("uri") or "")


def _agency(item, meta, content, lang):
    """The agency's name as readers are shown it: the provider's name or code (nprov:REUTERS),
    else the first source's name, else the copyright holder's."""
    provider = meta.find(_q("provider"))
    found = _name(provider, lang) or _code(provider.get("qcode") or provider.get("literal") or "") \
        if provider is not None else ""
    sources = [_name(el, lang) for el in _all(content, "infoSource")]
    holder = item.find(f"{_q('rightsInfo')}/{_q('copyrightHolder')}")
    return found or next((name for name in sources if name), "") or _named(holder, lang)


def _headline(content):
    if content is None:
        return ""
    headlines = content.findall(_q("headline"))
    main = next((h for h in headlines if _code(h.get("role") or "") in ("", "main")), None)
    return markup.text_of(main if main is not None else (headlines[0] if headlines else None))


def _description(content, lang):
    for el in _all(content, "description"):
        if _code(el.get("role") or "") in ("", "summary", "abstract"):
            return markup.text_of(el)
    return ""


def _dateline(content, lang):
    dateline = markup.text_of(content.find(_q("dateline"))) if content is not None else ""
    return dateline or _name(content.find(_q("located")) if content is not None else None, lang)


def _subjects(content, lang):
    """(code, name, kind) of each subject; kind is "person" for a person (cpnat:person)."""
    found = []
    for el in _all(content, "subject"):
        code = el.get("qcode") or el.get("literal") or el.get("uri") or ""
        found.append((code, _name(el, lang), _code(el.get("type") or "")))
    return found


def _people(content, tag, lang):
    return [{"name": _name(el, lang), "role": el.get("role") or el.get("jobtitle") or "",
             "uri": el.get("uri") or el.get("qcode") or el.get("literal") or ""} for el in _all(content, tag)]


def _urgency(content, notes):
    el = content.find(_q("urgency")) if content is not None else None
    if el is None or not (el.text or "").strip():
        return None
    value = int(el.text)  # the schema made it an integer
    if 1 <= value <= 9:
        return value
    notes.append(f"urgency {value} is not from 1 to 9; left out")
    return None


def _when(parent, name, channel_tz, notes):
    """A date and time, with its offset; one without is in the channel's time zone (UTC
    without one), a date alone is its midnight."""
    el = parent.find(_q(name)) if parent is not None else None
    text = (el.text or "").strip() if el is not None else ""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(_FRACTION.sub(r"\1", text))
    except ValueError:
        notes.append(f"{name} {text!r} is no date and time; left out")
        return None
    return when if when.tzinfo else when.replace(tzinfo=channel_tz or UTC)


def _body(item, content, lang):
    """(html, standfirst, byline, note) from the first content Newsdesk can show."""
    renditions = [el for el in item.iterfind(f"{_q('contentSet')}/*")]
    shown_formats = []
    for el in renditions:
        ctype = (el.get("contenttype") or "").lower()
        if local(el) == "inlineXML":
            child = next((c for c in el if isinstance(c.tag, str)), None)
            if child is None:
                continue  # empty (the IPTC examples hold a comment only)
            if "nitf" in ctype or local(child) == "nitf":
                return _nitf(child)
            if "xhtml" in ctype or "html" in ctype or local(child) == "html":
                html_body = next((c for c in child.iter() if local(c) == "body"), child)
                return markup.to_html(html_body), "", "", ""
            shown_formats.append(_format_name(ctype or local(child)))
        elif local(el) == "inlineData":
            text = el.text or ""
            if ctype.startswith("text/plain") or not ctype:
                return body.text_to_html(text), "", "", ""
            if "html" in ctype:
                return text, "", "", ""
            shown_formats.append(_format_name(ctype))
        elif local(el) == "remoteContent":
            shown_formats.append("remote content (" + (el.get("href") or el.get("residref") or "no address") + ")")
    if shown_formats:
        return "", "", "", f"body in {shown_formats[0]} cannot be shown"
    return "", "", "", ""


def _format_name(ctype):
    return next((name for key, name in BODY_FORMATS.items() if key in ctype), ctype)


def _nitf(nitf):
    """(html, standfirst, byline, "") of an NITF document."""
    found = {local(el): el for el in nitf.iter() if local(el) in ("body.content", "abstract", "byline")}
    html = markup.to_html(found["body.content"]) if "body.content" in found else ""
    byline = markup.text_of(found.get("byline"))
    return html, markup.text_of(found.get("abstract")), byline, ""
