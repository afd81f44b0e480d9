"""What parsers give the import: the shapes of its items and of what becomes of them.

A parser (text.py, and the agency formats in formats/) turns a file into `StoryData` (a story
as its source gives it), `Skipped` (an item Newsdesk does not take) and `Refused` (a document
that breaks its format's rules), or fails with `ImportFailed`; saving a file gives an
`Outcome` for each item. The parsers' items are plain values, which parsing processes make
and send on to the one that saves.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from datetime import datetime

from newsdesk.people.models import Person, Topic
from newsdesk.people.services import mention_tokens
from newsdesk.slugs import slugify
from newsdesk.stories import body
from newsdesk.stories.models import Story, story_url


class ImportFailed(Exception):
    """A file that cannot be imported: where, and why."""

    def __init__(self, path, line, reason):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{self.path}:{line}: {reason}" if line else f"{self.path}: {reason}")

    def __reduce__(self):  # it may come from a parsing process
        return type(self), (self.path, self.line, self.reason)


@dataclass
class StoryData:
    """One story as a source gives it, before it touches the database."""

    guid: str
    kind: str
    headline: str
    body_html: str = ""  # cleaned when saved; never trusted as given
    standfirst: str = ""
    byline: str = ""  # what the byline says but the known authors (link_people)
    source: str = ""
    authors: list = field(default_factory=list)  # names of known authors, in byline order
    section: str = ""
    people: list = field(default_factory=list)  # names
    topics: list = field(default_factory=list)  # names
    language: str = ""
    urgency: int | None = None
    status: str = Story.Status.PUBLISHED
    published_at: datetime | None = None
    updated_at: datetime | None = None
    created_at: datetime | None = None
    version: str = ""
    pictures: list = field(default_factory=list)
    link_guid: str = ""  # a brief's full article, by its guid (saved before, or in the same file)
    # Names a parser cannot tell apart alone (a text page's "Read next" labels): the tags the
    # run knows decide, when the story is saved (tag_labels). Not part of the fingerprint.
    labels: list = field(default_factory=list)
    # What an agency says of its copy, for the wire desk (not part of the fingerprint).
    pub_status: str = "usable"  # usable, withheld or canceled
    embargoed: datetime | None = None
    signals: list = field(default_factory=list)  # "update", "correction"
    ed_note: str = ""
    dateline: str = ""
    subjects: list = field(default_factory=list)  # [code, name] pairs
    alt_ids: dict = field(default_factory=dict)  # e.g. AP's {"itemid": ...}
    notes: list = field(default_factory=list)  # "does not conform: ...", "body cannot be shown: ..."
    agency: str = ""  # the agency's name as readers are shown it ("TASS")
    format: str = ""  # "ninjs 2.1", "NewsML-G2 2.35", "RSS 2.0"
    raw: str = ""  # the document as received
    slugline: str = ""
    creators: list = field(default_factory=list)  # [{"name", "role", "uri"}], as the agency names them
    contributors: list = field(default_factory=list)
    provider: str = ""  # who sent it (NewsML-G2's provider), by name or code
    info_sources: list = field(default_factory=list)  # names (or codes) of the sources it cites

    # Worked out once, perhaps ahead in a parsing process (prepare).
    _fingerprint = _slug_base = _body = _words = None

    def fingerprint(self):
        if self._fingerprint is None:
            # The fields as dataclasses.asdict gives them (same JSON, same hash), without its deep copies.
            data = {name: getattr(self, name) for name in _FIELDS}
            if not data["authors"]:  # as before authors were read: a story without stays unchanged
                del data["authors"]
            for key in ("published_at", "updated_at", "created_at"):
                data[key] = data[key].isoformat() if data[key] else None
            text = json.dumps(data, sort_keys=True, default=str)
            self._fingerprint = hashlib.sha256(text.encode()).hexdigest()
        return self._fingerprint

    @property
    def version_key(self):
        """The version as numbers, to compare: "10" is newer than "9", "1.10" than "1.9"."""
        return version_key(self.version)

    def slug_base(self):
        """The slug Story.save would start from for this story's headline."""
        if self._slug_base is None:
            self._slug_base = slugify(self.headline[:300]) or self.kind
        return self._slug_base

    def clean_body(self):
        if self._body is None:
            self._body = body.clean_html(self.body_html)
        return self._body

    def mention_words(self):
        """The tokens of the text in which the people it names are found (link_people)."""
        if self._words is None:
            # Kept as one string (a token holds no space): a parsing process sends it on far
            # faster than hundreds of strings.
            self._words = " ".join(mention_tokens(" ".join([self.headline, self.standfirst,
                                                             body.html_to_text(self.clean_body())])))
        return tuple(self._words.split(" ")) if self._words else ()

    def prepare(self):
        """Work out what saving needs of the story alone, so that parsing processes can do it
        ahead of the one that saves (the fingerprint waits for labels to be told apart)."""
        self.slug_base(), self.clean_body(), self.mention_words()
        if not self.labels:
            self.fingerprint()
        return self

    def tag_labels(self, kinds):
        """Labels become tags, by `kinds` ({label: Person or Topic}): a brief is tagged with its
        label, a person or a topic; an article with the people among the labels it mentions."""
        if self.kind == Story.Kind.BRIEF:
            self.people = self.people + [label for label in self.labels if kinds[label] is Person]
            self.topics = self.topics + [label for label in self.labels if kinds[label] is Topic]
        else:
            self.people = sorted({*self.people, *(label for label in self.labels if kinds[label] is Person)})
        self.labels, self._fingerprint = [], None


