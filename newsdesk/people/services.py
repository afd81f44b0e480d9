"""The rules for people and topics: creating, renaming with redirects, merging
duplicates, deleting, and finding the known ones a text mentions. Views call these;
each change writes the audit log."""

import itertools
import re
import unicodedata
from dataclasses import asdict, dataclass

from django.db import transaction

from newsdesk.audit.models import record
from newsdesk.live import events
from newsdesk.slugs import unique_slug

from .models import Person, SlugRedirect, Topic, alias_list

# The kinds of tag, as they appear in newsroom URLs and suggestions.
KINDS = {"person": Person, "topic": Topic}


class TagError(Exception):
    """A change the rules do not allow; the message says why, for the editor to read."""


def kind_of(tag):
    return tag._meta.model_name


def tidy_name(name):
    """A name as stored: single spaces, no longer than the field."""
    return " ".join((name or "").split())[:200]


def _clash(model, name, *, exclude=None):
    others = model.objects.filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.first()


def _clash_message(tag):
    what = "person" if kind_of(tag) == "person" else "topic"
    return f"There is already a {what} called “{tag.name}”; merge the two instead."


def create(model, name, *, description="", by):
    """A new person or topic. A live tag wins over any old slug redirecting elsewhere."""
    name = tidy_name(name)
    if not name:
        raise TagError("A name is needed.")
    with transaction.atomic():
        if (same := _clash(model, name)) is not None:
            raise TagError(_clash_message(same))
        tag = model.objects.create(name=name, description=description.strip())
        record(by, f"add-{kind_of(tag)}", tag)
        if model is Person:
            _link_where_named(tag, [tag.name], by=by)
    return tag


def _link_where_named(person, names, *, by):
    from newsdesk.stories import services as stories

    return stories.link_where_named(person, names, by=by)


def _leave_redirect(tag, old_slug, old_name):
    """Make `old_slug` (and `old_name`, for `named`) lead to `tag`, taking them over
    from any tag that had them before."""
    field = kind_of(tag)
    SlugRedirect.objects.update_or_create(old_slug=old_slug, **{f"{field}__isnull": False},
                                          defaults={field: tag, "old_name": old_name})


def rename(tag, new_name, *, by):
    """Give `tag` a new name, and a new slug made from it; its old URL keeps working.

    Returns the tag. Renaming to the name of another tag of the same kind is refused:
    that is a duplicate, for `merge`.
    """
    new_name = tidy_name(new_name)
    if not new_name:
        raise TagError("A name is needed.")
    model = type(tag)
    with transaction.atomic():
        # Lock the row: two editors renaming at once must not leave a redirect loop.
        current = model.objects.select_for_update().get(pk=tag.pk)
        if current.name == new_name:
            return current
        if (same := _clash(model, new_name, exclude=current)) is not None:
            raise TagError(_clash_message(same))
        old_name, old_slug = current.name, current.slug
        current.name = new_name
        current.slug = unique_slug(model, new_name, fallback=model.fallback_slug, instance=current)
        current.save(update_fields=["name", "slug"])
        note = f"“{old_name}” → “{new_name}”"
        if current.slug != old_slug:
            _leave_redirect(current, old_slug, old_name)
            # A redirect from the slug it now has again (renamed back) would never be used.
            SlugRedirect.objects.filter(old_slug=current.slug, **{kind_of(current): current}).delete()
            note += f"; {old_slug} now redirects to {current.slug}"
        record(by, f"rename-{kind_of(current)}", current, note)
        _reindex(current)
        announce(current)
        if model is Person:
            _link_where_named(current, [new_name], by=by)
    tag.name, tag.slug = current.name, current.slug
    return tag


def edit(tag, *, name, description, by):
    """Save what the newsroom's edit form changes: the name (a rename) and the description."""
    description = (description or "").strip()
    with transaction.atomic():
        tag = rename(tag, name, by=by)
        if description != tag.description:
            tag.description = description
            tag.save(update_fields=["description"])
            record(by, f"describe-{kind_of(tag)}", tag, description)
            events.record("tag", keys={f"{kind_of(tag)}:{tag.pk}"})
    return tag


def describe_person(person, *, is_author, role, bio, aliases, photo, by):
    """Save what a person's page and bylines show of them, and the other names (`aliases`, a
    list) by which a text names them; their page is purged."""
    aliases = "\n".join(alias_list("\n".join(aliases)))
    fields = {"is_author": bool(is_author), "role": " ".join((role or "").split())[:200], "bio": (bio or "").strip(),
              "aliases": aliases, "photo_id": getattr(photo, "pk", photo)}
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    if not changed:
        return person
    known = {alias.casefold() for alias in person.alias_list}
    new_aliases = [alias for alias in alias_list(aliases) if alias.casefold() not in known]
    with transaction.atomic():
        for name in changed:
            setattr(person, name, fields[name])
        person.save(update_fields=[name.removesuffix("_id") for name in changed])
        record(by, "describe-person", person, ", ".join(name.removesuffix("_id") for name in changed))
        events.record("tag", keys={f"person:{person.pk}"})  # their page (bylines show only the name)
        # The stories that name them by a new alias are theirs too.
        _link_where_named(person, new_aliases, by=by)
    return person


