"""The database's side of a backup: a consistent copy while the site runs, and putting a
copy back. SQLite through its online backup API; PostgreSQL through pg_dump and pg_restore."""

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connection

from .archive import ArchiveError, sync_folder

SQLITE, POSTGRESQL = "sqlite", "postgresql"
FILE_NAMES = {SQLITE: "newsdesk.sqlite3", POSTGRESQL: "newsdesk.pgdump"}
VENDOR_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
# Rows the migrations themselves make: a freshly migrated database holding only these is empty.
MADE_BY_MIGRATIONS = {"contenttypes.ContentType", "auth.Permission", "auth.Group"}


class DatabaseError(Exception):
    """A database that cannot be copied or replaced now; the message says why and what to do."""


def vendor():
    if connection.vendor not in FILE_NAMES:
        raise DatabaseError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def description():
    s = connection.settings_dict
    if connection.vendor == SQLITE:
        return f"the SQLite database {s['NAME']}"
    return f"the PostgreSQL database {s['NAME']!r} on {s['HOST'] or 'localhost'}:{s['PORT'] or 5432}"


def sqlite_path():
    return Path(connection.settings_dict["NAME"])


def applied_migrations():
    """{app: [migration names]} recorded in the database (as `newsdesk migrate` left it)."""
    from django.db.migrations.recorder import MigrationRecorder

    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def rows_held():
    """(table, model label) of the first model whose table has rows, or None for an empty
    database (no tables, or only what the migrations make)."""
    if connection.vendor == SQLITE and not sqlite_path().exists():
        return None
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        meta = model._meta
        if meta.label in MADE_BY_MIGRATIONS or not meta.managed or meta.proxy or meta.db_table not in tables:
            continue
        if model._base_manager.exists():
            return meta.db_table
    return None


# --- SQLite ---------------------------------------------------------------------------


def copy_sqlite(target):
    """A consistent copy of the SQLite database at `target`, taken in one read transaction
    (writers go on meanwhile: the database is in WAL mode), as a file of its own (no WAL)."""
    source_path = sqlite_path()
    if not source_path.is_file():
        raise DatabaseError(f"there is no database at {source_path}: nothing to back up (run `newsdesk migrate` first?)")
    source = sqlite3.connect(source_path, timeout=30)
    target_db = sqlite3.connect(target)
    try:
        source.backup(target_db)
        target_db.execute("PRAGMA journal_mode=DELETE")
        problem = target_db.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise DatabaseError(f"the copy of {source_path} fails SQLite's check: {problem}")
        applied = {}
        for app, name in target_db.execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
            applied.setdefault(app, []).append(name)
        return applied
    finally:
        target_db.close()
        source.close()


def sqlite_in_use(path):
    """Whether another process has the database open (a server, a shell, an import): it holds a
    lock that an exclusive one waits for. WAL mode keeps it while a connection is open, idle or not."""
    probe = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
        probe.execute("PRAGMA locking_mode=NORMAL")
        probe.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # empties its WAL before the file is replaced
        return False
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return True
        raise
    finally:
        probe.close()


def install_sqlite(staged):
    """Put the verified copy `staged` (beside the database) in place of the database: synced,
    then renamed over it, its old WAL files removed. Refused while any process has it open."""
    path = sqlite_path()
    connection.close()
    if path.exists() and sqlite_in_use(path):
        raise DatabaseError(f"{path} is in use by another process: stop `newsdesk serve` (and any "
                            "`newsdesk` command using it), then restore again")
    check = sqlite3.connect(staged)
    try:
        problem = check.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        check.close()
    if problem != "ok":
        raise ArchiveError(f"the database in the archive fails SQLite's check: {problem}")
    with open(staged, "rb+") as f:
        os.fsync(f.fileno())
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):  # an old WAL beside the new file would be read as its own
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(staged, path)
    sync_folder(path.parent)


# --- PostgreSQL -----------------------------------------------------------------------


def _libpq_environment():
    """The connection as libpq's environment variables (no password on a command line)."""
    s = connection.settings_dict
    env = dict(os.environ)
    for name, value in (("PGHOST", s["HOST"]), ("PGPORT", s["PORT"]), ("PGUSER", s["USER"]),
                        ("PGPASSWORD", s["PASSWORD"]), ("PGDATABASE", s["NAME"])):
        if value:
            env[name] = str(value)
    options = s.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(option):
            env["PG" + option.upper()] = str(options[option])
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env


def _program(name):
    path = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None)
    if not path:
        raise DatabaseError(f"`{name}` is not installed: install PostgreSQL's client programs "
                            "(Debian: postgresql-client) of the server's version or newer")
    return path


def program_major(path):
    """The major version of a PostgreSQL program (`pg_dump (PostgreSQL) 16.4` -> 16)."""
    out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    if not found:
        raise DatabaseError(f"cannot tell the version of {path} from {out.strip()!r}")
    return int(found.group(1))


def server_major():
    connection.ensure_connection()
    return connection.pg_version // 10000


def dump_postgres(target):
    """pg_dump's custom format at `target`: one snapshot of the whole database. The major
    version of pg_dump it was made with."""
    pg_dump = _program("pg_dump")
    major, server = program_major(pg_dump), server_major()
    if major < server:
        raise DatabaseError(f"{pg_dump} is version {major}, older than the PostgreSQL server ({server}): "
                            f"install postgresql-client-{server} (or newer) and back up again")
    _run([pg_dump, "--format=custom", "--file", str(target)], "pg_dump")
    return major


def other_sessions():
    """How many other connections the database has (a server still running)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def install_postgres(dump, made_with):
    """Restore the verified dump into the database, in one transaction: all of it or nothing."""
    pg_restore = _program("pg_restore")
    major = program_major(pg_restore)
    if made_with and major < made_with:
        raise DatabaseError(f"{pg_restore} is version {major}, older than the pg_dump that made the "
                            f"archive ({made_with}): install postgresql-client-{made_with} (or newer)")
    if other_sessions():
        raise DatabaseError(f"{description()} has other connections: stop `newsdesk serve` (and any "
                            "`newsdesk` command using it), then restore again")
    connection.close()
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--dbname", connection.settings_dict["NAME"], str(dump)], "pg_restore")


def _run(command, what):
    done = subprocess.run(command, env=_libpq_environment(), capture_output=True, text=True)
    if done.returncode != 0:
        raise DatabaseError(f"{what} failed (exit status {done.returncode}): {done.stderr.strip()[-2000:]}")
