"""Saving imported stories: one shape for every source format, one place that writes.

Parsers (text.py, ninjs.py) turn a file into `StoryData`; `import_items` saves
them in one transaction, so a file imports whole or not at all. A file costs a
fixed handful of queries whatever it holds: one finds its stories already saved
and the slugs already taken, one insert writes its new stories and one per table
their people and topic links (on PostgreSQL, one statement writes all three). People,
topics and sections are read once per import run (`TagCache`), so a known name costs
nothing; a file's new ones cost one query for all and an insert per model (on
PostgreSQL, one statement). A story that changes is updated on its own, through the ORM; new ones are
written as plain rows, since building model instances and SQL through the ORM would
cost more than storing them.

On PostgreSQL, a file of new stories whose tags the run knows (most files of a wire
run) needs no transaction around it: the one statement that writes it is a
transaction by itself, so it costs one round trip, or two with a lookup first
(`_import_at_once`). Anything else goes the usual way.

Every story a file creates or changes that readers see (or saw) is recorded as a live
event (newsdesk.live.events) in the transaction that writes it, with the surrogate keys of
the pages that show it: the one-statement write records them itself. A run's files are
saved several to a transaction (`import_batch`, grouped by reader.save_files), with one
record of their events.
"""

import functools
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from itertools import chain

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import Subquery, Value
from django.utils import timezone

from newsdesk.live import events
from newsdesk.live.models import Event
from newsdesk.people.models import Person, SlugRedirect, Topic
from newsdesk.people.services import looks_like_a_name
from newsdesk.slugs import SlugPicker, slug_candidates, slugify
from newsdesk.river import services as river
from newsdesk.stories import body
from newsdesk.stories import services as stories
from newsdesk.stories.models import Section, Story, story_url

# New tag names asked about in one query (with their candidate slugs: 5 parameters a name).
LOOKUP_CHUNK = 50
# Stories of one file whose guids and slugs are looked up in one query (parameters: 5 a story).
STORY_CHUNK = 500
# Parameters of one statement at most: PostgreSQL takes 65,535 when they are bound on the server.
MAX_PARAMETERS = 65_535


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
    byline: str = ""
    source: str = ""
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

    # Worked out once, perhaps ahead in a parsing process (prepare).
    _fingerprint = _slug_base = _body = None

    def fingerprint(self):
        if self._fingerprint is None:
            # The fields as dataclasses.asdict gives them (same JSON, same hash), without its deep copies.
            data = {name: getattr(self, name) for name in _FIELDS}
            for key in ("published_at", "updated_at", "created_at"):
                data[key] = data[key].isoformat() if data[key] else None
            text = json.dumps(data, sort_keys=True, default=str)
            self._fingerprint = hashlib.sha256(text.encode()).hexdigest()
        return self._fingerprint

    def slug_base(self):
        """The slug Story.save would start from for this story's headline."""
        if self._slug_base is None:
            self._slug_base = slugify(self.headline[:300]) or self.kind
        return self._slug_base

    def clean_body(self):
        if self._body is None:
            self._body = body.clean_html(self.body_html)
        return self._body

    def prepare(self):
        """Work out what saving needs of the story alone, so that parsing processes can do it
        ahead of the one that saves (the fingerprint waits for labels to be told apart)."""
        self.slug_base(), self.clean_body()
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


_FIELDS = tuple(f.name for f in fields(StoryData) if f.name != "labels")


def label_kinds(labels, cache=None):
    """Person or Topic for each label: one already known wins (a person first); else a
    capitalised name of 2-4 words is a person. Known names come from the run's `cache`,
    which reads each model's names once."""
    cache = TagCache() if cache is None else cache
    kinds = {}
    for name in dict.fromkeys(labels):
        if cache.has(Person, name):
            kinds[name] = Person
        elif cache.has(Topic, name):
            kinds[name] = Topic
        else:
            kinds[name] = Person if looks_like_a_name(name) else Topic
    return kinds


def tag_labels(stories, cache):
    """The labels of these stories become people and topics (StoryData.tag_labels)."""
    labelled = [data for data in stories if data.labels]
    if labelled:
        kinds = label_kinds([label for data in labelled for label in data.labels], cache)
        for data in labelled:
            data.tag_labels(kinds)


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


class Skipped(Exception):
    """An item a parser recognises but Newsdesk does not publish (a picture-only item, say)."""

    def __init__(self, kind, reason):
        self.kind, self.reason = kind, reason
        super().__init__(reason)

    def __reduce__(self):
        return type(self), (self.kind, self.reason)


def _clean_name(model, name):
    """A name as `model.named` stores it: single spaces, cut to the field's length."""
    return " ".join((name or "").split())[: _NAME_LENGTH[model]]


_NAME_LENGTH = {model: model._meta.get_field("name").max_length for model in (Person, Topic, Section)}