def _reindex(tag):
    """Search finds the tag's stories by its name as it is now (and its filter by its id)."""
    from newsdesk.search import services as search

    through, column = _links(type(tag))
    search.refresh(list(through.objects.filter(**{column: tag.pk}).values_list("story_id", flat=True)))


def announce(*tags):
    """Purge the pages that show these tags' names: their own pages, their stories' pages
    and the rivers (whose items carry a person or topic label)."""
    keys = {events.RIVER}
    for tag in tags:
        through, column = _links(type(tag))
        keys.add(f"{kind_of(tag)}:{tag.pk}")
        keys.update(events.story_key(pk) for pk in through.objects.filter(**{column: tag.pk}).values_list("story_id", flat=True))
    events.record("tag", keys=keys)


def redirect_for(model, slug):
    """The tag an old slug of `model` leads to, or None."""
    field = model._meta.model_name
    moved = SlugRedirect.objects.select_related(field).filter(old_slug=slug, **{f"{field}__isnull": False}).first()
    return moved.tag if moved else None


def _links(model):
    """The through model of Story.<people|topics>, and the column naming the tag."""
    return model._meta.get_field("stories").through, f"{model._meta.model_name}_id"


def story_count(tag):
    through, column = _links(type(tag))
    return through.objects.filter(**{column: tag.pk}).count()


@dataclass(frozen=True)
class Merged:
    keep: object
    duplicate_name: str
    moved: int  # stories that now link the kept tag instead of the duplicate
    shared: int  # stories that linked both; their link to the duplicate is simply gone


def merge_preview(keep, duplicate):
    """(moved, shared): how many of the duplicate's stories would link `keep` instead,
    and how many link both already."""
    through, column = _links(type(keep))
    theirs = through.objects.filter(**{column: duplicate.pk})
    shared = theirs.filter(story_id__in=through.objects.filter(**{column: keep.pk}).values("story_id")).count()
    return theirs.count() - shared, shared


def check_merge(keep, duplicate):
    """Why these two can't be merged, or None."""
    if type(keep) is not type(duplicate):
        return "A person can only be merged with a person, and a topic with a topic."
    if keep.pk == duplicate.pk:
        return f"“{keep.name}” can't be merged with itself: choose another {kind_of(keep)}."
    return None


def merge(keep, duplicate, *, by):
    """Fold `duplicate` into `keep`: its stories link `keep` instead (never twice), its
    URLs, old and current, lead to `keep`, and it is deleted. Returns a `Merged`."""
    if (reason := check_merge(keep, duplicate)) is not None:
        raise TagError(reason)
    model = type(keep)
    through, column = _links(model)
    field = kind_of(keep)
    with transaction.atomic():
        # Lock both rows in pk order: two merges of the same pair must not deadlock.
        locked = model.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk]).order_by("pk")
        rows = {row.pk: row for row in locked}
        if keep.pk not in rows or duplicate.pk not in rows:
            raise TagError("One of the two is gone already: someone else merged or deleted it.")
        keep, duplicate = rows[keep.pk], rows[duplicate.pk]

        already = through.objects.filter(**{column: keep.pk}).values("story_id")
        shared, _ = through.objects.filter(**{column: duplicate.pk}, story_id__in=already).delete()
        moved = through.objects.filter(**{column: duplicate.pk}).update(**{column: keep.pk})

        # The duplicate's old slugs and its own slug now lead to the kept tag.
        SlugRedirect.objects.filter(**{field: duplicate}).update(**{field: keep})
        old_slug = duplicate.slug
        if not keep.description and duplicate.description:
            keep.description = duplicate.description
            keep.save(update_fields=["description"])
        duplicate_name, duplicate_pk = duplicate.name, duplicate.pk
        announce(keep, duplicate)  # the duplicate's stories, before they move
        duplicate.delete()
        _leave_redirect(keep, old_slug, duplicate_name)
        _reindex(keep)
        record(by, f"merge-{field}", keep,
               f"merged “{duplicate_name}” (#{duplicate_pk}) into it: {moved} stories moved, "
               f"{shared} linked both; {old_slug} now redirects to {keep.slug}")
    return Merged(keep=keep, duplicate_name=duplicate_name, moved=moved, shared=shared)


def delete(tag, *, by):
    """Delete a person or topic no story links; its old URLs stop working."""
    with transaction.atomic():
        if count := story_count(tag):
            raise TagError(
                f"“{tag.name}” is linked to {count} stor{'y' if count == 1 else 'ies'}: "
                f"merge it into another {kind_of(tag)} instead, so that they keep a link."
            )
        record(by, f"delete-{kind_of(tag)}", tag)
        tag.delete()


# Mentions -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    kind: str  # "person" or "topic"
    id: int
    name: str

    def as_dict(self):
        return asdict(self)


