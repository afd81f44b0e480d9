"""Story bodies: a small, safe subset of HTML, the same for typed, pasted and imported text.

Kept as HTML because editors, ninjs and browsers all speak it; cleaned with
nh3 (the Ammonia sanitiser) on the way in so that rendering never has to trust it.
What is stored is exactly what the newsroom's editor writes (its schema is this subset), so a
saved body opens again unchanged: nothing is added on the way in; `rel` on links and the
renditions of pictures are added when a page is rendered (rendering.py).

Beyond text, a body holds pictures from the library and embeds, each in one canonical form:
    <figure data-picture="12"><img src="/media/pictures/…" alt="…"><figcaption>Caption<small>Credit</small></figcaption></figure>
    <figure data-embed="youtube"><a href="https://www.youtube.com/watch?v=…">https://www.youtube.com/watch?v=…</a></figure>
"""

import functools
import html
import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "blockquote", "a", "em", "strong", "i", "b", "ul", "ol", "li", "br",
                "figure", "img", "figcaption", "small"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "figure": {"data-picture", "data-embed"}, "img": {"src", "alt"}}
ALLOWED_CLASSES = {"blockquote": {"pull-quote"}}
URL_SCHEMES = {"http", "https", "mailto"}
_BLOCK_START = re.compile(r"<(p|h[2-4]|blockquote|ul|ol|figure)\b", re.I)
# Whole elements whose content is never text a reader should see.
DROP_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noscript", "head", "title"}

# Embeds: the kinds allowed, each a URL pattern and the one URL it is kept as.
EMBEDS = {
    "youtube": (re.compile(r"^https?://(?:(?:www\.|m\.)?youtube\.com/(?:watch\?(?:[^#]*&)?v=|shorts/|embed/)|youtu\.be/)"
                           r"([A-Za-z0-9_-]{11})(?:[?&#/].*)?$"), "https://www.youtube.com/watch?v={}"),
    "vimeo": (re.compile(r"^https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?(\d{1,12})(?:[?#/].*)?$"),
              "https://vimeo.com/{}"),
    "x": (re.compile(r"^https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/(\w{1,30}/status/\d{1,25})(?:[?#/].*)?$"),
          "https://x.com/{}"),
    "instagram": (re.compile(r"^https?://(?:www\.)?instagram\.com/(?:p|reel)/([A-Za-z0-9_-]{5,40})/?(?:[?#].*)?$"),
                  "https://www.instagram.com/p/{}/"),
}
EMBED_NAMES = {"youtube": "YouTube", "vimeo": "Vimeo", "x": "X", "instagram": "Instagram"}

# A sentence ends at . ! ? or … before a space and a capital, unless the word
# before the dot is an abbreviation (U.S., Mr., Dr.) or an initial.
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\bSt)(?<!\bMrs)(?<!\.[A-Za-z])([.!?…][\"'”’»)]*)\s+(?=[\"'“‘«(]?[A-ZА-ЯЁÆØÅÄÖÜ0-9])")


def embed_of(url):
    """(kind, canonical URL) of an embeddable URL, or None for any other."""
    url = (url or "").strip()
    for kind, (pattern, canonical) in EMBEDS.items():
        match = pattern.match(url)
        if match:
            return kind, canonical.format(match[1])
    return None


def _attribute(tag, name, value):
    """nh3's filter of attribute values: ids are numbers, pictures come from this site."""
    if name == "data-picture":
        return value if value.isdigit() else None
    if name == "data-embed":
        return value if value in EMBEDS else None
    if tag == "img" and name == "src":
        return value if value.startswith("/") and not value.startswith("//") else None
    return value


# The sanitisers, made once: nh3.clean builds its rules anew at every call, which took longer
# than cleaning a short text (a wire item's headline, its captions).
_BODY = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=DROP_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    attribute_filter=_attribute,
    url_schemes=URL_SCHEMES,
    link_rel=None,  # added when rendering: the editor must get back what it wrote
    strip_comments=True,
)
_TEXT = nh3.Cleaner(tags=set())


def clean_html(value):
    """Sanitise HTML down to paragraphs, sub-headings, quotes, lists, links, emphasis,
    pictures of the library and embeds of the allowed kinds."""
    value = re.sub(r"<(h1)(\s[^>]*)?>", r"<h2>", value or "", flags=re.I)
    value = re.sub(r"</h1\s*>", "</h2>", value, flags=re.I)
    cleaned = _BODY.clean(value)
    if re.search(r"<(figure|img|figcaption|small)\b", cleaned):
        cleaned = _Tree.of(cleaned).canonical()
    cleaned = cleaned.strip()
    if cleaned and not cleaned.startswith("<"):
        # Bare text becomes a paragraph: up to the first block element, so that no paragraph
        # holds another (cleaning the result again then changes nothing).
        block = _BLOCK_START.search(cleaned)
        head = cleaned[: block.start()] if block else cleaned
        cleaned = f"<p>{head.rstrip()}</p>{cleaned[len(head):]}"
    return cleaned


