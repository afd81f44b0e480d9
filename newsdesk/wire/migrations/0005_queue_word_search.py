"""The desk's word search on PostgreSQL: trigram indexes (pg_trgm) on the very expressions the
filter compares, UPPER(headline), UPPER(slugline) and UPPER(body_html), as Django writes
`icontains`. A rare word is then found through them; and since PostgreSQL keeps statistics on
an index's expressions, it also knows a common word is common, and walks the queue's own index
newest first until the page's 100 rows are found. Without them it took every word for a rare
one and read the whole table (half a second at 100,000 items). Nothing on SQLite.

Built CONCURRENTLY, so that channels go on storing items while it is built on a full queue."""

from django.db import DatabaseError, migrations

INDEXES = {
    "wire_word_headline": 'UPPER(("headline")::text)',
    "wire_word_slugline": 'UPPER(("slugline")::text)',
    "wire_word_body": 'UPPER("body_html")',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except DatabaseError as error:
                raise RuntimeError(
                    "The wire desk's word search needs PostgreSQL's pg_trgm extension, which this database "
                    "user may not create. Run `CREATE EXTENSION pg_trgm;` in the site's database as a "
                    f"superuser, then migrate again. ({error})") from error
        for name, expression in INDEXES.items():
            cursor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON wire_wireitem "
                           f"USING gin ({expression} gin_trgm_ops)")
        # The expressions' statistics now, not at autovacuum's next turn (a sample: quick).
        cursor.execute("ANALYZE wire_wireitem")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("wire", "0004_rule_roles")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