# A word (letters, digits, underscore in any script) or one other visible character, so
# that names like "C++" and "AT&T" are sequences of tokens like any other.
_TOKEN = re.compile(r"\w+|\S")  # \S only where \w+ did not match: a sign
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "‐": "-", "‑": "-"})


def _tokens(text):
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return tuple(_TOKEN.findall(text))


class MentionIndex:
    """Names as token sequences, found in a text's tokens in one pass: only a token that
    begins a name is looked at further (a set lookup), so a text costs about its tokens,
    whatever the number of names known."""

    def __init__(self, tags, aliases=()):
        """`tags`: Mentions, found by their names; `aliases`: (another name, Mention) pairs."""
        self.names = {}  # token tuple -> [Mention, ...]
        self.longest = {}  # first token of a name -> the most tokens a name starting with it has
        for name, mention in itertools.chain(((m.name, m) for m in tags), aliases):
            self.add(name, mention)

    def add(self, name, mention):
        key = _tokens(name)
        if not key:
            return
        found = self.names.setdefault(key, [])
        if mention not in found:
            found.append(mention)
        if self.longest.get(key[0], 0) < len(key):
            self.longest[key[0]] = len(key)

    def find(self, text, limit):
        """Mentions in order of first appearance; where names overlap, the longest wins
        ("New York Times" rather than "New York")."""
        return self.find_in(_tokens(text), limit)

    def find_in(self, words, limit):
        """find(), for a text already made tokens (mention_tokens)."""
        longest = self.longest
        if not longest or limit <= 0:
            return []
        starts = longest.keys() & set(words)
        if not starts:
            return []
        names, found, count, after = self.names, {}, len(words), 0
        for i in [i for i, word in enumerate(words) if word in starts]:
            if i < after:  # inside a name found before
                continue
            for end in range(min(count, i + longest[words[i]]), i, -1):
                mentions = names.get(words[i:end])
                if mentions is not None:
                    for mention in mentions:
                        found.setdefault((mention.kind, mention.id), mention)
                    after = end
                    break
            if len(found) >= limit:
                break
        return list(found.values())[:limit]


def mention_tokens(text):
    """A text as MentionIndex.find_in takes it: worked out once, it is matched against any
    number of indexes."""
    return _tokens(text)


def people_index():
    """A MentionIndex of every known person, by name and alias."""
    tags, aliases = [], []
    _people_index(tags, aliases)
    return MentionIndex(tags, aliases)


def _people_index(tags, aliases):
    """Add every person, with their aliases, to `tags` and `aliases` (MentionIndex's arguments)."""
    rows = Person.objects.order_by().values_list("pk", "name", "aliases").iterator(chunk_size=5000)
    for pk, name, other_names in rows:
        mention = Mention("person", pk, name)
        tags.append(mention)
        aliases.extend((alias, mention) for alias in alias_list(other_names))


def _index():
    # One query per kind, names only: thousands of rows cost milliseconds.
    tags, aliases = [], []
    _people_index(tags, aliases)
    tags += (Mention("topic", pk, name)
             for pk, name in Topic.objects.order_by().values_list("pk", "name").iterator(chunk_size=5000))
    return MentionIndex(tags, aliases)


def mentioned_in(text, *, limit=20):
    """The known people and topics whose names (or a person's aliases) `text` mentions as
    whole words, in any case, in order of first mention: a list of `Mention`s."""
    if not text or not text.strip() or limit <= 0:
        return []
    return _index().find(text, limit)


# A story names few people: more than this many are not linked (a list of names, say).
NAMED_PEOPLE = 20


def people_named_in(text, *, limit=NAMED_PEOPLE):
    """The ids of the known people `text` names by their name or an alias, in order."""
    if not text or not text.strip():
        return []
    return [mention.id for mention in people_index().find(text, limit)]


# "By Jane Doe, John Roe and Ann Poe / Reuters": the names in a byline.
_BYLINE_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)
_BYLINE_SEPARATOR = re.compile(r"\s*(?:,|;|&|/|\band\b)\s*", re.IGNORECASE)


def byline_names(byline):
    """The names a byline gives, each once, in order: "By Jane Doe and John Roe" gives two."""
    names = (" ".join(name.split()) for name in _BYLINE_SEPARATOR.split(_BYLINE_BY.sub("", byline or "")))
    return list(dict.fromkeys(name for name in names if name))


# Lower-case words that may stand inside a name: "Ursula von der Leyen".
NAME_PARTICLES = {"al", "bin", "da", "de", "del", "della", "der", "di", "du", "ibn", "la", "le", "van", "von", "y"}


def looks_like_a_name(text):
    """Two to four words, capitalised (particles such as "von" aside): a person, not a topic."""
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    if any(not any(c.isalpha() for c in word) for word in words):
        return False
    capitalised = [word[:1].isupper() for word in words]
    inner = words[1:-1]
    return capitalised[0] and capitalised[-1] and all(
        word[:1].isupper() or word.lower() in NAME_PARTICLES for word in inner
    )