class _Element:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs, children=None):
        self.tag, self.attrs, self.children = tag, dict(attrs), children if children is not None else []

    def find(self, tag):
        for child in self.children:
            if isinstance(child, _Element):
                if child.tag == tag:
                    return child
                found = child.find(tag)
                if found is not None:
                    return found
        return None

    def text(self, skip=()):
        return " ".join("".join(
            child if isinstance(child, str) else ("" if child.tag in skip else child.text(skip))
            for child in self.children).split())


VOID = {"img", "br"}


class _Tree(HTMLParser):
    """nh3's output (well-formed, every element closed) as a small tree, to put its figures in
    their one form: a figure only at the top level, holding a picture or an embed, else dropped;
    an img only in a picture's figure; a figcaption or small elsewhere unwrapped."""

    @classmethod
    def of(cls, markup):
        tree = cls(convert_charrefs=True)
        tree.root = _Element("", {})
        tree.stack = [tree.root]
        tree.feed(markup)
        tree.close()
        return tree

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, attrs)
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        if tag not in VOID and len(self.stack) > 1 and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(data)

    def canonical(self):
        return "".join(_serialize(node) for node in _canonical(self.root.children, top=True))


def _canonical(nodes, *, top):
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node.tag == "figure":
            figure = _figure(node) if top else None
            if figure is not None:
                out.append(figure)
        elif node.tag == "img":
            continue
        elif node.tag in ("figcaption", "small"):
            out.extend(_canonical(node.children, top=False))
        else:
            node.children = _canonical(node.children, top=False)
            out.append(node)
    return out


def _figure(node):
    if node.attrs.get("data-picture"):
        img = node.find("img")
        if img is None or not img.attrs.get("src"):
            return None
        figure = _Element("figure", {"data-picture": node.attrs["data-picture"]}, [
            _Element("img", {"src": img.attrs["src"], "alt": " ".join((img.attrs.get("alt") or "").split())})])
        caption_element = node.find("figcaption")
        if caption_element is not None:
            small = caption_element.find("small")
            caption, credit = caption_element.text(skip={"small"}), small.text() if small is not None else ""
            if caption or credit:
                figcaption = _Element("figcaption", {}, [caption] if caption else [])
                if credit:
                    figcaption.children.append(_Element("small", {}, [credit]))
                figure.children.append(figcaption)
        return figure
    link = node.find("a")
    found = embed_of(link.attrs.get("href")) if link is not None else None
    if node.attrs.get("data-embed") and found:
        kind, url = found
        return _Element("figure", {"data-embed": kind}, [_Element("a", {"href": url}, [url])])
    return None


def _escape(text, attribute=False):
    text = text.replace("&", "&amp;").replace("\xa0", "&nbsp;")
    if attribute:
        return text.replace('"', "&quot;")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _serialize(node):
    """As nh3 (html5ever) and a browser's innerHTML write it."""
    if isinstance(node, str):
        return _escape(node)
    attrs = "".join(f' {name}="{_escape(value or "", attribute=True)}"' for name, value in node.attrs.items())
    if node.tag in VOID:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{''.join(_serialize(child) for child in node.children)}</{node.tag}>"


def text_to_html(text):
    """Plain text as paragraphs: one per non-empty line."""
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)


def html_to_text(value):
    """The readable text of a body, for summaries and search: pictures and embeds left out."""
    text = re.sub(r"<figure\b.*?</figure>", "\n", value or "", flags=re.I | re.S)
    text = re.sub(r"</(p|h[1-6]|blockquote|li)>|<br\s*/?>", "\n", text, flags=re.I)
    text = _TEXT.clean(text)
    return "\n".join(" ".join(html.unescape(line).split()) for line in text.splitlines() if line.strip())


@functools.lru_cache(maxsize=512)
def summary_of(value, limit):
    """The first sentence of a body's text. Kept for the bodies read most (every render of an
    article without a standfirst needs it, and reading the whole body as text is costly)."""
    return first_sentence(html_to_text(value), limit=limit)


def first_sentence(text, limit=140):
    """A headline-sized opening of `text`: its first sentence, shortened at a word."""
    text = " ".join((text or "").split())
    match = _SENTENCE_END.search(text)
    sentence = text[: match.end(1)] if match else text
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return cut + "…"
