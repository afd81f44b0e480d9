"""The search index on SQLite: an FTS5 table (migration 0001), one row a story, its rowid the
story's id. Ranked by where the words are found (WEIGHTS), then the newest first."""

from django.db import connection

from .documents import START, STOP

TABLE = "search_fts"
# How a match ranks, by where it is: the headline first, then the people and topics, then
# the standfirst; anywhere else (the body) counts 1. Not bm25: its weighting of rare words
# counts, for each word, every story that has it, and a common word is in most of a million.
WEIGHTS = ((0, 10), (3, 5), (1, 4))
# What a reader's words are looked for in: all but the facets.
TEXT = "{headline standfirst body tags}"


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


def find(query, facets, where, params, *, candidates, limit):
    """Story ids of the best matches, best first, among the `candidates` newest matches (by
    id, which FTS5 walks in order): a word in every other story ranks those, not all of
    them. `facets`: words (documents.facet) the story must have; `where` filters the story
    table `s` (what readers may see, and the filters again, exactly)."""
    score = " + ".join(f"(instr(highlight({TABLE}, {column}, '{START}', '{STOP}'), '{START}') > 0) * {weight}"
                       for column, weight in WEIGHTS)
    sql = (
        f"SELECT id FROM (SELECT f.rowid AS id, 1 + {score} AS score, s.published_at AS at"
        f" FROM {TABLE} f JOIN stories_story s ON s.id = f.rowid"
        f" WHERE {TABLE} MATCH %s AND {where} ORDER BY f.rowid DESC LIMIT %s)"
        " ORDER BY score DESC, at DESC, id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_match(query, facets), *params, candidates, limit])
        return [row[0] for row in cursor.fetchall()]


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
