"""What in a rendered page could run or act: the markup a payload would have introduced.

Pages are parsed as a browser parses them (html5lib follows the WHATWG parsing algorithm), so
a payload that only looks harmless as text, or only dangerous, is judged by the tree it makes.
Newsdesk's own pages have no inline script or handler (the Content-Security-Policy refuses
them), scripts only from its static files, no frames, objects or <base>, and forms that say
their method; anything else is reported.
"""

import re

import html5lib
from django.conf import settings

# Elements none of Newsdesk's pages have: each one found was put there by someone else.
FOREIGN = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "isindex",
           "animate", "set", "handler", "listener", "xml", "import", "param", "bgsound", "layer", "ilayer"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "background", "poster", "lowsrc", "dynsrc",
                  "ping", "cite", "codebase", "manifest", "icon", "srcdoc", "xlink:href", "from", "to", "values",
                  "longdesc", "usemap", "archive", "classid"}
# How a browser reads a URL (the WHATWG URL parser): C0 controls and spaces trimmed from
# both ends, tabs and newlines dropped anywhere; any other control character is kept, and
# makes the scheme invalid (so the URL is relative, and harmless).
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
# <script> types that browsers keep as data and never run: structured data (JSON-LD).
DATA_BLOCKS = {"application/ld+json", "application/json"}
BAD_SCHEMES = ("javascript:", "vbscript:", "livescript:", "mocha:", "data:text/html", "data:application",
               "data:text/javascript")


def _tag(element):
    return element.tag.rsplit("}", 1)[-1].lower()


def _attrs(element):
    # html5lib gives namespaced attributes as "{namespace}name"; xlink:href is the one that matters.
    for name, value in element.attrib.items():
        if isinstance(name, tuple):
            name = ":".join(part for part in name if part)
        if name.startswith("{http://www.w3.org/1999/xlink}"):
            name = "xlink:" + name.rsplit("}", 1)[-1]
        yield name.rsplit("}", 1)[-1].lower() if not name.startswith("xlink:") else name, value


def _bad_url(value):
    plain = _URL_TAB_OR_NEWLINE.sub("", value.strip(_URL_EDGES)).lower()
    return plain.startswith(BAD_SCHEMES)


def live_markup(html):
    """Every element or attribute in the page that runs script or acts without its reader,
    as short descriptions (empty when the page is clean)."""
    static = settings.STATIC_URL
    document = html5lib.parse(html, namespaceHTMLElements=True)
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # a comment or a processing instruction: inert
        tag = _tag(element)
        attrs = dict(_attrs(element))
        if tag == "script":
            src = attrs.get("src", "")
            # A data block (JSON-LD for search engines) is never run; text breaking out of it
            # would make a script element of its own, reported here.
            data_block = attrs.get("type", "").strip().lower() in DATA_BLOCKS and "src" not in attrs
            if not data_block and (not src.startswith(static) or src.startswith("//")
                                   or "".join(element.itertext()).strip()):
                found.append(f"<script src={src!r}>")
        elif tag in FOREIGN:
            found.append(f"<{tag}>")
        elif tag == "meta" and "http-equiv" in attrs:
            found.append(f"<meta http-equiv={attrs['http-equiv']!r}>")
        elif tag == "form":
            action = attrs.get("action", "")
            if "method" not in attrs or (action and (not action.startswith("/") or action.startswith("//"))):
                found.append(f"<form action={action!r}>")
        elif tag == "link" and attrs.get("rel", "").lower() not in ("stylesheet", "icon", "canonical", "alternate"):
            found.append(f"<link rel={attrs.get('rel')!r}>")
        elif tag == "link" and attrs.get("rel", "").lower() == "stylesheet" and not attrs.get("href", "").startswith(static):
            found.append(f"<link stylesheet {attrs.get('href')!r}>")
        elif tag == "style":
            found.append("<style>")  # none of ours: the style sheet is a static file
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            elif name == "style":
                found.append(f"<{tag} style=…>")
            elif name in URL_ATTRIBUTES and _bad_url(value):
                if not (tag == "link" and value.startswith("data:image/svg+xml,")):  # the favicon
                    found.append(f"<{tag} {name}={value[:40]!r}>")
    return found
