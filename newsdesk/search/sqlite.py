"""The search index on SQLite: an FTS5 table (migration 0001), one row a story, its rowid the
story's id. Ranked by where the words are found (WEIGHTS), then the newest first."""

from django.db import connection

from .documents import START, STOP

TABLE = "search_fts"
COLUMNS = ("headline", "standfirst", "body", "tags", "facets")
# How a match ranks, by where it is: the headline first, then the people and topics, then
# the standfirst; anywhere else (the body) counts 1. Not bm25: its weighting of rare words
# counts, for each word, every story that has it, and a common word is in most of a million.
WEIGHTS = (("headline", 10), ("tags", 5), ("standfirst", 4))
# What a reader's words are looked for in: all but the facets.
TEXT = "{headline standfirst body tags}"
# The newest candidates scored by reading their text (highlight()); the others by asking the
# index, a query per column (_add_weights). Reading costs the same for each candidate; the
# index's answer, what its words cost to walk: less for a hundred candidates or more, but
# much more for a handful spread over a million stories, with a common word among others.
READ_FIRST = 100


def delete(cursor, story_ids):
    for start in range(0, len(story_ids), 500):
        chunk = story_ids[start : start + 500]
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)


def write(cursor, documents):
    cursor.executemany(
        f"INSERT INTO {TABLE} (rowid, headline, standfirst, body, tags, facets) VALUES (%s, %s, %s, %s, %s, %s)",
        [(d.story_id, d.headline, d.standfirst, d.body, d.tags, d.facets) for d in documents],
    )


def clear(cursor):
    cursor.execute(f"DELETE FROM {TABLE}")


def optimize(cursor):
    cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")


def _match(query, facets=()):
    """The MATCH expression: the reader's words in the text columns, the facets in theirs."""
    return f"{TEXT} : ({query.fts5()})" + "".join(f' AND facets : "{word}"' for word in facets)


def find(query, filters, now, *, candidates, limit):
    """Story ids of the best matches, best first, among the `candidates` newest matches (by
    id, which FTS5 walks in order) that readers may see at `now`: a word in every other
    story ranks those, not all of them. The index finds the `filters`' section, person and
    topic as words (documents.facet); the story table `s` is asked what readers may see,
    and the filters again, exactly."""
    match = _match(query, filters.facets())
    where, params = filters.sql(now)
    read = " + ".join(f"(instr(highlight({TABLE}, {COLUMNS.index(column)}, '{START}', '{STOP}'), '{START}') > 0)"
                      f" * {weight}" for column, weight in WEIGHTS)
    # The story table is read through its story_search index (id, published_at, status,
    # section_id: all the filters read but a person's or topic's own table): candidates
    # spread over a million stories are then lookups in a small index, not in the stories'
    # rows. Named, as the planner takes the table's own rows when it has no statistics.
    sql = (f"SELECT f.rowid, s.published_at, 1 + {{score}} FROM {TABLE} f"
           " JOIN stories_story s INDEXED BY story_search ON s.id = f.rowid"
           f" WHERE {TABLE} MATCH %s AND {where}{{before}} ORDER BY f.rowid DESC LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql.format(score=read, before=""), [match, *params, min(candidates, READ_FIRST)])
        found = cursor.fetchall()
        if len(found) == READ_FIRST < candidates:
            # The walk goes on from the last candidate read.
            cursor.execute(sql.format(score="0", before=" AND f.rowid < %s"),
                           [match, *params, found[-1][0], candidates - READ_FIRST])
            rest = [list(row) for row in cursor.fetchall()]
            _add_weights(cursor, query, match, rest)
            found += rest
    # Published times compare as the database stores them (ISO text, UTC), as ORDER BY does.
    found.sort(key=lambda row: (row[2], row[1], row[0]), reverse=True)
    return [row[0] for row in found[:limit]]


def _add_weights(cursor, query, match, rows):
    """Add to each of `rows` (id, published_at, score), newest first, the weight of each
    column that has one of the query's terms: asked of the index, for the matches between
    the first and the last of `rows` with a term in that column."""
    if not rows:
        return
    by_id, terms = {row[0]: row for row in rows}, query.fts5_any()
    for column, weight in WEIGHTS:
        cursor.execute(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid BETWEEN %s AND %s",
                       [f"({column} : ({terms})) AND ({match})", rows[-1][0], rows[0][0]])
        for (pk,) in cursor.fetchall():
            if pk in by_id:
                by_id[pk][2] += weight


def marked(query, story_ids):
    """{story id: (headline, snippet)} with START and STOP around the matches: the snippet of
    the body, else of the standfirst, else of the people and topics that matched."""
    if not story_ids:
        return {}
    marks = f"'{START}', '{STOP}', '…', 24"
    sql = (
        f"SELECT rowid, highlight({TABLE}, 0, '{START}', '{STOP}'), snippet({TABLE}, 2, {marks}),"
        f" snippet({TABLE}, 1, {marks}), snippet({TABLE}, 3, {marks})"
        f" FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid IN ({', '.join(['%s'] * len(story_ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_match(query), *story_ids])
        found = {}
        for pk, headline, *snippets in cursor.fetchall():
            found[pk] = (headline, next((s for s in snippets if START in s), snippets[0]))
        return found