class TagCache:
    """People, topics and sections by name, for one import run: name (any case) -> id.

    A model's names are read whole at its first use, in one query, with the names
    people and topics had before a rename or merge (they lead to the tag they became,
    as `named` does; a live name wins). A name not known then is asked of the database
    again when a file needs it, since another process may have made it meanwhile, and
    made if still missing. Names made inside a file's transaction are kept only once
    that file commits: a rolled-back file must not leave the next one pointing at rows
    that are gone.
    """

    def __init__(self):
        self.known, self.pending = {}, {}  # model -> {lower-case name: id}
        self._cut = self  # not read yet

    def river_cut(self):
        """The river's cut (river.cut) as the run first read it: stories published since only
        move it later, so an older one makes more stories count as in a river, never fewer
        (their events purge a few more pages than needed, never too few)."""
        if self._cut is self:
            self._cut = river.cut()
        return self._cut

    def _names(self, model):
        names = self.known.get(model)
        if names is None:
            names = self.known[model] = _read_names(model)
            self.pending[model] = {}
        return names

    def id(self, model, name):
        """The id of the `model` tag of this name, or None if there is none (yet)."""
        key = _clean_name(model, name).lower()
        return self._names(model).get(key) or self.pending[model].get(key)

    def has(self, model, name):
        return self.id(model, name) is not None

    def ids(self, model, names):
        """The ids of `names` (resolved before), each tag once, in the order given."""
        return list(dict.fromkeys(i for i in (self.id(model, name) for name in names if name) if i is not None))

    def resolve(self, names_by_model):
        """Make sure every name has an id ({model: names}). Those not known are made, after
        indexed queries for tags of those names made since the run read them and for the
        slugs the new ones would take (a name in another case has the same slug, so it is
        found too), asked together in one query (a few for very many names); then one
        insert a model, and on PostgreSQL one statement for them all."""
        asked = []  # (model, {lower-case name: name}, {name: slug base})
        for model, names in names_by_model.items():
            wanted = {}
            for name in names:
                clean = _clean_name(model, name)
                if clean and self.id(model, clean) is None:
                    wanted.setdefault(clean.lower(), clean)
            if wanted:
                fallback = getattr(model, "fallback_slug", model._meta.model_name)
                asked.append((model, wanted, {clean: slugify(clean) or fallback for clean in wanted.values()}))
        if not asked:
            return
        taken, probed = {model: set() for model, _, _ in asked}, {model: set() for model, _, _ in asked}
        lookups = []  # (sql, params), each holding the (which, id, name, slug) of one model's tags
        for which, (model, wanted, bases) in enumerate(asked):
            names = list(wanted.values())
            for start in range(0, len(names), LOOKUP_CHUNK):
                chunk = names[start : start + LOOKUP_CHUNK]
                candidates = list({slug for name in chunk for slug in slug_candidates(bases[name])})
                lookups.append((_tag_lookup_sql(model, connection.vendor, which, len(chunk), len(candidates)), chunk + candidates))
                probed[model].update(candidates)
        with connection.cursor() as cursor:
            for group in _groups(lookups):
                cursor.execute(" UNION ALL ".join(sql for sql, _ in group), [value for _, params in group for value in params])
                for which, pk, name, slug in cursor.fetchall():
                    model, wanted, _ = asked[which]
                    taken[model].add(slug)
                    if name.lower() in wanted:
                        self.pending[model].setdefault(name.lower(), pk)
            rows = {}
            for model, wanted, bases in asked:
                picker = SlugPicker(model, taken=taken[model], probed=probed[model])
                missing = [clean for lower, clean in wanted.items() if lower not in self.pending[model]]
                if missing:
                    rows[model] = [{"name": clean, "slug": picker.pick(bases[clean])} for clean in missing]
            for model, made in _make_tags(cursor, rows):
                for name, pk in made:
                    self.pending[model][name.lower()] = pk

    def commit(self):
        for model, names in self.pending.items():
            self.known[model].update(names)
            names.clear()

    def rollback(self):
        for names in self.pending.values():
            names.clear()


@functools.lru_cache(maxsize=256)
def _tag_lookup_sql(model, vendor, which, names, slugs):
    """Tags with one of `names` names or `slugs` slugs (both indexed), as (`which`, id,
    name, slug): `which` tells whose they are when several models are asked at once.
    Plain SQL: the ORM would spend more building it than the database answering it."""
    qn, meta = connection.ops.quote_name, model._meta
    return "SELECT {}, {}, {}, {} FROM {} WHERE {} IN ({}) OR {} IN ({})".format(
        int(which), qn(meta.pk.column), qn("name"), qn("slug"), qn(meta.db_table),
        qn("name"), ", ".join(["%s"] * names), qn("slug"), ", ".join(["%s"] * slugs),
    )


# Parameters of one tag lookup at most: within what every SQLite takes (999).
LOOKUP_PARAMETERS = 999


def _groups(lookups):
    """The lookups in groups asked as one query each (UNION ALL), within LOOKUP_PARAMETERS."""
    group, size = [], 0
    for sql, params in lookups:
        if group and size + len(params) > LOOKUP_PARAMETERS:
            yield group
            group, size = [], 0
        group.append((sql, params))
        size += len(params)
    if group:
        yield group


def _make_tags(cursor, rows):
    """Insert the tags `rows` ({model: rows of name and slug}): [(model, [(name, id)])].
    On PostgreSQL in one statement, a data-modifying WITH; elsewhere one insert a model."""
    models = list(rows)
    values = sum(len(rows[model]) * len(_table(model, cursor.db).fields) for model in models)
    if cursor.db.vendor != "postgresql" or len(models) < 2 or values > MAX_PARAMETERS:
        return [(model, [(row["name"], pk) for row, pk in zip(rows[model], _table(model, cursor.db).insert(cursor, rows[model]))])
                for model in models]
    qn, parts, params = connection.ops.quote_name, [], []
    for which, model in enumerate(models):
        table = _table(model, cursor.db)
        sql = table._shape(tuple(rows[model][0]), len(rows[model]), False)
        parts.append(f"made{which} AS ({sql} RETURNING {qn(model._meta.pk.column)}, {qn('name')})")
        params += chain.from_iterable(table.params(rows[model], cursor.db))
    cursor.execute(
        "WITH " + ", ".join(parts) + " "
        + " UNION ALL ".join(f"SELECT {which}, * FROM made{which}" for which in range(len(models))),
        params,
    )
    made = {model: [] for model in models}
    for which, pk, name in cursor.fetchall():
        made[models[which]].append((name, pk))
    return list(made.items())