WIRE_FIELDS = {"pub_status", "embargoed", "signals", "ed_note", "dateline", "subjects", "alt_ids", "notes",
               "agency", "format", "raw", "slugline", "creators", "contributors", "provider", "info_sources"}
_FIELDS = tuple(f.name for f in fields(StoryData) if f.name != "labels" and f.name not in WIRE_FIELDS)


class Outcome:
    """What happened to one item of a file: created, updated, unchanged or skipped.

    `story` is the saved Story, made when first asked for: a run that only reports
    (the import command) needs its id, kind and slug, not a model instance."""

    def __init__(self, kind, action, *, pk=None, slug="", story=None, make=None, reason=""):
        self.kind, self.action, self.pk, self.slug, self.reason = kind, action, pk, slug, reason
        self._story, self._make = story, make

    @property
    def story(self):
        if self._story is None and self._make is not None:
            self._story, self._make = self._make(), None
        return self._story

    def __repr__(self):
        return f"<Outcome {self.action} {self.kind} {self.pk or self.reason}>"

    def as_json(self):
        data = {
            "kind": self.kind,
            "id": self.pk,
            "url": story_url(self.kind, self.slug) if self.pk else None,
            "action": self.action,
        }
        if self.reason:
            data["reason"] = self.reason
        return data


_NUMBERS = re.compile(r"\d+")


def version_key(version):
    """A version string as a tuple of numbers (empty when it has none): agencies' versions are
    strings ("10", "2.1") that compare as numbers, never as text."""
    return tuple(int(n) for n in _NUMBERS.findall(version or "")[:8])


class Skipped(Exception):
    """An item a parser recognises but Newsdesk does not publish (a picture-only item, say):
    its kind, why, and what identifies it where the document says (for a report; the guid
    spelled as StoryData.guid is)."""

    def __init__(self, kind, reason, *, guid="", version="", headline=""):
        self.kind, self.reason = kind, reason
        self.guid, self.version, self.headline = guid, version, headline
        super().__init__(reason)

    def __reduce__(self):
        return _skipped, (self.kind, self.reason, self.guid, self.version, self.headline)


def _skipped(kind, reason, guid, version, headline):
    return Skipped(kind, reason, guid=guid, version=version, headline=headline)


@dataclass
class Refused:
    """A document that breaks its format's rules: the file, the document in it (1 for the
    first; None when the file as a whole is refused), the line, the field and the rule."""

    file: str
    rule: str
    line: int | None = None
    document: int | None = None
    documents: int = 1  # how many the file holds
    field: str = ""
    guid: str = ""  # when the document says who it is, as StoryData.guid spells it ("ninjs:<uri>")
    format: str = ""
    raw: str = ""  # the document (or the file's start) as received

    @property
    def reason(self):
        """The document and the rule: 'document 2 of 3: field "uri": expected a string'."""
        where = f"document {self.document} of {self.documents}: " if self.document and self.documents > 1 else ""
        return where + self.rule

    def __str__(self):
        return f"{self.file}:{self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"

    def as_import_failed(self):
        return ImportFailed(self.file, self.line, self.reason)
