"""An NITF or XHTML body as HTML for a story (cleaned afterwards by newsdesk.stories.body).

Elements HTML has keep their name (NITF's few others are renamed: `hl2` is a heading, `bq`
a blockquote); any other element gives its text alone. Only `href` is kept, on links.
"""

import re
from html import escape

from .safexml import local

# NITF and XHTML element -> the HTML element it becomes.
RENAMED = {"hl1": "h2", "hl2": "h3", "bq": "blockquote", "block": "div", "credit": "p", "dl": "dl"}
KEPT = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table",
    "thead", "tbody", "tr", "td", "th", "caption", "em", "strong", "b", "i", "u", "q", "sub", "sup", "br", "a",
    "div", "span", "cite", "code", "abbr", "figure", "figcaption",
}
DROPPED = {"media", "img", "script", "style", "object", "iframe", "fn", "note", "body.end", "body.head"}
# In NITF, a `byline` or `dateline` inside the text is part of it, as a paragraph of its own.
AS_PARAGRAPH = {"byline", "dateline", "tagline"}


_SPACE = re.compile(r"\s+")


def to_html(element):
    """The HTML of `element`'s content (not of the element itself)."""
    parts = []
    _content(element, parts)
    return "".join(parts).strip()


def _text(text, element):
    """Text as HTML, its runs of spaces and line breaks made one space (but in <pre>)."""
    return escape(text if local(element) == "pre" else _SPACE.sub(" ", text), quote=False)


def _content(element, parts):
    if element.text:
        parts.append(_text(element.text, element))
    for child in element:
        _element(child, parts)
        if child.tail:
            parts.append(_text(child.tail, element))


def _element(element, parts):
    name = local(element)
    if not name or name in DROPPED:
        return
    html = RENAMED.get(name) or (name if name in KEPT else "p" if name in AS_PARAGRAPH else None)
    if html is None:
        _content(element, parts)
        return
    attrs = ""
    if html == "a" and element.get("href"):
        attrs = f' href="{escape(element.get("href"))}"'
    if html == "br":
        parts.append("<br>")
        return
    parts.append(f"<{html}{attrs}>")
    _content(element, parts)
    parts.append(f"</{html}>")


def text_of(element):
    """An element's text, its whitespace made single spaces."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""
