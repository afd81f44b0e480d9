"""The plain SQL an import writes and reads with, and the cursor it runs on.

Inserts of a model's rows as bulk_create would write them (`_Table`), the lookup of a
file's stories by guid and slug, and the one PostgreSQL statement that writes new stories
with their links and live events (`_at_once_sql`); they run on the driver's own cursor
(`_rows_cursor`), with server-side binding and prepared inserts on PostgreSQL. The ORM
would spend more building these statements than the database takes to run them.
"""

import functools
import json
from contextlib import contextmanager
from itertools import chain

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from newsdesk.live import events
from newsdesk.live.models import Event
from newsdesk.search import postgres as search_index
from newsdesk.stories.models import Story, StoryAuthor


# Parameters of one statement at most: PostgreSQL takes 65,535 when they are bound on the server.
MAX_PARAMETERS = 65_535


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
        if field.get_internal_type() == "JSONField":
            # The JSON's text, which both databases take for the column as it is (what
            # get_db_prep_save would give by way of an adapter and its own dumps).
            return _json_text(field.encoder)
        if field.get_internal_type() == "DateTimeField":
            if connection.vendor == "sqlite" and settings.USE_TZ:
                return _sqlite_datetime(connection.timezone)
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
            size = min(max(size, _parameters(db) // len(self.fields)), MAX_PARAMETERS // len(self.fields))
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


def _json_text(encoder):
    """(value, database) -> json.dumps(value, cls=encoder). A list of strings (names, words),
    the commonest value, is written straight by the encoder's own quoting, not through a new
    encoder each time."""
    encode = (encoder or json.JSONEncoder)().encode
    if encoder is not None:
        return lambda value, db: encode(value)
    quote = json.encoder.encode_basestring_ascii

    def to_db(value, db):
        if type(value) is list:
            try:
                return "[" + ", ".join(map(quote, value)) + "]"
            except TypeError:  # not all strings
                pass
        return encode(value)

    return to_db


def _sqlite_datetime(zone):
    """(value, database) -> what adapt_datetimefield_value gives on SQLite, without its checks
    and lookups each time; a row's times are mostly the batch's one moment, worked out once."""
    last = [(None, None)]  # (the value, its text): one tuple, replaced whole

    def to_db(value, db):
        seen, text = last[0]
        if value is not seen:
            text = str(value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value)
            last[0] = (value, text)
        return text

    return to_db


def _parameters(db):
    """The parameters one statement may bind here: Django assumes SQLite's old 999, where the
    SQLite in use (3.32 and later) says what it takes (32,766 by default), so that a batch's
    rows go in one statement, not one for each two dozen."""
    if db.vendor != "sqlite":
        return 0
    import sqlite3

    db.ensure_connection()
    try:
        return db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python before 3.11
        return 0


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


@functools.cache
def _preparing_cursor_class():
    """psycopg's cursor that prepares, made when first needed: psycopg is only there for
    PostgreSQL, and a serving process on SQLite should not carry it (some 20 MB)."""
    import psycopg

    class _Preparing(psycopg.RawCursor):
        """A cursor that binds on the server and prepares its INSERTs and one-statement
        writes (_at_once_sql, which read no table), for _rows_cursor; its SQL numbers its
        parameters (_dollars). A SELECT is planned with its values each time: a plan made
        once, while the table was small, would scan it whole for ever after."""

        def execute(self, query, params=None, **options):
            return super().execute(query, params, prepare=query.startswith(("INSERT", "WITH v ")))

    return _Preparing


_TABLES = {}


def _table(model, db):
    """The _Table of `model` for the database `db`'s kind, made once."""
    key = (db.vendor, model)
    if key not in _TABLES:
        _TABLES[key] = _Table(model)
    return _TABLES[key]


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
    preparing = db.vendor == "postgresql"
    if preparing and not db.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        threshold, raw.prepare_threshold = raw.prepare_threshold, 0
        cursor = _Direct(db, _preparing_cursor_class()(raw), _dollars)
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


def _saved_guids(cursor, guids):
    """Which of `guids` (PostgreSQL: bound as one array) are the guids of stories saved already."""
    qn = connection.ops.quote_name
    guid = qn(Story._meta.get_field("guid").column)
    cursor.execute(f"SELECT {guid} FROM {qn(Story._meta.db_table)} WHERE {guid} = ANY(%s::text[])", [list(guids)])
    return {row[0] for row in cursor.fetchall()}


@functools.lru_cache(maxsize=256)
def _lookup_sql(vendor, guids, slugs):
    qn = connection.ops.quote_name
    return "SELECT {} FROM {} WHERE {} IN ({}) OR {} IN ({})".format(
        ", ".join(qn(Story._meta.get_field(name).column) for name in _LOOKUP_FIELDS),
        qn(Story._meta.db_table),
        qn(Story._meta.get_field("guid").column), ", ".join(["%s"] * guids),
        qn(Story._meta.get_field("slug").column), ", ".join(["%s"] * slugs),
    )


@functools.lru_cache(maxsize=512)
def _at_once_sql(columns, count, guard, record=False, whole_files=False):
    """One PostgreSQL statement writing `count` new stories (their values giving `columns`,
    then their people's, topics' and authors' ids as three arrays) and their links, and giving each
    story's (id, guid), and the search index of those published. The values are cast where they are given, so that every row has
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
    row = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in fields) + f", %s::bigint[], %s::bigint[], %s::bigint[]{extra})"
    pk, guid = qn(Story._meta.pk.column), qn(Story._meta.get_field("guid").column)
    links = []
    for name, relation in (("people", Story.people), ("topics", Story.topics)):
        through = relation.through._meta
        links.append(
            f"{name}_written AS (INSERT INTO {qn(through.db_table)} "
            f"({qn(relation.field.m2m_column_name())}, {qn(relation.field.m2m_reverse_name())}) "
            f"SELECT s.{pk}, unnest(v._{name}) FROM s JOIN v ON v.{guid} = s.{guid})"
        )
    authors = StoryAuthor._meta
    links.append(
        f"authors_written AS (INSERT INTO {qn(authors.db_table)} ({qn('story_id')}, {qn('person_id')}, {qn('position')}) "
        f"SELECT s.{pk}, a.person, a.n - 1 FROM s JOIN v ON v.{guid} = s.{guid} "
        f"CROSS JOIN LATERAL unnest(v._authors) WITH ORDINALITY AS a(person, n))"
    )
    # Their search index, in the same statement (readers find them as soon as they see them).
    column = {name: qn(Story._meta.get_field(name).column) for name in
              ("status", "language", "section", "headline", "standfirst", "body")}
    links.append(f"indexed AS ({search_index.written_sql('s', 'v', people='_people', topics='_topics', **column)})")
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
        f"WITH v ({names}, _people, _topics, _authors{', _before, _after' if record else ''}{', _file' if whole_files else ''}) "
        f"AS (VALUES {', '.join([row] * count)}), "
        f"s AS (INSERT INTO {table} ({names}) SELECT {names} FROM v{only}"
        f"{' ON CONFLICT DO NOTHING' if guard else ''} RETURNING {pk}, {guid}), "
        + ", ".join(links)
        + f" SELECT s.{pk}, s.{guid} FROM s"
    )
