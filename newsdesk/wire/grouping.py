"""The same event from several agencies: items whose words are alike are put in one group,
shown on the desk as one row with their agencies. Everything is computed here, on the words
of the item; nothing is sent anywhere.

How it is measured:

- An item's words are those of its headline and first paragraph, lower-cased, without
  punctuation, numbers of one digit or the commonest English words ("the", "said", ...);
  each word is cut to its first 7 letters, so that "talks"/"talk" and "continue"/"continued"
  mostly agree. These words are kept on the item (`WireItem.terms`).
- Two items are about the same event when the Jaccard similarity of their word sets (the
  words they share over all the words of either) is at least `THRESHOLD` (0.3), and the
  older one came in at most `WINDOW` (24 hours) before. Two agencies rewriting one event
  share most names, places and key words (0.4 to 0.8 in practice); unrelated stories on the
  same beat share a name or two (under 0.15).
- To find the candidates without reading the queue, each item's word set gets a MinHash
  signature of `BANDS` x `ROWS` hashes (40), cut into 20 bands of 2: items that share a band
  are candidates (two sets with similarity 0.3 share one with probability 0.85, with 0.5 with
  probability 0.997). The bands are rows of `Band`, indexed by key and time; the candidates'
  exact similarity then decides.
- The item joins the group of the most similar candidate (its `group_id` is the id of the
  group's first item); `group_score` keeps the similarity, which the item's page shows.
"""

import datetime
import collections
import functools
import hashlib
import heapq
import json
import random
import re

from django.db import connection
from django.utils import timezone
from django.utils.html import strip_tags

THRESHOLD = 0.3
WINDOW = datetime.timedelta(hours=24)
BANDS, ROWS = 20, 2
MIN_TERMS = 4  # fewer words than this say too little to group on
STEM = 7

STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our out over own same she should so some such than that the their them then there these
they this those through to too under until up very was we were what when where which while who whom why
will with would you your said says say told according reported report news agency new one two also
monday tuesday wednesday thursday friday saturday sunday today yesterday week year
""".split())
WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MERSENNE = (1 << 61) - 1
_rng = random.Random(17)  # fixed: signatures must agree between processes and restarts
_PERMUTATIONS = [(_rng.randrange(1, _MERSENNE), _rng.randrange(0, _MERSENNE)) for _ in range(BANDS * ROWS)]


_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S | re.I)


def first_paragraph(html):
    match = _FIRST_PARAGRAPH.search(html or "")
    text = match.group(1) if match else (html or "")[:1000]
    return strip_tags(text) if "<" in text else text  # strip_tags gives text without tags as it is


def terms(headline, body_html):
    """The word set two items are compared on (see the module's note)."""
    words = WORD.findall(f"{headline} {first_paragraph(body_html)}".lower())
    return sorted({w[:STEM] for w in words if w not in STOP and not (w.isdigit() and len(w) < 2) and len(w) > 1})


def similarity(a, b):
    """Jaccard similarity of two word sets: shared words over all words."""
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a and b else 0.0


def _hash(word):
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")


@functools.lru_cache(maxsize=4096)
def _word_row(word):
    """A word's value under each permutation: agency copy repeats most of its words, so each
    is worked out once (the last 4,096 words, about 7 MB), not once an item. A tuple of ints,
    not an array: the signature's min() then reads them as they are, where an array makes a
    new int of each value every time (three times the work of the whole signature)."""
    h = _hash(word)
    return tuple([(a * h + b) % _MERSENNE for a, b in _PERMUTATIONS])


def band_keys(words):
    """The item's MinHash signature cut into bands, each band hashed to one signed 64-bit key."""
    signature = list(map(str, map(min, *map(_word_row, words))))  # each hash's least over the words
    return [int.from_bytes(hashlib.blake2b(f"{band}:{','.join(signature[band * ROWS:(band + 1) * ROWS])}".encode(),
                                           digest_size=8).digest(), "big", signed=True)
            for band in range(BANDS)]


def place(item, now=None):
    """Measure the item's words and put it in the group of the most similar recent item, if
    one is similar enough; called by the ingest service for a new item or a new version."""
    from .models import Band, WireItem

    now = now or timezone.now()
    words = terms(item.headline, item.body_html)
    fields = {"terms": words}
    item.terms = words
    if len(words) >= MIN_TERMS:
        keys = band_keys(words)
        Band.objects.filter(item=item).delete()
        Band.objects.bulk_create([Band(item=item, key=key, at=now) for key in keys])
        if item.group_id is None or item.group_id == item.pk:
            near = Band.objects.filter(key__in=keys, at__gte=now - WINDOW).exclude(item_id=item.pk)
            candidates = (WireItem.objects.filter(pk__in=near.values("item_id"))
                          .order_by("-pk").values_list("pk", "group_id", "terms")[:50])
            best = max(((similarity(words, found), pk, group) for pk, group, found in candidates), default=None)
            if best and best[0] >= THRESHOLD:
                score, pk, group = best
                group = group or pk
                if not WireItem.objects.filter(pk=pk, group_id=group).exists():
                    WireItem.objects.filter(pk=pk).update(group_id=group)
                fields.update(group_id=group, group_score=round(score, 3))
                if item.group_id == item.pk:  # it led a group of its own: its members follow it
                    WireItem.objects.filter(group_id=item.pk).update(group_id=group)
    for name, value in fields.items():
        setattr(item, name, value)
    WireItem.objects.filter(pk=item.pk).update(**fields)


CANDIDATES = 50  # the newest items sharing a band with an item that are measured against it
_NEW = 1 << 62  # a batch's items, until written: ids above any in the queue, in their order


class Batch:
    """place() for new items written together (a batch of the ingest), as rows about to be
    inserted: made before the insert, it reads the recent items sharing a band with any of
    them in one query and sets each row's group, as if they had come one at a time (each is
    a candidate for those after it); `written(ids)` then inserts their bands and updates the
    few groups the insert could not hold (led by an item of the batch, or by one in the
    queue that had no group yet). `keys`: each row's band_keys, or None (worked out here)."""

    def __init__(self, rows, now, keys=None):
        self.now, self.leaders, self.waiting = now, set(), {}
        self.keys = {}
        for n, row in enumerate(rows):
            if len(row["terms"]) >= MIN_TERMS:
                self.keys[n] = keys[n] if keys is not None and keys[n] is not None else band_keys(row["terms"])
        if not self.keys:
            return
        sharing, candidates = _recent_by_key({key for keys in self.keys.values() for key in keys}, now - WINDOW)
        known = {}  # id: [group_id, word set], for the candidates and the batch so far
        same = {}  # one set object for equal word sets: a story sent many times is measured once
        for pk, group, words in candidates:
            words = frozenset(json.loads(words) if isinstance(words, str) else words)
            known[pk] = [group, same.setdefault(words, words)]
        # An item's candidates are the newest CANDIDATES sharing a band with it: the batch's own
        # items before it (newer than any in the queue), then those of the queue, which are
        # the same for items with the same bands (a story sent many times) and found once.
        earlier, from_queue = {}, {}  # earlier: the batch's ids so far by their bands, in order
        by_key = collections.defaultdict(set)  # key: the bands of the batch so far that have it
        for n, keys in self.keys.items():
            row, words = rows[n], frozenset(rows[n]["terms"])
            words = same.setdefault(words, words)
            bands = frozenset(keys)
            sharing_mine = [earlier[theirs] for theirs in {t for key in bands for t in by_key.get(key, ())}]
            if len(sharing_mine) == 1:
                near = sharing_mine[0][:-CANDIDATES - 1:-1]
            else:
                near = heapq.nlargest(CANDIDATES, (pk for pks in sharing_mine for pk in pks[-CANDIDATES:]))
            if len(near) < CANDIDATES:
                if bands not in from_queue:
                    from_queue[bands] = heapq.nlargest(CANDIDATES, set().union(*(sharing.get(k, ()) for k in bands)))
                near += from_queue[bands][:CANDIDATES - len(near)]
            near = [pk for pk in near if pk in known]  # newest first
            scores = {}
            for pk in near:
                if known[pk][1] not in scores:
                    scores[known[pk][1]] = _jaccard(words, known[pk][1])
            top = max(scores.values(), default=0.0)
            if near and top >= THRESHOLD:  # the newest of the most similar
                pk = next(pk for pk in near if scores[known[pk][1]] == top)
                score, group = top, known[pk][0]
                group = group or pk
                if known[pk][0] != group:  # the first of a new group leads it
                    known[pk][0] = group
                    if pk >= _NEW:
                        rows[pk - _NEW]["group_id"] = group
                    else:
                        self.leaders.add(pk)
                row["group_id"], row["group_score"] = group, round(score, 3)
            known[_NEW + n] = [row["group_id"], words]
            if bands not in earlier:
                for key in bands:
                    by_key[key].add(bands)
            earlier.setdefault(bands, []).append(_NEW + n)
        for n, row in enumerate(rows):  # a group led by an item of the batch waits for its id
            if row["group_id"] is not None and row["group_id"] >= _NEW:
                self.waiting[n] = (row["group_id"] - _NEW, row["group_score"])
                row["group_id"] = None

    def written(self, ids):
        rows = [(ids[n], keys) for n, keys in self.keys.items()]
        # (id, group, score) for the rows whose group the insert could not hold; a new leader's
        # score stays as it is (None).
        changes = [(pk, pk, None) for pk in sorted(self.leaders)]
        changes += [(ids[n], ids[leader], score) for n, (leader, score) in self.waiting.items()]
        _insert_bands(rows, self.now)
        _set_groups(changes)
        return {ids[n]: (ids[leader], score) for n, (leader, score) in self.waiting.items()}


def _insert_bands(rows, at):
    """(item id, its band keys) into Band in one statement, whatever their number (a batch's
    items have 20 each): on PostgreSQL two arrays, on SQLite one JSON array of the pairs, with
    no model instance for any."""
    from newsdesk.imports.sql import _rows_cursor

    from .models import Band

    # In the order of the keys: the band index then takes them page by page, not each at a
    # random place of it (a third of the insert's time on SQLite with a full queue).
    rows = sorted((key, pk) for pk, keys in rows for key in keys)
    if not rows:
        return
    table, qn = qn_table(Band), connection.ops.quote_name
    at = connection.ops.adapt_datetimefield_value(at)
    with _rows_cursor() as cursor:
        if connection.vendor == "postgresql":
            keys, pks = zip(*rows)
            cursor.execute(f"INSERT INTO {table} (item_id, {qn('key')}, {qn('at')}) "
                           f"SELECT unnest(%s::bigint[]), unnest(%s::bigint[]), %s", [_array(pks), _array(keys), at])
        else:  # one JSON array: SQLite reads it in less than it parses the same numbers as SQL
            cursor.execute(f"INSERT INTO {table} (item_id, {qn('key')}, {qn('at')}) "
                           f"SELECT json_extract(value, '$[1]'), json_extract(value, '$[0]'), %s FROM json_each(%s)",
                           [at, json.dumps(rows)])


def _set_groups(changes):
    """(item id, group id, score or None to keep the item's) for items in the queue, in one
    statement: the groups a batch's insert could not hold."""
    from newsdesk.imports.sql import _rows_cursor

    from .models import WireItem

    if not changes:
        return
    table, qn = qn_table(WireItem), connection.ops.quote_name
    group, score = qn("group_id"), qn("group_score")
    with _rows_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET {group} = v.g, {score} = CASE WHEN v.keep THEN {table}.{score} ELSE v.s END "
                f"FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], %s::boolean[]) AS v(id, g, s, keep) "
                f"WHERE {table}.id = v.id",
                [[pk for pk, _, _ in changes], [g for _, g, _ in changes], [s for _, _, s in changes],
                 [s is None for _, _, s in changes]])
        else:
            values = ", ".join(["(%s, %s, %s, %s)"] * len(changes))
            cursor.execute(
                f"UPDATE {table} SET {group} = v.column2, {score} = CASE WHEN v.column4 THEN {table}.{score} "
                f"ELSE v.column3 END FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
                [value for pk, g, s in changes for value in (pk, g, s, s is None)])


