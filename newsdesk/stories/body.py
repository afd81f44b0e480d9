"""Story bodies: a small, safe subset of HTML, the same for typed, pasted and imported text.

Kept as HTML because editors, ninjs and browsers all speak it; cleaned with
nh3 (the Ammonia sanitiser) on the way in so that rendering never has to trust it.
"""

import functools
import html
import re

import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "blockquote", "a", "em", "strong", "i", "b", "ul", "ol", "li", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_BLOCK_START = re.compile(r"<(p|h[2-4]|blockquote|ul|ol)\b", re.I)
# Whole elements whose content is never text a reader should see.
DROP_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noscript", "head", "title"}

# A sentence ends at . ! ? or … before a space and a capital, unless the word
# before the dot is an abbreviation (U.S., Mr., Dr.) or an initial.
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\bSt)(?<!\bMrs)(?<!\.[A-Za-z])([.!?…][\"'”’»)]*)\s+(?=[\"'“‘«(]?[A-ZА-ЯЁÆØÅÄÖÜ0-9])")


def clean_html(value):
    """Sanitise HTML down to paragraphs, sub-headings, quotes, lists, links and emphasis."""
    value = re.sub(r"<(h1)(\s[^>]*)?>", r"<h2>", value or "", flags=re.I)
    value = re.sub(r"</h1\s*>", "</h2>", value, flags=re.I)
    cleaned = nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
    cleaned = cleaned.strip()
    if cleaned and not cleaned.startswith("<"):
        # Bare text becomes a paragraph: up to the first block element, so that no paragraph
        # holds another (cleaning the result again then changes nothing).
        block = _BLOCK_START.search(cleaned)
        head = cleaned[: block.start()] if block else cleaned
        cleaned = f"<p>{head.rstrip()}</p>{cleaned[len(head):]}"
    return cleaned


def text_to_html(text):
    """Plain text as paragraphs: one per non-empty line."""
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)


def html_to_text(value):
    """The readable text of a body, for summaries and search."""
    text = re.sub(r"</(p|h[1-6]|blockquote|li)>|<br\s*/?>", "\n", value or "", flags=re.I)
    text = nh3.clean(text, tags=set())
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
