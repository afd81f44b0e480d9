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

import collections
import datetime
import functools
import hashlib
import heapq
import random
import re
from array import array

from django.db import connection
from django.db.models import F
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


def first_paragraph(html):
    match = re.search(r"<p\b[^>]*>(.*?)</p>", html or "", re.S | re.I)
    return strip_tags(match.group(1) if match else (html or "")[:1000])


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


@functools.lru_cache(maxsize=8192)
def _word_row(word):
    """A word's value under each permutation: agency copy repeats most of its words, so each
    is worked out once (the last 8,192 words, a few MB), not once an item."""
    h = _hash(word)
    return array("Q", [(a * h + b) % _MERSENNE for a, b in _PERMUTATIONS])


def band_keys(words):
    """The item's MinHash signature cut into bands, each band hashed to one signed 64-bit key."""
    signature = list(map(min, zip(*map(_word_row, words))))
    keys = []
    for band in range(BANDS):
        part = ",".join(map(str, signature[band * ROWS:(band + 1) * ROWS]))
        digest = hashlib.blake2b(f"{band}:{part}".encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


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
        from .models import WireItem

        self.now, self.leaders, self.waiting = now, set(), {}
        self.keys = {}
        for n, row in enumerate(rows):
            if len(row["terms"]) >= MIN_TERMS:
                self.keys[n] = keys[n] if keys is not None and keys[n] is not None else band_keys(row["terms"])
        if not self.keys:
            return
        sharing = _recent_by_key({key for keys in self.keys.values() for key in keys}, now - WINDOW)
        known = {}  # id: [group_id, word set], for the candidates and the batch so far
        same = {}  # one set object for equal word sets: a story sent many times is measured once
        found = sorted({pk for pks in sharing.values() for pk in pks})
        for start in range(0, len(found), 500):
            for pk, group, words in WireItem.objects.filter(pk__in=found[start:start + 500]).values_list(
                    "pk", "group_id", "terms"):
                known[pk] = [group, same.setdefault(frozenset(words), frozenset(words))]
        # The batch's own items by band, the newest CANDIDATES of each: no more can be among an item's.
        earlier = collections.defaultdict(lambda: collections.deque(maxlen=CANDIDATES))
        for n, keys in self.keys.items():
            row, words = rows[n], frozenset(rows[n]["terms"])
            words = same.setdefault(words, words)
            pool = set().union(*(sharing.get(key, ()) for key in keys), *(earlier[key] for key in keys))
            near = [pk for pk in heapq.nlargest(CANDIDATES, pool) if pk in known]
            scores = {}
            for pk in near:
                if known[pk][1] not in scores:
                    scores[known[pk][1]] = _jaccard(words, known[pk][1])
            best = max(((scores[known[pk][1]], pk, known[pk][0]) for pk in near), default=None)
            if best and best[0] >= THRESHOLD:
                score, pk, group = best
                group = group or pk
                if known[pk][0] != group:  # the first of a new group leads it
                    known[pk][0] = group
                    if pk >= _NEW:
                        rows[pk - _NEW]["group_id"] = group
                    else:
                        self.leaders.add(pk)
                row["group_id"], row["group_score"] = group, round(score, 3)
            known[_NEW + n] = [row["group_id"], words]
            for key in keys:
                earlier[key].append(_NEW + n)
        for n, row in enumerate(rows):  # a group led by an item of the batch waits for its id
            if row["group_id"] is not None and row["group_id"] >= _NEW:
                self.waiting[n] = (row["group_id"] - _NEW, row["group_score"])
                row["group_id"] = None

    def written(self, ids):
        from .models import WireItem

        _insert_bands([(ids[n], key) for n, keys in self.keys.items() for key in keys], self.now)
        if self.leaders:
            WireItem.objects.filter(pk__in=self.leaders).update(group_id=F("pk"))
        joined = collections.defaultdict(list)
        for n, (leader, score) in self.waiting.items():
            joined[ids[leader], score].append(ids[n])
        for (group, score), pks in joined.items():
            WireItem.objects.filter(pk__in=pks).update(group_id=group, group_score=score)
        return {ids[n]: (ids[leader], score) for n, (leader, score) in self.waiting.items()}


def _insert_bands(rows, at):
    """(item id, key) rows into Band, a few hundred to a statement (as bulk_create would, without
    building a model instance for each of an item's 20 bands)."""
    from newsdesk.imports.sql import _rows_cursor

    from .models import Band

    table, qn = Band._meta.db_table, connection.ops.quote_name
    at = connection.ops.adapt_datetimefield_value(at)
    with _rows_cursor() as cursor:
        for start in range(0, len(rows), 300):
            chunk = rows[start:start + 300]
            cursor.execute(f"INSERT INTO {qn(table)} (item_id, {qn('key')}, {qn('at')}) VALUES "
                           + ", ".join(["(%s, %s, %s)"] * len(chunk)),
                           [value for pk, key in chunk for value in (pk, key, at)])


def _jaccard(a, b):
    """similarity() of two sets."""
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a and b else 0.0


def _recent_by_key(keys, since):
    """{band key: ids of the newest CANDIDATES items given that band since `since`}: one
    statement, which reads at most that many index entries a key however common its band
    (the bands of one story sent many times over)."""
    from newsdesk.imports.sql import _rows_cursor

    from .models import Band

    table, qn = Band._meta.db_table, connection.ops.quote_name
    since = connection.ops.adapt_datetimefield_value(since)
    found, keys = {}, sorted(keys)
    with _rows_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT k.key, b.item_id FROM unnest(%s::bigint[]) AS k(key) CROSS JOIN LATERAL "
                f"(SELECT item_id FROM {qn(table)} WHERE {qn('key')} = k.key AND {qn('at')} >= %s "
                f"ORDER BY {qn('at')} DESC LIMIT {CANDIDATES}) AS b", [keys, since])
            rows = cursor.fetchall()
        else:  # SQLite: a compound select of one part a key, 500 parts at most
            rows, part = [], (f"SELECT * FROM (SELECT {qn('key')}, item_id FROM {qn(table)} WHERE {qn('key')} = %s "
                              f"AND {qn('at')} >= %s ORDER BY {qn('at')} DESC LIMIT {CANDIDATES})")
            for start in range(0, len(keys), 400):
                chunk = keys[start:start + 400]
                cursor.execute(" UNION ALL ".join([part] * len(chunk)), [v for key in chunk for v in (key, since)])
                rows += cursor.fetchall()
    for key, pk in rows:
        found.setdefault(key, []).append(pk)
    return found


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