def _read_names(model):
    """{lower-case name: id} of every `model` tag, and of the names its tags had before."""
    # One query: (id, name, 0) for the tags, (id, old name, redirect id) for the names they had.
    rows = model.objects.annotate(since=Value(0)).values_list("pk", "name", "since").order_by()
    if model in (Person, Topic):
        field = model._meta.model_name
        old = SlugRedirect.objects.filter(**{f"{field}__isnull": False}).exclude(old_name="").order_by()
        rows = rows.union(old.values_list(field, "old_name", "pk"), all=True)
    live, old = [], []
    for row in rows:
        (old if row[2] else live).append(row)
    names = {}
    # The oldest redirect first, so that a name given up twice leads to the tag that gave it up last;
    # then live names, which win, and of two differing only in case, the first by name.
    for pk, name, _ in sorted(old, key=lambda row: row[2]) + sorted(live, key=lambda row: row[1], reverse=True):
        names[name.lower()] = pk
    return names


class _Table:
    """Plain INSERTs of one model's rows (dicts of attname -> value, the same keys in each
    row of an insert): the SQL that bulk_create writes, made once for each shape of insert,
    and only the columns that need it converted to the database's form. Fields a row leaves
    out take their defaults."""

    # Internal types whose Python values the database adapters take as they are.
    AS_IS = {"CharField", "TextField", "SlugField", "IntegerField", "BigIntegerField", "SmallIntegerField",
             "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField", "BooleanField",
             "AutoField", "BigAutoField"}

    def __init__(self, model):
        meta = model._meta
        self.model, self.pk = model, meta.pk
        self.fields = {f.attname: f for f in meta.concrete_fields if f is not meta.auto_field}
        self.sql, self.layouts = {}, {}

    def _needs_converting(self, field):
        target = field.target_field if field.is_relation else field
        return target.get_internal_type() not in self.AS_IS

    @staticmethod
    def _converter(field):
        """(value, database) -> the value as the database takes it."""
        if field.get_internal_type() == "DateTimeField":
            if connection.vendor == "sqlite" and settings.USE_TZ:
                # What adapt_datetimefield_value gives, without its checks and lookups each time.
                zone = connection.timezone
                return lambda value, db: str(value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value)
            return lambda value, db: db.ops.adapt_datetimefield_value(value)
        return field.get_db_prep_save

    def layout(self, columns):
        """For rows giving `columns`: every field in the order a row's values go (those
        given, then those left to their defaults), the defaults (field, made a statement
        at a time, value), and the positions of the given columns that need converting."""
        if columns not in self.layouts:
            rest = [f for name, f in self.fields.items() if name not in columns]
            convert = [(i, self._converter(self.fields[name])) for i, name in enumerate(columns)
                       if self._needs_converting(self.fields[name])]
            # Defaults that are values are converted once; a callable one (now()) once a statement.
            rest = [(f, f.has_default() and callable(f.default)) for f in rest]
            fixed = [None if per_statement else f.get_db_prep_save(f.get_default(), connection) for f, per_statement in rest]
            self.layouts[columns] = (
                [self.fields[name] for name in columns] + [f for f, _ in rest],
                [(f, per_statement, value) for (f, per_statement), value in zip(rest, fixed)],
                convert,
            )
        return self.layouts[columns]

    def params(self, rows, db):
        """The values of `rows` (all giving the same columns) as one statement binds them:
        a list for each row, every field in `layout` order."""
        _, rest, convert = self.layout(tuple(rows[0]))
        columns = tuple(rows[0])
        tail = [f.get_db_prep_save(f.get_default(), db) if per_statement else value for f, per_statement, value in rest]
        params = []
        for row in rows:
            values = [row[name] for name in columns]
            for i, to_db in convert:
                if values[i] is not None:
                    values[i] = to_db(values[i], db)
            values += tail
            params.append(values)
        return params

    def _shape(self, columns, count, returning):
        """The INSERT of `count` rows giving `columns`."""
        key = (columns, count, returning)
        if key not in self.sql:
            fields = self.layout(columns)[0]
            qn = connection.ops.quote_name
            row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            sql = "INSERT INTO {} ({}) VALUES {}".format(
                qn(self.model._meta.db_table), ", ".join(qn(f.column) for f in fields), ", ".join([row] * count)
            )
            if returning:
                sql += " " + connection.ops.return_insert_columns([self.pk])[0]
            self.sql[key] = sql
        return self.sql[key]

    def insert(self, cursor, rows, *, returning=True):
        """Write `rows`; their new ids, in order, when `returning`."""
        if not rows:
            return []
        db = cursor.db
        columns = tuple(rows[0])
        bulk = db.features.can_return_rows_from_bulk_insert or not returning
        size = 1
        if bulk and len(rows) > 1:
            size = max(db.ops.bulk_batch_size(list(self.fields.values()), rows), 1)  # every field is inserted
            size = min(size, MAX_PARAMETERS // len(self.fields))
        ids = []
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            sql = self._shape(columns, len(batch), returning and bulk)
            cursor.execute(sql, list(chain.from_iterable(self.params(batch, db))))
            if returning and bulk:
                ids += [pk for (pk,) in cursor.fetchall()]
            elif returning:
                ids.append(db.ops.last_insert_id(cursor, self.model._meta.db_table, self.pk.column))
        return ids


class _Direct:
    """The driver's own cursor, for the few statements a file runs thousands of times
    (_rows_cursor): Django's cursor wrapper around them (on SQLite, rewriting every
    placeholder) costs more than SQLite takes to run them. Errors still come out as
    django.db's, and `db` is the connection, as on Django's cursors."""

    def __init__(self, db, cursor, placeholders=None):
        # `placeholders`: SQL written with %s, as the driver's cursor takes it (_qmark, _dollars).
        self.db, self.cursor, self.placeholders = db, cursor, placeholders

    def execute(self, sql, params=()):
        with self.db.wrap_database_errors:
            return self.cursor.execute(self.placeholders(sql) if self.placeholders else sql, params)

    def fetchall(self):
        with self.db.wrap_database_errors:
            return self.cursor.fetchall()

    @property
    def lastrowid(self):
        return self.cursor.lastrowid

    def close(self):
        self.cursor.close()


@functools.lru_cache(maxsize=1024)
def _qmark(sql):
    """SQL written with %s as sqlite3 takes it. (Only SQL made in this module comes here:
    it holds no literal %.)"""
    return sql.replace("%s", "?")


@functools.lru_cache(maxsize=1024)
def _dollars(sql):
    """SQL written with %s as PostgreSQL numbers its parameters ($1, $2 ...), for psycopg's
    raw cursor: its own cursor finds the %s of every statement again each time it runs
    one with more than 50 parameters, which a file's insert of a few stories has."""
    parts = sql.split("%s")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


try:
    import psycopg

    class _Preparing(psycopg.RawCursor):
        """A cursor that binds on the server and prepares its INSERTs and one-statement
        writes (_at_once_sql, which read no table), for _rows_cursor; its SQL numbers its
        parameters (_dollars). A SELECT is planned with its values each time: a plan made
        once, while the table was small, would scan it whole for ever after."""

        def execute(self, query, params=None, **options):
            return super().execute(query, params, prepare=query.startswith(("INSERT", "WITH v ")))
except ImportError:  # psycopg is only needed for PostgreSQL
    psycopg = None


_TABLES = {}


def _table(model, db):
    """The _Table of `model` for the database `db`'s kind, made once."""
    key = (db.vendor, model)
    if key not in _TABLES:
        _TABLES[key] = _Table(model)
    return _TABLES[key]


def _values(data, cache, fingerprint, story=None):
    """A story's fields (attnames) from `data`: new, or changing the saved `story`."""
    now = timezone.now()
    return {
        "kind": data.kind,
        "headline": data.headline[:300],
        "standfirst": data.standfirst,
        "body": data.clean_body(),
        "byline": data.byline[:300],
        "source": data.source[:200],
        "section_id": cache.id(Section, data.section) if data.section.strip() else None,
        "language": data.language[:35],
        "urgency": data.urgency,
        "status": data.status,
        # No time given: now for a new story, and a saved one keeps its own.
        "published_at": data.published_at or (story and story.published_at) or now,
        "created_at": data.created_at or data.published_at or now,
        "updated_at": data.updated_at if story is None else (data.updated_at or now),
        "modified_at": now,
        "version": data.version[:50],
        "pictures": data.pictures,
        "fingerprint": fingerprint,
    }


# What the lookup of a file's stories reads: enough to tell an unchanged story and to
# report it (its other fields load if asked for); a story that changes is read whole.
# (In the model's order of fields, as Model.from_db takes them.)
_LOOKUP_FIELDS = [f.attname for f in Story._meta.concrete_fields if f.attname in {"id", "guid", "slug", "kind", "fingerprint"}]
_ID, _GUID, _SLUG, _KIND, _PRINT = (_LOOKUP_FIELDS.index(name) for name in ("id", "guid", "slug", "kind", "fingerprint"))


def _stories_by_guid_or_slug(cursor, guids, slugs):
    """Rows (_LOOKUP_FIELDS) of the stories with one of these guids or slugs: both indexed.
    Plain SQL: the ORM would spend more building this query than the database answering it."""
    cursor.execute(_lookup_sql(cursor.db.vendor, len(guids), len(slugs)), [*guids, *slugs])
    return cursor.fetchall()


@functools.lru_cache(maxsize=256)
def _lookup_sql(vendor, guids, slugs):
    qn = connection.ops.quote_name
    return "SELECT {} FROM {} WHERE {} IN ({}) OR {} IN ({})".format(
        ", ".join(qn(Story._meta.get_field(name).column) for name in _LOOKUP_FIELDS),
        qn(Story._meta.db_table),
        qn(Story._meta.get_field("guid").column), ", ".join(["%s"] * guids),
        qn(Story._meta.get_field("slug").column), ", ".join(["%s"] * slugs),
    )


class _FileWriter:
    """The saving of one file's stories, inside its transaction.

    New stories wait in `new` as rows and are written together by `flush`: at the
    end, or before something needs them in the database (a later item of the same
    guid). `saved` holds, for each guid of the file already saved or waiting, its
    fingerprint and the outcome a later unchanged item of that guid reports. `events`
    holds, for each story written that readers see or saw, the keys of the pages that
    show it, for the transaction's record (event_rows).
    """

    def __init__(self, stories, cache, cursor, *, look_up=True):
        self.cache, self.cursor, self.new, self.links, self.saved = cache, cursor, [], [], {}
        self.events = {}  # story id -> surrogate keys
        self.bases = {data.guid: data.slug_base() for data in stories}
        guids, taken, probed = list(self.bases), set(), set()
        if not look_up:  # written as if new, each story on its base slug (write_at_once with `guard`)
            probed = {slug for base in self.bases.values() for slug in slug_candidates(base)}
            guids = []
        for start in range(0, len(guids), STORY_CHUNK):
            chunk = guids[start : start + STORY_CHUNK]
            candidates = list(dict.fromkeys(slug for guid in chunk for slug in slug_candidates(self.bases[guid])))
            for row in _stories_by_guid_or_slug(cursor, chunk, candidates):
                if row[_GUID] in self.bases:
                    outcome = Outcome(row[_KIND], "unchanged", pk=row[_ID], slug=row[_SLUG],
                                      make=functools.partial(Story.from_db, connection.alias, _LOOKUP_FIELDS, row))
                    self.saved[row[_GUID]] = (row[_PRINT], outcome)
                taken.add(row[_SLUG])
            probed.update(candidates)
        self.slugs = SlugPicker(Story, taken=taken, probed=probed)

    def written(self, stories):
        """The stories that will be written: not unchanged from what is saved or came before."""
        written, state = [], {guid: fingerprint for guid, (fingerprint, _) in self.saved.items()}
        for data in stories:
            if state.get(data.guid) != data.fingerprint():
                written.append(data)
            state[data.guid] = data.fingerprint()
        return written

    def save(self, data):
        fingerprint = data.fingerprint()
        if data.guid in self.saved:  # saved before, or earlier in this file
            if self.saved[data.guid][1].pk is None:
                self.flush()
            earlier, first = self.saved[data.guid]
            if earlier == fingerprint:
                return Outcome(first.kind, "unchanged", pk=first.pk, slug=first.slug, make=lambda: first.story)
            outcome = self._update(data, fingerprint, first.pk)
        else:
            values = _values(data, self.cache, fingerprint)
            values.update(guid=data.guid, slug=self.slugs.pick(self.bases[data.guid]))
            outcome = Outcome(data.kind, "created", slug=values["slug"])
            outcome._make = lambda: Story(id=outcome.pk, **values)
            self.new.append((values, self.cache.ids(Person, data.people), self.cache.ids(Topic, data.topics), outcome))
            if data.link_guid:
                self.links.append((outcome, data.link_guid))
        self.saved[data.guid] = (fingerprint, outcome)
        return outcome

    def _update(self, data, fingerprint, pk):
        # The pages that showed it before (its old tags too) and those that show it now.
        before = stories.public_keys(pk, self.cache.river_cut())
        story = Story.objects.get(pk=pk)
        for name, value in _values(data, self.cache, fingerprint, story).items():
            setattr(story, name, value)
        if data.link_guid:
            story.link = Story.objects.filter(guid=data.link_guid).first()
        story.save()
        story.people.set(self.cache.ids(Person, data.people))
        story.topics.set(self.cache.ids(Topic, data.topics))
        self._event(pk, before | stories.public_keys(pk, self.cache.river_cut()))
        return Outcome(story.kind, "updated", pk=story.pk, slug=story.slug, story=story)

    def _event(self, pk, keys):
        if keys:
            self.events.setdefault(pk, set()).update(keys)

    def event_rows(self):
        """The live events of the stories written, one a story: rows for events.record_many."""
        return [(Event.Kind.STORY, pk, None, keys) for pk, keys in self.events.items()]

    def flush(self):
        # On PostgreSQL, the new stories and their links in one statement (their guids were looked up).
        if self.new and self.cursor.db.vendor == "postgresql" and len(self.new) <= AT_ONCE_STORIES:
            self.write_at_once()
        if self.new:
            people, topics = [], []
            ids = _table(Story, self.cursor.db).insert(self.cursor, [values for values, _, _, _ in self.new])
            for pk, (values, person_ids, topic_ids, outcome) in zip(ids, self.new):
                outcome.pk = pk
                people += [{"story_id": pk, "person_id": tag} for tag in person_ids]
                topics += [{"story_id": pk, "topic_id": tag} for tag in topic_ids]
                shown = _new_keys(values, person_ids, topic_ids, self.cache)
                if shown is not None:
                    self._event(pk, shown | {events.story_key(pk)})
            _table(Story.people.through, self.cursor.db).insert(self.cursor, people, returning=False)
            _table(Story.topics.through, self.cursor.db).insert(self.cursor, topics, returning=False)
            self.new = []
        # A link by guid, once the story it leads to may be written too (it may come later in the file).
        for outcome, guid in self.links:
            Story.objects.filter(pk=outcome.pk).update(link=Subquery(Story.objects.filter(guid=guid).values("pk")[:1]))
        self.links = []

    def write_at_once(self, *, guard=False, record=False, files=None):
        """Write the waiting new stories and their links in one statement (_at_once_sql),
        on PostgreSQL: a statement is a transaction of its own, so, outside a transaction,
        this is the file's one transaction in one round trip. With `guard`, nothing is
        written if a story's guid or slug is taken. With `record`, the statement records
        the stories' live events too, as events.record_many would (for a statement that is
        its own transaction); else they wait in `events`. With `files` (the number of each
        story's file, `joined`), no file is written of which a guid or slug is taken.
        Whether they were all written."""
        rows = [values for values, _, _, _ in self.new]
        table = _table(Story, self.cursor.db)
        shown = [_new_keys(values, person_ids, topic_ids, self.cache) for values, person_ids, topic_ids, _ in self.new]
        params = []
        for n, (values, (_, person_ids, topic_ids, _), keys) in enumerate(zip(table.params(rows, self.cursor.db), self.new, shown)):
            params += values
            params += (person_ids, topic_ids)
            if record:
                params += _around_story_key(keys)
            if files is not None:
                params.append(files[n])
        self.cursor.execute(_at_once_sql(tuple(rows[0]), len(rows), guard, record, files is not None), params)
        ids = dict((guid, pk) for pk, guid in self.cursor.fetchall())
        recorded = set()
        for (values, _, _, outcome), keys in zip(self.new, shown):
            if values["guid"] not in ids:  # taken, and guarded: not written
                continue
            outcome.pk = ids[values["guid"]]
            if keys is not None:
                keys.add(events.story_key(outcome.pk))
                if record:
                    recorded |= keys
                else:
                    self._event(outcome.pk, keys)
        if recorded:
            events.written(recorded)
        if len(ids) < len(rows):
            return False
        self.new = []
        return True

    @classmethod
    def joined(cls, writers):
        """One writer of the waiting new stories of several, to write them in one statement
        (write_at_once): their outcomes are numbered as it writes them."""
        joined = cls([], writers[0].cache, writers[0].cursor, look_up=False)
        joined.new = [entry for writer in writers for entry in writer.new]
        return joined


def _new_keys(values, person_ids, topic_ids, cache):
    """The surrogate keys of the pages that show a new story (`values` as written), but
    for its own page's (its id may not be known yet); None while readers cannot see it."""
    published = values["published_at"]
    if values["status"] != Story.Status.PUBLISHED or published is None or published > timezone.now():
        return None
    keys = {events.ARCHIVE} | events.tag_keys(section_ids=[values["section_id"]], person_ids=person_ids, topic_ids=topic_ids)
    if river.shows(published, cache.river_cut()):
        keys.add(events.RIVER)
    return keys


def _around_story_key(keys):
    """A story's keys but its own, as the two parts that sort before and after its own key
    (`story:<id>`), for _at_once_sql to record them in the order record_many gives them;
    (None, None) for a story not shown."""
    if keys is None:
        return None, None
    return " ".join(sorted(k for k in keys if k < "story:")), " ".join(sorted(k for k in keys if k > "story:"))


# Files of at most this many stories may be written in one statement (_import_at_once).
AT_ONCE_STORIES = 50


@functools.lru_cache(maxsize=512)
def _at_once_sql(columns, count, guard, record=False, whole_files=False):
    """One PostgreSQL statement writing `count` new stories (their values giving `columns`,
    then their people's and topics' ids as two arrays) and their links, and giving each
    story's (id, guid). The values are cast where they are given, so that every row has
    the column's type; a story's links are found by its guid, unique in the file. With
    `guard`, ON CONFLICT DO NOTHING: a story whose guid or slug is taken is not written,
    nor its links (meant for a file of one story, so that the statement writes all or
    nothing).

    With `record`, each row gives two more values, the keys of a story shown around its
    own (_around_story_key; NULL for a story not shown), and the statement records the
    live event of each shown story as events.record_many does: it takes ORDER_LOCK
    before the insert takes its ids (the lock's CTE is materialized, a volatile call, and
    each event row joins it, so no event row, nor its id, is made before the lock is
    held), and holds it to the commit, the statement's own.

    With `whole_files`, each row gives one more value, the number of its file, and no file
    is written of which a story's guid or slug is taken (import_batch, in its transaction:
    the stories of several files, each file written whole or not at all)."""
    qn = connection.ops.quote_name
    fields = _table(Story, connection).layout(columns)[0]
    names = ", ".join(qn(f.column) for f in fields)
    extra = (", %s::text, %s::text" if record else "") + (", %s::integer" if whole_files else "")
    row = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in fields) + f", %s::bigint[], %s::bigint[]{extra})"
    pk, guid = qn(Story._meta.pk.column), qn(Story._meta.get_field("guid").column)
    links = []
    for name, relation in (("people", Story.people), ("topics", Story.topics)):
        through = relation.through._meta
        links.append(
            f"{name}_written AS (INSERT INTO {qn(through.db_table)} "
            f"({qn(relation.field.m2m_column_name())}, {qn(relation.field.m2m_reverse_name())}) "
            f"SELECT s.{pk}, unnest(v._{name}) FROM s JOIN v ON v.{guid} = s.{guid})"
        )
    if record:
        event = Event._meta
        columns = ", ".join(qn(event.get_field(name).column) for name in ("kind", "story_id", "keys", "created_at"))
        links += [
            f"lock AS MATERIALIZED (SELECT pg_advisory_xact_lock({int(events.ORDER_LOCK)}))",
            f"recorded AS (INSERT INTO {qn(event.db_table)} ({columns}) "
            f"SELECT '{Event.Kind.STORY.value}', s.{pk}, concat_ws(' ', NULLIF(v._before, ''), 'story:' || s.{pk}, "
            f"NULLIF(v._after, '')), statement_timestamp() FROM s JOIN v ON v.{guid} = s.{guid} CROSS JOIN lock "
            f"WHERE v._before IS NOT NULL)",
        ]
    table, slug = qn(Story._meta.db_table), qn(Story._meta.get_field("slug").column)
    only = (
        f" WHERE v._file NOT IN (SELECT w._file FROM v w WHERE EXISTS (SELECT FROM {table} t WHERE t.{guid} = w.{guid})"
        f" OR EXISTS (SELECT FROM {table} t WHERE t.{slug} = w.{slug}))"
    ) if whole_files else ""
    return (
        f"WITH v ({names}, _people, _topics{', _before, _after' if record else ''}{', _file' if whole_files else ''}) "
        f"AS (VALUES {', '.join([row] * count)}), "
        f"s AS (INSERT INTO {table} ({names}) SELECT {names} FROM v{only}"
        f"{' ON CONFLICT DO NOTHING' if guard else ''} RETURNING {pk}, {guid}), "
        + ", ".join(links)
        + f" SELECT s.{pk}, s.{guid} FROM s"
    )


