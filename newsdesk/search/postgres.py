"""The search index on PostgreSQL: a table of tsvectors (migration 0001), one row a story,
each made with the text-search configuration of the story's language, under a GIN index.
Ranked by ts_rank_cd, a headline match weighing most (weight A; people, topics and the
standfirst B; the body C); snippets by ts_headline."""

from django.db import connection

from .documents import START, STOP

TABLE = "search_entry"

# Each row also holds, as words of the index, the blocks of story ids its story is in: blocks
# of 2**12 ids and of 2**14, 2**16, 2**18 and 2**20 (migration 0003). find() asks the GIN index
# for the reader's words in the newest blocks first and stops once it has its candidates: a
# phrase in one story of 200 reads a thousand rows, not the 5,000 that have it.
BLOCK_LEVELS = (12, 14, 16, 18, 20)


def block_word(level, number):
    return f"ndb{level}k{number}x"


def blocks_sql(column):
    """The tsvector of the block words of the story id in `column` (SQL)."""
    words = ", ".join(f"'ndb{level}k' || ({column} >> {level}) || 'x'" for level in BLOCK_LEVELS)
    return f"setweight(to_tsvector('simple', concat_ws(' ', {words})), 'D')"

# PostgreSQL's own configurations, by the language's BCP 47 primary subtag; any other
# language is indexed word for word ("simple").
CONFIGS = {
    "ar": "arabic", "da": "danish", "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "nb": "norwegian", "nn": "norwegian", "no": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish",
}


def config_for(language):
    return CONFIGS.get((language or "").split("-")[0].split("_")[0].lower(), "simple")


def written_sql(new, values, *, status, language, section, headline, standfirst, body, people, topics):
    """An INSERT of the index's rows of stories written in the same statement (the importer's
    _at_once_sql): `new` the CTE of their (id, guid), `values` that of their values, joined
    by guid; the other arguments name the columns of `values`. The body is given as HTML:
    PostgreSQL's parser leaves its tags out."""
    from newsdesk.people.models import Person, Topic
    from newsdesk.stories.models import Story

    cases = " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in CONFIGS.items())
    code = f"split_part(split_part(lower(coalesce(NULLIF(v.{language}, ''), '{config_code()}')), '-', 1), '_', 1)"
    return (
        f"INSERT INTO {TABLE} (story_id, config, section_id, document) SELECT n.id, c.config, v.{section},"
        f" setweight(to_tsvector(c.config, v.{headline}), 'A') || setweight(to_tsvector(c.config, coalesce(t.names, '')), 'B')"
        f" || setweight(to_tsvector(c.config, v.{standfirst}), 'B') || setweight(to_tsvector(c.config, v.{body}), 'C')"
        f" || setweight(to_tsvector('simple', concat_ws(' ', 'nds' || v.{section} || 'x',"
        f" (SELECT string_agg('ndp' || p || 'x', ' ') FROM unnest(v.{people}) p),"
        f" (SELECT string_agg('ndt' || t || 'x', ' ') FROM unnest(v.{topics}) t))), 'D') || {blocks_sql('n.id')}"
        f" FROM {new} n JOIN {values} v ON v.guid = n.guid"
        f" CROSS JOIN LATERAL (SELECT (CASE {code} {cases} ELSE 'simple' END)::regconfig AS config) c"
        " CROSS JOIN LATERAL (SELECT string_agg(x.name, E'\\n') AS names FROM ("
        f"SELECT name FROM {Person._meta.db_table} WHERE id = ANY(v.{people}) UNION ALL"
        f" SELECT name FROM {Topic._meta.db_table} WHERE id = ANY(v.{topics})) x) t"
        f" WHERE v.{status} = '{Story.Status.PUBLISHED.value}'"
    )


def config_code():
    """The site's language, for a story that names none."""
    from django.conf import settings

    return "".join(c for c in settings.LANGUAGE_CODE if c.isalnum() or c in "-_")


def delete(cursor, story_ids):
    cursor.execute(f"DELETE FROM {TABLE} WHERE story_id = ANY(%s)", [list(story_ids)])


