"""Parsing XML from outside safely: no DTD, no entity, nothing fetched, limits on size and depth.

An agency's file is data, never instructions to the parser. A document type declaration is
where external entities (a file of this machine, a URL), entity expansion bombs and external
DTDs come from, and no wire format needs one: a file that has one is refused before the
parser sees it, and the parser itself neither loads a DTD, nor substitutes an entity, nor
touches the network, should anything get past that. libxml2 stops at 256 levels of nesting.
"""

import codecs
import re

from lxml import etree

from ..items import Refused

MAX_BYTES = 16 * 1024 * 1024  # far above any text item; a picture's data is not inline
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def parser():
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True, collect_ids=False,
    )


def parse(path, raw, *, format=""):
    """The root element of `raw`, or a Refused that says why not."""
    path = str(path)
    if len(raw) > MAX_BYTES:
        return Refused(path, f"the file is more than the {MAX_BYTES:,} bytes taken", format=format)
    if _declares(raw):
        return Refused(path, "a document type declaration (<!DOCTYPE> or <!ENTITY>) is not accepted: "
                             "wire formats need none, and it is how entity attacks come", line=_line(raw),
                       format=format, raw=_start(raw))
    try:
        root = etree.fromstring(raw, parser())
    except etree.XMLSyntaxError as err:
        line = err.lineno if err.lineno and err.lineno > 0 else None
        return Refused(path, f"not well-formed XML: {err.msg}", line=line, format=format, raw=_start(raw))
    except ValueError as err:
        return Refused(path, f"not XML: {err}", format=format, raw=_start(raw))
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        return Refused(path, "a document type declaration is not accepted", format=format, raw=_start(raw))
    return root


def _declares(raw):
    if _DECLARATION.search(raw):
        return True
    # UTF-16 and UTF-32 hide the declaration from a byte search: look at the text.
    if raw.startswith(_WIDE_BOMS) or b"\0" in raw[:4]:
        for encoding in ("utf-32", "utf-16", "utf-16-le", "utf-16-be"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            return bool(re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.I))
    return False


def _line(raw):
    match = _DECLARATION.search(raw)
    return raw.count(b"\n", 0, match.start()) + 1 if match else None


def _start(raw):
    return raw[:4000].decode("utf-8", "replace")


def local(element):
    """An element's name without its namespace."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