def _tags_known(stories, cache):
    """Whether the run knows every section, person and topic these stories name."""
    return all(
        (not data.section.strip() or cache.has(Section, data.section))
        and all(cache.has(Person, name) for name in data.people)
        and all(cache.has(Topic, name) for name in data.topics)
        for data in stories
    )


def _import_at_once(items, stories, cache, batch_events=None):
    """The outcomes of a file saved in one statement, or None where it cannot be.

    On PostgreSQL, outside a transaction, a file whose stories are all new and whose tags
    the run knows is written by one statement (write_at_once), atomic by itself, with no
    transaction around it, and recording the stories' live events itself: one round trip
    for a file of one story (guarded: a taken guid or slug writes nothing), two for more
    (a lookup of their guids and slugs first). Anything else (a story saved before, a new
    tag, a link by guid, a statement that fails) goes the usual way, in a transaction,
    which looks again and says why.

    In a batch's transaction (`batch_events`, import_batch), the same statement without
    the events, which join `batch_events`; a statement that fails there spoils the batch's
    transaction, so its error is the batch's."""
    db = connections[DEFAULT_DB_ALIAS]
    in_batch = batch_events is not None
    if (
        db.vendor != "postgresql"
        or not stories
        or len(stories) > AT_ONCE_STORIES
        # Inside a caller's transaction, a savepoint keeps a failing file from spoiling it: the usual way.
        or (not in_batch and not db.get_autocommit())
        or any(data.link_guid for data in stories)
        or len({data.guid for data in stories}) < len(stories)
        or not _tags_known(stories, cache)
    ):
        return None
    single = len(stories) == 1
    try:
        with _rows_cursor() as cursor:
            writer = _FileWriter(stories, cache, cursor, look_up=not single)
            if writer.saved:
                return None
            outcomes = [
                Outcome(item.kind, "skipped", reason=item.reason) if isinstance(item, Skipped) else writer.save(item)
                for item in items
            ]
            if not writer.write_at_once(guard=single, record=not in_batch):
                return None
    except DatabaseError:  # written meanwhile, say: nothing was, and the usual way tells
        if in_batch:
            raise
        return None
    if in_batch:
        batch_events += writer.event_rows()
    return outcomes


