"""Story bodies: a small, safe subset of HTML, the same for typed, pasted and imported text.

Kept as HTML because editors, ninjs and browsers all speak it; cleaned with
nh3 (the Ammonia sanitiser) on the way in so that rendering never has to trust it.
"""

import html
import re

import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "blockquote", "a", "em", "strong", "i", "b", "ul", "ol", "li", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
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
        # Bare text (no block element) becomes a paragraph.
        cleaned = f"<p>{cleaned}</p>"
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


def first_sentence(text, limit=140):
    """A headline-sized opening of `text`: its first sentence, shortened at a word."""
    text = " ".join((text or "").split())
    match = _SENTENCE_END.search(text)
    sentence = text[: match.end(1)] if match else text
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return cut + "…"