def write(cursor, documents):
    cursor.executemany(
        f"INSERT INTO {TABLE} (story_id, config, section_id, document) SELECT v.id, v.config, v.section_id, "
        "setweight(to_tsvector(v.config, v.headline), 'A') || setweight(to_tsvector(v.config, v.tags), 'B')"
        " || setweight(to_tsvector(v.config, v.standfirst), 'B') || setweight(to_tsvector(v.config, v.body), 'C')"
        f" || setweight(to_tsvector('simple', v.facets), 'D') || {blocks_sql('v.id')}"
        " FROM (SELECT %s::bigint AS id, %s::regconfig AS config, %s::text AS headline, %s::text AS standfirst,"
        " %s::text AS body, %s::text AS tags, %s::text AS facets, %s::bigint AS section_id) v",
        [(d.story_id, config_for(d.language), d.headline, d.standfirst, d.body, d.tags, d.facets, d.section_id)
         for d in documents],
    )


def clear(cursor):
    cursor.execute(f"TRUNCATE {TABLE}")


def optimize(cursor):
    cursor.execute(f"VACUUM ANALYZE {TABLE}") if connection.get_autocommit() else None


def configs():
    """The configurations the index uses, found by skipping through the index on them."""
    return _configs_and_top()[0]


# The configurations in the index (a CTE `c` of them, and a NULL), found by skipping through
# the index on them.
_CONFIGS_CTE = (
    f"RECURSIVE c(config) AS ((SELECT config FROM {TABLE} ORDER BY config LIMIT 1) UNION ALL"
    f" SELECT (SELECT e.config FROM {TABLE} e WHERE e.config > c.config ORDER BY e.config LIMIT 1)"
    " FROM c WHERE c.config IS NOT NULL)"
)