@contextmanager
def _rows_cursor():
    """The cursor a file's stories are looked up and written with: the driver's own
    (_Direct). On PostgreSQL its statements are bound on the server and its inserts
    prepared: an import runs the same few thousands of times, and the server then
    parses each once, not once a file. Where queries are logged, Django's own cursor is
    used instead, so that the log shows these as usual."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each `connection.` costs a lookup
    if db.queries_logged:
        with db.cursor() as cursor:
            yield cursor
        return
    db.ensure_connection()
    raw = db.connection
    # DISABLE_SERVER_SIDE_CURSORS is what a connection pooler in transaction mode asks for:
    # it may not keep a prepared statement for the connection that made it.
    preparing = db.vendor == "postgresql" and psycopg is not None
    if preparing and not db.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        threshold, raw.prepare_threshold = raw.prepare_threshold, 0
        cursor = _Direct(db, _Preparing(raw), _dollars)
    else:
        threshold = None
        # sqlite3's plain cursor: Django's own rewrites every statement's placeholders.
        cursor = _Direct(db, raw.cursor(), _qmark) if db.vendor == "sqlite" else _Direct(db, db.create_cursor())
    try:
        yield cursor
    finally:
        cursor.close()
        if threshold is not None:
            raw.prepare_threshold = threshold


# Pages written to SQLite's write-ahead log between checkpoints while a run imports
# (SQLite's default is 1,000, about 4 MB).
RUN_CHECKPOINT_PAGES = 10_000


@contextmanager
def import_run():
    """Around a run of many files. On SQLite, the write-ahead log is copied back to the
    database (and synced) every 10,000 pages instead of every 1,000: the files of a run
    change the same index pages over and over, and a checkpoint copies each page once
    however often it changed, so fewer of them copy and sync far less. The log is
    checkpointed at the end, and the usual interval restored."""
    db = connections[DEFAULT_DB_ALIAS]
    usual = None
    if db.vendor == "sqlite":
        with db.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            (usual,) = cursor.fetchone()
    # Left as it is when off (0 or less: someone else checkpoints) or already as long.
    if usual is None or not 0 < usual < RUN_CHECKPOINT_PAGES:
        yield
        return
    with db.cursor() as cursor:
        cursor.execute(f"PRAGMA wal_autocheckpoint = {RUN_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(usual)}")
            if not db.in_atomic_block:  # no checkpoint inside its own connection's transaction
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def import_items(items, *, dry_run=False, cache=None, batch_events=None):
    """Save parsed items (StoryData or Skipped) in one transaction: all or nothing. The
    live events of the stories written are recorded in it.

    With `batch_events` (a list, import_batch), in the caller's transaction, which
    the file's outcome is as good as: no savepoint of its own, its events added to
    `batch_events` for the caller to record, and the names it made left pending in the
    run's cache until the caller commits."""
    cache = TagCache() if cache is None else cache
    in_batch = batch_events is not None
    stories = [item for item in items if isinstance(item, StoryData)]
    tag_labels(stories, cache)
    if not dry_run:
        at_once = _import_at_once(items, stories, cache, batch_events)
        if at_once is not None:
            return at_once
    if in_batch:
        with transaction.atomic(savepoint=False), _rows_cursor() as cursor:
            return _save_items(items, stories, cache, cursor, batch_events)
    try:
        with transaction.atomic(), _rows_cursor() as cursor:
            rows = []
            outcomes = _save_items(items, stories, cache, cursor, rows)
            if dry_run:
                transaction.set_rollback(True)
            else:
                events.record_many(rows)
    except BaseException:
        cache.rollback()
        raise
    cache.rollback() if dry_run else cache.commit()
    return outcomes