def qn_table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _array(numbers):
    """A PostgreSQL array of whole numbers as its text: one parameter, not one a number."""
    return "{" + ",".join(map(str, numbers)) + "}"


def _jaccard(a, b):
    """similarity() of two sets."""
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a and b else 0.0


def _recent_by_key(keys, since):
    """({band key: ids of the newest CANDIDATES items given that band since `since`, in no
    particular order}, and (id, group_id, terms) of each of those items): one statement on
    PostgreSQL, two on SQLite, which read at most that many index entries a key however
    common its band (the bands of one story sent many times over)."""
    from newsdesk.imports.sql import _rows_cursor

    from .models import Band, WireItem

    table, items, qn = qn_table(Band), qn_table(WireItem), connection.ops.quote_name
    key, at, group, terms = qn("key"), qn("at"), qn("group_id"), qn("terms")
    since = connection.ops.adapt_datetimefield_value(since)
    found, keys = {}, sorted(keys)
    if not keys:
        return found, []
    with _rows_cursor() as cursor:
        if connection.vendor == "postgresql":
            # A row for each key, its ids as one text (thousands of rows were most of the time
            # of the client, and of the server sending them); then the items' own rows, told
            # apart by a NULL key.
            cursor.execute(
                f"WITH b AS (SELECT k.key, b.item_id FROM unnest(%s::bigint[]) AS k(key) CROSS JOIN LATERAL "
                f"(SELECT item_id FROM {table} WHERE {key} = k.key AND {at} >= %s "
                f"ORDER BY {at} DESC LIMIT {CANDIDATES}) AS b) "
                f"SELECT b.key, string_agg(b.item_id::text, ','), NULL::bigint, NULL::jsonb FROM b GROUP BY b.key "
                f"UNION ALL SELECT NULL, i.id::text, i.{group}, i.{terms} FROM {items} i "
                f"WHERE i.id IN (SELECT item_id FROM b)",
                [_array(keys), since])
            rows = cursor.fetchall()
            candidates = [(int(pk), group_id, words) for band, pk, group_id, words in rows if band is None]
            found = {band: list(map(int, pks.split(","))) for band, pks, _, _ in rows if band is not None}
        else:  # SQLite: for each key, its ids as one text; then the items. Two statements,
            # however many keys, each given its numbers as one JSON array (the same statement
            # each time: prepared once).
            cursor.execute(
                f"WITH k(key) AS (SELECT value FROM json_each(%s)) "
                f"SELECT k.key, (SELECT group_concat(item_id) FROM (SELECT item_id FROM {table} "
                f"WHERE {table}.{key} = k.key AND {at} >= %s ORDER BY {at} DESC LIMIT {CANDIDATES})) FROM k",
                [json.dumps(keys), since])
            found = {band: list(map(int, pks.split(","))) for band, pks in cursor.fetchall() if pks}
            candidates = []
            if found:
                cursor.execute(f"SELECT id, {group}, {terms} FROM {items} "
                               f"WHERE id IN (SELECT value FROM json_each(%s))",
                               [json.dumps(list(set().union(*found.values())))])
                candidates = cursor.fetchall()
    return found, candidates


def collapse(items):
    """The desk's rows: the items of one group (newest first, as given) become the row of the
    newest, which lists the group's other items as `item.grouped`; one query for them all."""
    from .models import WireItem

    groups = {item.group_id for item in items if item.group_id}
    members = {}
    if groups:
        for row in (WireItem.objects.current().filter(group_id__in=groups).order_by("-updated_at", "-pk")
                    .values("pk", "group_id", "agency", "headline", "status")):
            members.setdefault(row["group_id"], []).append(row)
    rows, seen = [], set()
    for item in items:
        if item.group_id:
            if item.group_id in seen:
                continue
            seen.add(item.group_id)
            item.grouped = [m for m in members.get(item.group_id, []) if m["pk"] != item.pk]
            item.agencies = sorted({m["agency"] or "—" for m in members.get(item.group_id, [])} | {item.agency or "—"})
        rows.append(item)
    return rows
