"""A reader's query, read safely: words, "quoted phrases" and -excluded words, nothing else.

Both backends are given the query rebuilt from these parts, each term quoted, so that no
text a reader types is ever taken as query syntax (an FTS5 syntax error, an operator)."""

import re
from dataclasses import dataclass, field

# Longer queries are cut: nobody types more, and each term costs the database a lookup.
MAX_LENGTH = 200
MAX_TERMS = 12

_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Query:
    """`include`: terms that must all be found; `exclude`: terms that must not. A term is a
    tuple of words (one word, or a phrase)."""

    include: tuple = ()
    exclude: tuple = ()
    text: str = field(default="", compare=False)

    def __bool__(self):
        return bool(self.include)

    def words(self):
        return [word for term in self.include for word in term]

    def websearch(self):
        """For PostgreSQL's websearch_to_tsquery: each term quoted, exclusions with a minus."""
        parts = [_quoted(term) for term in self.include] + ["-" + _quoted(term) for term in self.exclude]
        return " ".join(parts)

    def fts5(self):
        """For SQLite's FTS5 MATCH: each term a quoted string (a phrase when several words)."""
        text = " AND ".join(_quoted(term) for term in self.include)
        for term in self.exclude:
            text += " NOT " + _quoted(term)
        return text

    def fts5_any(self):
        """For FTS5: any of the included terms (where a match ranks, not whether it is one)."""
        return " OR ".join(_quoted(term) for term in self.include)


def _quoted(term):
    # Terms hold word characters only (_WORD): no quote to double inside.
    return '"' + " ".join(term) + '"'


def parse(text):
    """A Query from what a reader typed; empty when nothing in it can be searched for."""
    text = (text or "").replace("\x00", " ")[:MAX_LENGTH]
    include, exclude = [], []
    for match in _PART.finditer(text):
        minus, phrase = (match.group(1), match.group(2)) if match.group(2) is not None else (match.group(3), match.group(4))
        words = tuple(word.lower() for word in _WORD.findall(phrase))
        if not words:
            continue
        target = exclude if minus and len(match.group(0)) > 1 else include
        if words not in target:
            target.append(words)
    include, exclude = include[:MAX_TERMS], exclude[: max(0, MAX_TERMS - len(include))]
    return Query(tuple(include), tuple(exclude), " ".join(text.split()))