def _save_items(items, stories, cache, cursor, event_rows):
    """import_items' usual way, in the transaction: the outcomes; the live events of the
    stories written are added to `event_rows`."""
    outcomes, writer = [], None
    if stories:
        writer = _FileWriter(stories, cache, cursor)
        written = writer.written(stories)
        # The tags of the stories to be written, found and made for all models at once.
        cache.resolve({
            Section: [data.section for data in written],
            Person: [name for data in written for name in data.people],
            Topic: [name for data in written for name in data.topics],
        })
    for item in items:
        outcomes.append(Outcome(item.kind, "skipped", reason=item.reason) if isinstance(item, Skipped) else writer.save(item))
    if writer is not None:
        writer.flush()
        event_rows += writer.event_rows()
    return outcomes


def import_batch(files, *, cache=None):
    """Save several files' items (a list of items for each) in one transaction: a list of
    outcomes for each file. Their live events are recorded once, at the end, so that the
    lock that keeps event ids in commit order is held only from there to the commit.

    All or nothing, for all the files: any error (from a file's statements, or its
    foreign keys checked at the commit) rolls every one of them back and is raised; the
    caller then saves them one by one (reader.save_files), each all or nothing."""
    cache = TagCache() if cache is None else cache
    rows, results, group = [], [None] * len(files), []
    joining = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    try:
        with transaction.atomic(), _rows_cursor() as cursor:
            for index, items in enumerate(files):
                member = _new_whole(items, cache, cursor) if joining else None
                if group and (member is None or _clash(member[0], group)):
                    _write_group(group, cache, rows, results)
                    group = []
                if member is not None:
                    group.append((index, items, *member))
                else:
                    results[index] = import_items(items, cache=cache, batch_events=rows)
            if group:
                _write_group(group, cache, rows, results)
            events.record_many(_merged(rows))
    except BaseException:
        cache.rollback()
        raise
    cache.commit()
    return results


