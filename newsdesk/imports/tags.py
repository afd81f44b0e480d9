"""The people, topics and sections an import run knows by name (`TagCache`).

A run reads each model's names once and keeps them; the names a file needs that the run
does not know are looked up and made together, in a query or two (`TagCache.resolve`).
Here too: how a parser's labels become people or topics (`label_kinds`, `tag_labels`),
by the tags the run knows.
"""

import functools
from itertools import chain

from django.db import connection
from django.db.models import Value

from newsdesk.people.models import Person, SlugRedirect, Topic, alias_list
from newsdesk.people.services import NAMED_PEOPLE, Mention, MentionIndex, byline_names, looks_like_a_name, people_index
from newsdesk.river import services as river
from newsdesk.slugs import SlugPicker, slug_candidates, slugify
from newsdesk.stories.models import Section

from .sql import MAX_PARAMETERS, _table


# New tag names asked about in one query (with their candidate slugs: 5 parameters a name).
LOOKUP_CHUNK = 50


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
    """The labels of these stories become people and topics (StoryData.tag_labels); then
    the people they name and the authors their bylines name are linked (link_people)."""
    labelled = [data for data in stories if data.labels]
    if labelled:
        kinds = label_kinds([label for data in labelled for label in data.labels], cache)
        for data in labelled:
            data.tag_labels(kinds)
    link_people(stories, cache)


def link_people(stories, cache):
    """Each story is linked to the known people its text names, by name or alias (the
    people the file's own stories are tagged with are known too), and its byline's names
    that are known authors become its authors, the rest of the byline staying as text.
    Doing it again changes nothing."""
    if not stories:
        return
    index, own = cache.people_index(), MentionIndex([])
    for data in stories:
        for name in data.people:
            own.add(name, Mention("person", name.casefold(), name))
    authors = cache.authors() if any(data.byline for data in stories) else {}
    for data in stories:
        words = data.mention_words()  # worked out by the parsing process, as a rule
        found = [m.name for m in index.find_in(words, NAMED_PEOPLE)] + [m.name for m in own.find_in(words, NAMED_PEOPLE)]
        have = {name.casefold() for name in data.people}
        added = [name for name in dict.fromkeys(found) if name.casefold() not in have]
        names = byline_names(data.byline) if authors and data.byline else []
        chosen = [authors[name.casefold()] for name in names if name.casefold() in authors]
        if added:
            data.people = data.people + list({name.casefold(): name for name in added}.values())
        if chosen:
            data.authors = list(dict.fromkeys([*data.authors, *chosen]))
            data.byline = ", ".join(name for name in names if name.casefold() not in authors)
        if added or chosen:
            data._fingerprint = None


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
        self._people = self._authors = None  # read at first use
        self._spelled = {}  # (model, lower-case name) -> the name as made or found, while pending

    def people_index(self):
        """The run's MentionIndex of people, by name and alias: read once, then kept up
        with the people the run makes."""
        if self._people is None:
            self._people = people_index()
        return self._people

    def authors(self):
        """{casefolded name or alias: name} of the people who write for the site (read once)."""
        if self._authors is None:
            self._authors = {}
            for name, aliases in Person.objects.filter(is_author=True).values_list("name", "aliases"):
                for known in (name, *alias_list(aliases)):
                    self._authors.setdefault(known.casefold(), name)
        return self._authors

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
                        self._spelled.setdefault((model, name.lower()), name)
            rows = {}
            for model, wanted, bases in asked:
                picker = SlugPicker(model, taken=taken[model], probed=probed[model])
                missing = [clean for lower, clean in wanted.items() if lower not in self.pending[model]]
                if missing:
                    rows[model] = [{"name": clean, "slug": picker.pick(bases[clean])} for clean in missing]
            for model, made in _make_tags(cursor, rows):
                for name, pk in made:
                    self.pending[model][name.lower()] = pk
                    self._spelled[model, name.lower()] = name

    def commit(self):
        for model, names in self.pending.items():
            if model is Person and self._people is not None:
                for name, pk in names.items():
                    name = self._spelled.get((model, name), name)
                    self._people.add(name, Mention("person", pk, name))
            self._spelled.clear()
            self.known[model].update(names)
            names.clear()

    def rollback(self):
        for names in self.pending.values():
            names.clear()
        self._spelled.clear()


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
