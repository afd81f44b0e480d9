"""Querysets compiled once. For the pages every reader asks for, building and compiling the
ORM's query took longer than the database took to run it (most of an uncached article
page's time), so those queries are compiled once per database connection and each request
binds only its own values: the same SQL, the same model instances as the queryset gives.

A query is described by a function that builds the queryset from its arguments. It is
built once with marker values, and the positions of the markers among the compiled SQL's
parameters are where a request's values go. Anything the markers cannot stand for (a value
the ORM folds into the SQL text, a list whose length changes the SQL) is refused when the
query is compiled, and the query then runs through the ORM as usual."""

import datetime
import itertools
import logging
import weakref

from django.db import connections
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

log = logging.getLogger(__name__)

_markers = itertools.count(1)


class NotPreparable(Exception):
    pass


def _marker(kind):
    n = next(_markers)
    if kind is str:
        return f"\x00prepared-{n}\x00"
    if kind is int:
        return 9_007_199_254_000_000 + n
    if kind is datetime.datetime:
        return datetime.datetime(2999, 12, 31, 23, 59, 59, n % 1_000_000, tzinfo=datetime.timezone.utc)
    raise NotPreparable(f"no marker for {kind.__name__}")


def _adapt(value, connection):
    """A value as the ORM passes it to the database for the fields these queries compare."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class _Compiled:
    def __init__(self, queryset, markers, connection):
        if queryset._iterable_class not in (ModelIterable, ValuesListIterable):
            raise NotPreparable(f"{queryset._iterable_class.__name__} is not supported")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise NotPreparable("prefetching is done after the query, not by it")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        self.sql, self.params, self.slots = sql, list(params), {}
        for name, marker in markers.items():
            adapted = _adapt(marker, connection)
            positions = [i for i, param in enumerate(self.params) if param == adapted]
            if not positions:
                raise NotPreparable(f"the value of {name!r} is not a parameter of the SQL")
            self.slots[name] = positions
        self.compiler, self.db = compiler, queryset.db
        fields = [s[0] for s in compiler.select[0:compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.models = queryset._iterable_class is ModelIterable
        if self.models:
            klass_info, select = compiler.klass_info, compiler.select
            self.model = klass_info["model"]
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.model_slice = slice(start, end)
            self.init_list = [f[0].target.attname for f in select[start:end]]
            self.populators = get_related_populators(klass_info, select, self.db)
            self.annotations = list(compiler.annotation_col_map.items())

    def run(self, connection, values):
        params = list(self.params)
        for name, positions in self.slots.items():
            value = _adapt(values[name], connection)
            for i in positions:
                params[i] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if not self.models:
            return [tuple(row) for row in rows]
        objects = []
        for row in rows:
            obj = self.model.from_db(self.db, self.init_list, row[self.model_slice])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


class PreparedQuery:
    """`build(**values)` returns a queryset of model instances or of `values_list()` rows;
    `types` gives each value's type (str, int or an aware datetime). Calling the prepared
    query with the values returns the list the queryset would."""

    def __init__(self, build, using="default", **types):
        self.build, self.using, self.types = build, using, types
        self._compiled = weakref.WeakKeyDictionary()  # a database connection: its _Compiled or None

    def __call__(self, **values):
        connection = connections[self.using]
        compiled = self._compiled.get(connection, False)
        if compiled is False:
            compiled = self._compile(connection)
        if compiled is None:
            return list(self.build(**values))
        return compiled.run(connection, values)

    def runs_compiled(self):
        """Whether this thread's connection runs the compiled SQL (not the ORM's fallback)."""
        return bool(self._compiled.get(connections[self.using]))

    def _compile(self, connection):
        try:
            markers = {name: _marker(kind) for name, kind in self.types.items()}
            compiled = _Compiled(self.build(**markers).using(self.using), markers, connection)
            # Built again with other markers, only the slots may differ: a value the query
            # uses otherwise (computed from, or folded into the SQL) would be kept as compiled.
            others = {name: _marker(kind) for name, kind in self.types.items()}
            sql, params = self.build(**others).using(self.using).query.get_compiler(connection=connection).as_sql()
            expected = list(compiled.params)
            for name, positions in compiled.slots.items():
                for i in positions:
                    expected[i] = _adapt(others[name], connection)
            if sql != compiled.sql or list(params) != expected:
                raise NotPreparable("a value is used otherwise than as a parameter of the SQL")
        except NotPreparable as why:
            log.warning("%s runs through the ORM: %s", self.build.__qualname__, why)
            compiled = None
        self._compiled[connection] = compiled
        return compiled