def _new_whole(items, cache, cursor):
    """For a file of a few stories (AT_ONCE_STORIES), none linked by guid, each guid once,
    whose tags the run knows: its writer, its stories waiting in it as new (each on its
    base slug, numbered within the file), and the file's outcomes, as `joined` writes
    them; else None."""
    stories = [item for item in items if isinstance(item, StoryData)]
    if not 0 < len(stories) <= AT_ONCE_STORIES or len({data.guid for data in stories}) < len(stories):
        return None
    tag_labels(stories, cache)
    if any(data.link_guid for data in stories) or not _tags_known(stories, cache):
        return None
    writer = _FileWriter(stories, cache, cursor, look_up=False)
    outcomes = [Outcome(item.kind, "skipped", reason=item.reason) if isinstance(item, Skipped) else writer.save(item)
                for item in items]
    return writer, outcomes


def _clash(writer, group):
    """Whether `group` is full, or a story waiting in `writer` has the guid or the slug of
    one in `group`: the statement that writes them together could not tell which came first."""
    if sum(len(other.new) for _, _, other, _ in group) + len(writer.new) > GROUP_STORIES:
        return True
    mine = {key for values, _, _, _ in writer.new for key in (values["guid"], "/" + values["slug"])}
    return any(key in mine for _, _, other, _ in group for values, _, _, _ in other.new
               for key in (values["guid"], "/" + values["slug"]))