def _configs_and_top():
    """configs(), and the newest story id in the index (None when it is empty): one question."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {_CONFIGS_CTE} SELECT array(SELECT config::text FROM c WHERE config IS NOT NULL),"
            f" (SELECT max(story_id) FROM {TABLE})"
        )
        names, top = cursor.fetchone()
        return names or ["simple"], top


def _tsquery(query, names=None):
    """The query as each configuration in use (`names`, else configs()) reads it, any of them
    matching: a story is searched in its own language. SQL and its parameters."""
    names = names or configs()
    sql = " || ".join(["websearch_to_tsquery(%s::regconfig, %s)"] * len(names))
    return f"({sql})", [value for name in names for value in (name, query.websearch())]


def windows(top):
    """The blocks of ids from the newest story's id `top` down to 0, in windows newest first,
    each about as large as all the newer ones together: [(lowest id, highest id, [block
    words])]. A window is a few whole blocks (BLOCK_LEVELS), the largest that start there."""
    smallest = BLOCK_LEVELS[0]
    low = (top >> smallest) << smallest
    found, covered, window = [(low, top, [block_word(smallest, top >> smallest)])], top - low + 1, None
    while low > 0:
        level = max(n for n in BLOCK_LEVELS if low % (1 << n) == 0 and 1 << n <= max(covered, 1 << smallest))
        high, low = low - 1, low - (1 << level)
        if window is None:
            window = [low, high, []]
        window[0] = low
        window[2].append(block_word(level, low >> level))
        if window[1] - low + 1 >= covered:
            covered += window[1] - low + 1
            found.append(tuple(window))
            window = None
    if window is not None:
        found.append(tuple(window))
    return found


# The newest ids a search reads first, in one window (at least these): what it finds there
# tells how many matches the older stories hold. Few: a common word's matches in them are all
# read.
FIRST_IDS = 2_048
# Expected matches in the older stories up to which they are asked in one query (the GIN index
# for the words alone, every match read): each match is a row of the table read, mostly from
# outside PostgreSQL's buffers (two words with 3,657 matches there read 3,456 pages), so beyond
# a couple of thousand the windows, which read about the newest thousand or two, cost less
# (two words expected at 14,000: 81 ms of the server's time at once, 19 window by window).
AT_ONCE = 2_000
# A search's statements are planned for what the planner expects, which for a word's older
# stories can pass jit_above_cost: compiling them then took 40 ms, more than the search.
NO_JIT = "SET LOCAL jit = off; "


def find(query, filters, now, *, candidates, limit):
    """Story ids of the best matches, best first, among the `candidates` newest matches (by
    id) that readers may see at `now`: a word in every other story ranks those, not all of
    them. The index finds the `filters`' person and topic as words (documents.facet), and the
    section in its own column (and as a word within a window); the story table `s` is asked
    what readers may see, and the person and topic again, exactly.

    The newest FIRST_IDS ids or so are searched first, as one window of their blocks
    (windows()); if they do not hold the candidates, the older stories are searched either
    all at once, when the matches found so far promise few of them there (AT_ONCE: a rarer
    word, every match of which is read, as GIN gives them in no order), or window by window
    (two words in 30,000 stories: about the newest thousand are read, not all of them)."""
    names, top = _configs_and_top()
    if top is None:
        return []
    search = _Search(query, filters, now, names)
    every = windows(top)
    first = next(n for n in range(1, len(every) + 1) if n == len(every) or top - every[n - 1][0] + 1 >= FIRST_IDS)
    # The newest ids in one window of their blocks: one query to plan and one walk of the GIN
    # index, not one for each.
    low = every[first - 1][0]
    with connection.cursor() as cursor:
        found = search.windows(cursor, [(low, top, [word for window in every[:first] for word in window[2]])],
                               candidates)
        if len(found) < candidates and first < len(every):
            expected = len(found) * low / (top - low + 1)
            if expected <= AT_ONCE:
                found += search.older(cursor, low, candidates - len(found))
            else:
                found += search.windows(cursor, every[first:], candidates - len(found))
    found.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)
    return [row[0] for row in found[:limit]]


class _Search:
    """The SQL of one search: its words as the index reads them, its filters."""

    def __init__(self, query, filters, now, names):
        # Ranked by the reader's words alone: a filter narrows the results, it does not order them.
        self.ranked, self.rankparams = _tsquery(query, names)
        where, self.params = filters.sql(now, section=False)
        # The section is asked of the index table's own column.
        self.section, self.section_params = ("", []) if filters.section is None else \
            (" AND e.section_id = %s", [filters.section.pk])
        # The matches, newest first, are looked up in the story table (its story_search index)
        # one by one until there are enough (OFFSET 0 keeps the planner from making it a join of
        # its own choosing: a merge join walked 180,000 stories for a rarer word's 1,800, and a
        # nested loop below the sort looked up every match).
        self.story = f"CROSS JOIN LATERAL (SELECT s.published_at FROM stories_story s WHERE s.id = e.story_id AND {where} OFFSET 0) s"
        self.facets = filters.facets(section=False)
        self.in_window = filters.facets()

    def _words(self, facets):
        if not facets:
            return self.ranked, self.rankparams
        return f"({self.ranked} && plainto_tsquery('simple', %s))", [*self.rankparams, " ".join(facets)]

    def _ranked(self, sql, params, cursor):
        """(id, rank, published time in seconds) of the rows of `sql` (story_id, ctid,
        published_at). The matches are sorted by id alone, and the documents of the ones kept
        read again where they are (their ctid, in the same statement): sorting 1,800 rows with
        their documents took longer than reading them."""
        # The published time as seconds: read as datetimes, a thousand of them took 5 ms here.
        # (NO_JIT and the statement in one message: one transaction, one round trip.)
        cursor.execute(f"{NO_JIT}SELECT c.story_id, ts_rank_cd(d.document, {self.ranked}), extract(epoch FROM c.published_at)::float8"
                       f" FROM ({sql}) c JOIN {TABLE} d ON d.ctid = c.ctid", [*self.rankparams, *params])
        cursor.nextset()
        return cursor.fetchall()

    def windows(self, cursor, windows, count):
        """The `count` newest matches in these windows, newest first: one query for each window,
        each in its own LIMIT, under one LIMIT, so that the windows after the one that completes
        them are not run. In each, the GIN index is asked for the words and, as a second
        condition, the window's blocks: two scan keys, each skipping to where the other is,
        so the words' matches are read in the window alone (one tsquery of both walked every
        story of the window's blocks: 22 ms for a window of 390,000 ids, 4 as two). The window
        is not also asked as a range of ids: the planner then added a bitmap of the primary key
        (7 ms for 82,000 ids), counting the window twice. With a section it is, for the
        (section_id, story_id) index. The section is asked as a word too, so that the index
        finds the section's matches of the window alone (a misjudged count costs one window at
        most). The query is written out in each, not in a CTE: its words are then known to the
        planner. The story table is read through its story_search index."""
        tsquery, tsparams = self._words(self.in_window)
        ids = " AND e.story_id BETWEEN %s AND %s" if self.section else ""
        branches, params = [], []
        for low, high, words in windows:
            branches.append(
                f"(SELECT e.story_id, e.ctid, s.published_at FROM (SELECT e.story_id, e.ctid FROM {TABLE} e"
                f" WHERE e.document @@ {tsquery} AND e.document @@ to_tsquery('simple', %s){self.section}{ids}"
                f" ORDER BY e.story_id DESC) e {self.story} LIMIT %s)"
            )
            params += [*tsparams, " | ".join(words), *self.section_params, *([low, high] if ids else []), *self.params,
                       count]
        return self._ranked(f"SELECT * FROM ({' UNION ALL '.join(branches)}) u LIMIT %s", [*params, count], cursor)

    def older(self, cursor, below, count):
        """The `count` newest matches with ids below `below`, in one query. The section is asked
        of its column alone: asked as a word as well, the planner would count it twice, expect
        ten times fewer matches, and read all of them."""
        tsquery, tsparams = self._words(self.facets)
        return self._ranked(
            f"SELECT e.story_id, e.ctid, s.published_at FROM (SELECT e.story_id, e.ctid FROM {TABLE} e"
            f" WHERE e.document @@ {tsquery} AND e.story_id < %s{self.section} ORDER BY e.story_id DESC) e {self.story}"
            " LIMIT %s", [*tsparams, below, *self.section_params, *self.params, count], cursor)


def marked(query, documents):
    """{story id: (headline, snippet)} with START and STOP around the matches, for the
    `documents` of a page of results."""
    if not documents:
        return {}
    marks = f"StartSel={START}, StopSel={STOP}"
    options = f"{marks}, MaxWords=40, MinWords=20, MaxFragments=2, FragmentDelimiter=\" … \""
    rows = ", ".join(["(%s::bigint, %s::regconfig, %s::text, %s::text)"] * len(documents))
    # The query as _tsquery() makes it (each configuration's reading, any of them), the
    # configurations found in the same statement: one round trip less than asking configs().
    # A tsquery's text reads back as the same tsquery; an empty one is left out, as || does.
    tsquery, tsparams = (
        "(SELECT coalesce(string_agg('(' || t::text || ')', ' | ') FILTER (WHERE t::text <> ''), '')::tsquery"
        " FROM (SELECT websearch_to_tsquery(c.config, %s) AS t FROM c WHERE c.config IS NOT NULL) x)",
        [query.websearch()],
    )
    sql = (
        f"WITH {_CONFIGS_CTE}, q AS MATERIALIZED (SELECT {tsquery} AS query) "
        "SELECT v.id, ts_headline(v.config, v.headline, q.query, %s),"
        f" ts_headline(v.config, v.text, q.query, %s) FROM (VALUES {rows}) v (id, config, headline, text) CROSS JOIN q"
    )
    values = []
    for d in documents:
        text = d.body if any(w in d.body.lower() for w in query.words()) or not d.standfirst else d.standfirst
        values += [d.story_id, config_for(d.language), _hide_tags(d.headline), _hide_tags(text)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*tsparams, f"{marks}, HighlightAll=true", options, *values])
        return {pk: (_show_tags(headline), _show_tags(snippet)) for pk, headline, snippet in cursor.fetchall()}


# ts_headline drops what looks like an HTML tag from the text it is given: a story's "<b>"
# (as text) goes in as other characters and comes back as it was.
_TAGS_HIDDEN = str.maketrans({"<": "\x04", ">": "\x05"})
_TAGS_SHOWN = str.maketrans({"\x04": "<", "\x05": ">"})


def _hide_tags(text):
    return text.translate(_TAGS_HIDDEN)


def _show_tags(text):
    return text.translate(_TAGS_SHOWN)
