"""On PostgreSQL, each index row holds words for the blocks of story ids it falls in
(postgres.BLOCK_LEVELS: 4,096 ids and 4, 16, 64 and 256 times more): a search asks the GIN
index for its words in the newest blocks first, and reads only the matches it keeps. The
table is made again from the old one's rows, in story order, the words added (no text is
parsed again), as in 0002. Nothing changes on SQLite."""

import importlib

from django.db import migrations

from newsdesk.search.postgres import BLOCK_LEVELS, blocks_sql

VendorSQL = importlib.import_module("newsdesk.search.migrations.0001_initial").VendorSQL

FORWARDS = [
    # A GIN index of a million rows is built several times faster with more than the default.
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE TABLE search_entry_new (story_id bigint NOT NULL, config regconfig NOT NULL, section_id bigint,"
    " document tsvector NOT NULL)",
    "INSERT INTO search_entry_new (story_id, config, section_id, document)"
    f" SELECT story_id, config, section_id, document || {blocks_sql('story_id')} FROM search_entry ORDER BY story_id",
    "DROP TABLE search_entry",
    "ALTER TABLE search_entry_new RENAME TO search_entry",
    "ALTER TABLE search_entry ADD CONSTRAINT search_entry_pkey PRIMARY KEY (story_id)",
    "CREATE INDEX search_entry_document ON search_entry USING gin (document)",
    # For search.postgres.configs, which skips through it.
    "CREATE INDEX search_entry_config ON search_entry (config)",
    "CREATE INDEX search_entry_section ON search_entry (section_id, story_id)",
    # A search reads a few hundred rows in each of a few windows: starting parallel workers
    # for one took longer (20 ms on two busy cores) than the reading.
    "ALTER TABLE search_entry SET (parallel_workers = 0)",
    "ANALYZE search_entry",
]

BACKWARDS = [
    "ALTER TABLE search_entry RESET (parallel_workers)",
    "UPDATE search_entry SET document = ts_delete(document, ARRAY["
    + ", ".join(f"'ndb{level}k' || (story_id >> {level}) || 'x'" for level in BLOCK_LEVELS) + "])",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_entry_section")]

    operations = [VendorSQL("postgresql", FORWARDS, BACKWARDS)]