# Stories of a batch's files written by one statement at most (_write_group).
GROUP_STORIES = 200


def _write_group(group, cache, rows, results):
    """On PostgreSQL, in a batch: the new stories of files (`group`, in order) written by
    one statement, each file whole with its links, or not at all where a guid or a slug
    of it is taken: such a file goes the usual way after them, which tells unchanged from
    updated and numbers the slugs."""
    joined = _FileWriter.joined([writer for _, _, writer, _ in group])
    joined.write_at_once(files=[n for n, (_, _, writer, _) in enumerate(group) for _ in writer.new])
    rows += joined.event_rows()
    for index, items, writer, outcomes in group:
        if writer.new[0][3].pk is not None:
            results[index] = outcomes
        else:
            stories = [item for item in items if isinstance(item, StoryData)]
            with transaction.atomic(savepoint=False), _rows_cursor() as cursor:
                results[index] = _save_items(items, stories, cache, cursor, rows)


def _merged(rows):
    """Event rows with one row a story: a story written by two files of a batch is recorded once."""
    keys = {}
    for kind, pk, comment_id, row_keys in rows:
        keys.setdefault((kind, pk, comment_id), set()).update(row_keys)
    return [(kind, pk, comment_id, row_keys) for (kind, pk, comment_id), row_keys in keys.items()]


def save_story(data, cache=None):
    """Create or update the story `data` describes; an unchanged one is not written."""
    return import_items([data], cache=cache)[0]
