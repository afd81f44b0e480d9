"""On PostgreSQL, each index row holds its story's section, under an index (section_id,
story_id): a search in one section walks that section's newest stories. The table is made
again from the old one's rows, in story order, with each story's section (no text is
parsed again): faster than updating every row, and its rows end up in the order searches
walk them. Nothing changes on SQLite."""

import importlib

from django.db import migrations

VendorSQL = importlib.import_module("newsdesk.search.migrations.0001_initial").VendorSQL

FORWARDS = [
    "CREATE TABLE search_entry_new (story_id bigint NOT NULL, config regconfig NOT NULL, section_id bigint,"
    " document tsvector NOT NULL)",
    "INSERT INTO search_entry_new (story_id, config, section_id, document)"
    " SELECT e.story_id, e.config, s.section_id, e.document FROM search_entry e"
    " LEFT JOIN stories_story s ON s.id = e.story_id ORDER BY e.story_id",
    "DROP TABLE search_entry",
    "ALTER TABLE search_entry_new RENAME TO search_entry",
    "ALTER TABLE search_entry ADD CONSTRAINT search_entry_pkey PRIMARY KEY (story_id)",
    "CREATE INDEX search_entry_document ON search_entry USING gin (document)",
    # For search.postgres.configs, which skips through it.
    "CREATE INDEX search_entry_config ON search_entry (config)",
    "CREATE INDEX search_entry_section ON search_entry (section_id, story_id)",
    "ANALYZE search_entry",
]

BACKWARDS = [
    "DROP INDEX search_entry_section",
    "ALTER TABLE search_entry DROP COLUMN section_id",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [VendorSQL("postgresql", FORWARDS, BACKWARDS)]
