"""Comment text: plain text with paragraphs, links, emphasis and quotes; the rest is shown as text.

Readers write plain text. Blank lines make paragraphs, a line starting with ">" is
a quote, *stars* and _underscores_ give emphasis, and web addresses become links.
What comes out is sanitised again with nh3, so no markup a reader types survives.
"""

import html
import re
import unicodedata

import nh3

_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.I)
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
# Controls that can reorder or hide text; kept out of everything readers write.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def clean_text(value):
    """The text as written, less invisible and control characters, with tidy line ends."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    value = "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc")
    return "\n".join(line.rstrip() for line in value.split("\n")).strip()


def links_in(text):
    return _URL.findall(text)


def _inline(line):
    parts, last = [], 0
    for match in _URL.finditer(line):
        parts.append(_emphasis(html.escape(line[last : match.start()], quote=False)))
        url = html.escape(match.group(0))
        parts.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    parts.append(_emphasis(html.escape(line[last:], quote=False)))
    return "".join(parts)


def _emphasis(escaped):
    return _EMPHASIS.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", escaped)


def render(text):
    """Safe HTML for a comment's text."""
    blocks, out = re.split(r"\n\s*\n", clean_text(text)), []
    for block in blocks:
        lines = block.split("\n")
        if all(line.lstrip().startswith(">") for line in lines):
            inner = "<br>".join(_inline(line.lstrip()[1:].strip()) for line in lines)
            out.append(f"<blockquote><p>{inner}</p></blockquote>")
        elif block.strip():
            out.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return nh3.clean(
        "".join(out),
        tags={"p", "br", "a", "em", "blockquote"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener",
    )
