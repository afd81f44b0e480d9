"""`newsdesk backup` and `newsdesk restore` on PostgreSQL: made from one database, restored
into another, on the PostgreSQL the suite uses (or 127.0.0.1:5432). Skipped when PostgreSQL
cannot be reached; with CI=true, failed."""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from .conftest import Installation

SERVER = os.environ.get("DATABASE_URL", "")
if not SERVER.startswith(("postgres://", "postgresql://")):
    SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _admin(sql):
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(SERVER)._replace(path="/postgres")), autocommit=True,
                         connect_timeout=5) as conn:
        conn.execute(sql)


@pytest.fixture
def databases():
    """Two new databases (dropped after): their URLs."""
    try:
        _admin("SELECT 1")
    except Exception as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is not reachable at {SERVER} ({error}); CI needs it", pytrace=False)
        pytest.skip(f"PostgreSQL is not reachable at {SERVER} ({error})")
    names = [f"health_{kind}_{uuid.uuid4().hex[:8]}" for kind in "ab"]
    for name in names:
        _admin(f'CREATE DATABASE "{name}"')
    try:
        yield [urlunsplit(urlsplit(SERVER)._replace(path="/" + name)) for name in names]
    finally:
        for name in names:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_made_on_postgresql_restores_into_another_database(databases, tmp_path):
    from .conftest import MAKE_NEWS

    url_a, url_b = databases
    newsroom = Installation(tmp_path / "a", DATABASE_URL=url_a)
    newsroom.newsdesk("migrate", "--noinput", "-v0")
    newsroom.shell(MAKE_NEWS)
    archive = newsroom.backup(tmp_path / "news.tar.gz")

    fresh = Installation(tmp_path / "b", DATABASE_URL=url_b)
    fresh.newsdesk("migrate", "--noinput", "-v0")  # an empty installation may be migrated already
    fresh.newsdesk("restore", str(archive))

    assert fresh.what_readers_see() == newsroom.what_readers_see()
    assert fresh.media_files() == newsroom.media_files()
    fresh.newsdesk("migrate", "--check")

    # Its data now there, a second restore asks for --force; with it, the same again.
    assert "--force" in fresh.refused("restore", str(archive))
    fresh.newsdesk("restore", "--force", str(archive))
    assert fresh.what_readers_see() == newsroom.what_readers_see()

    # An archive made on PostgreSQL does not go into an SQLite installation.
    sqlite_site = Installation(tmp_path / "c")
    assert "not supported" in sqlite_site.refused("restore", str(archive))
