"""The search index: an FTS5 table on SQLite, a table of tsvectors on PostgreSQL (neither is
a Django model: each backend reads and writes its own with SQL). Filled by `newsdesk
search-reindex`, and by the first migration here from the stories already published."""

from django.db import migrations


class VendorSQL(migrations.RunSQL):
    """RunSQL on one kind of database only."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def index_published(apps, schema_editor):
    from newsdesk.search import services

    services.rebuild()


class Migration(migrations.Migration):
    dependencies = [("stories", "0007_imported_revision")]

    operations = [
        VendorSQL(
            "sqlite",
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "headline, standfirst, body, tags, facets, tokenize = 'porter unicode61 remove_diacritics 2')",
            "DROP TABLE search_fts",
        ),
        VendorSQL(
            "postgresql",
            [
                "CREATE TABLE search_entry (story_id bigint PRIMARY KEY, config regconfig NOT NULL, document tsvector NOT NULL)",
                "CREATE INDEX search_entry_document ON search_entry USING gin (document)",
                # For search.postgres.configs, which skips through it.
                "CREATE INDEX search_entry_config ON search_entry (config)",
            ],
            "DROP TABLE search_entry",
        ),
        migrations.RunPython(index_published, migrations.RunPython.noop),
    ]
