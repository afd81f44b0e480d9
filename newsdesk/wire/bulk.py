"""New items written together (ingest.take_files): for a batch of them, one lookup of
what the queue already holds, one insert each for the items, their versions and their
bands, one update of those that join a group, the routing rules read once and one
record of their events; where one item at a time (ingest.store) costs all of these and
a savepoint for each."""

from django.db import connection
from django.utils import timezone

from .ingest import Result
from .models import WireItem, WireVersion, expiry

LOOKUP_CHUNK = 400  # guids and itemids looked up in one query


def possible():
    """Whether the database gives the ids of rows inserted together (PostgreSQL; SQLite 3.35
    and later), which the versions and bands of new items need."""
    return connection.features.can_return_rows_from_bulk_insert


def in_queue(items):
    """Which of the items' guids and AP itemids the queue holds already, as ingest._ids spells
    them: one statement (two arrays on PostgreSQL; on SQLite, as many values as it binds)."""
    from newsdesk.imports.sql import _parameters, _rows_cursor

    from .ingest import _ids

    wanted = set().union(*(_ids(data) for data in items)) if items else set()
    if not wanted:
        return set()
    guids = sorted(value for kind, value in wanted if kind == "guid")
    itemids = sorted(value for kind, value in wanted if kind == "itemid")
    qn = connection.ops.quote_name
    select = f"SELECT {qn('guid')}, {qn('alt_id')} FROM {qn(WireItem._meta.db_table)} WHERE "
    found = set()
    with _rows_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(select + f"{qn('guid')} = ANY(%s::text[]) OR {qn('alt_id')} = ANY(%s::text[])",
                           [guids, itemids])
            rows = cursor.fetchall()
        else:
            rows, chunk = [], max(_parameters(cursor.db) // 2, LOOKUP_CHUNK)
            for start in range(0, max(len(guids), len(itemids)), chunk):
                some_guids, some_itemids = guids[start:start + chunk], itemids[start:start + chunk]
                cursor.execute(select + f"{qn('guid')} IN ({', '.join(['%s'] * len(some_guids)) or 'NULL'}) OR "
                               f"{qn('alt_id')} IN ({', '.join(['%s'] * len(some_itemids)) or 'NULL'})",
                               [*some_guids, *some_itemids])
                rows += cursor.fetchall()
    for guid, alt_id in rows:
        found.add(("guid", guid))
        if alt_id:
            found.add(("itemid", alt_id))
    return found & wanted


def create(entries, *, channel=None):
    """New items, (file, data) for each, none of them in the queue: their Results, in order.
    Each is grouped with the same event from other agencies and the routing rules run over
    it, as ingest.store does for one. Items and versions are written as plain rows, as the
    import writes stories (the ORM would spend more building the statements than the
    database takes to run them)."""
    from newsdesk.imports.sql import _rows_cursor, _table

    from . import grouping, ingest, rules

    if not entries:
        return []
    now = timezone.now()
    expires, channel_id = expiry(now), channel.pk if channel is not None else None
    rows, keys = [], []
    for _, data in entries:
        row = ingest._fields(data)
        words, bands = ingest.words_of(data)
        row.update(guid=data.guid[:500], channel_id=channel_id, received_at=now, updated_at=now, expires_at=expires,
                   terms=words, group_id=None, group_score=None)
        rows.append(row)
        keys.append(bands)
    placing = grouping.Batch(rows, now, keys)  # sets each row's group, where it can be known before the insert
    with _rows_cursor() as cursor:
        ids = _table(WireItem, cursor.db).insert(cursor, rows)
        _table(WireVersion, cursor.db).insert(cursor, [
            {"item_id": pk, "version": row["version"], "status": row["status"], "headline": row["headline"],
             "body_html": row["body_html"], "file": file[:500], "raw": data.raw, "received_at": now}
            for pk, row, (file, data) in zip(ids, rows, entries, strict=True)], returning=False)
    later = placing.written(ids)
    results = [_Created(file, guid=data.guid, version=data.version, headline=data.headline, status=row["status"],
                        action="created", made=(pk, row, later.get(pk)))
               for pk, row, (file, data) in zip(ids, rows, entries, strict=True)]
    routing = rules.enabled(with_tags=True)
    if routing:  # the rules read the items; otherwise each is made when asked for
        rules.apply_many([result.item for result in results], now, rules=routing)
    ingest.announce_many(ids)
    return results


class _Created(Result):
    """A new item's Result whose WireItem is made when first asked for: a run that only
    reports (a folder channel, `wire ingest`) needs none of the model instances."""

    def __init__(self, *args, made, **kwargs):
        self._made = made  # (id, row, group), as _instance takes them
        super().__init__(*args, **kwargs)

    @property
    def item(self):
        if self._item is None and self._made is not None:
            self._item, self._made = _instance(*self._made), None
        return self._item

    @item.setter
    def item(self, value):
        self._item = value


_FIELDS = [field.attname for field in WireItem._meta.concrete_fields]


def _instance(pk, row, group):
    """The WireItem just written as `row` (a model's fast way in: every field, in order)."""
    if group is not None:
        row["group_id"], row["group_score"] = group
    row["id"] = pk
    values = [row[name] if name in row else _default(name) for name in _FIELDS]
    return WireItem.from_db(connection.alias, _FIELDS, values)


def _default(name):
    return WireItem._meta.get_field(name).get_default() if name != "id" else None
