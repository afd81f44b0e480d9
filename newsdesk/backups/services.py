"""`newsdesk backup` and `newsdesk restore`: one archive holding a consistent copy of the
database and every data folder's files, and putting one back into an installation."""

import shutil
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from . import archive, database
from .archive import ArchiveError
from .database import DatabaseError


def data_folders():
    """The folders of files that hold data, by their name in an archive. Every folder under
    VAR_DIR that holds data belongs here. Left out: the database (copied on its own), static
    files (`newsdesk serve` collects them anew), backups, locks and the keys made on start."""
    return {"media": Path(settings.MEDIA_ROOT), "originals": Path(settings.ORIGINALS_ROOT)}


STAGING_PREFIX = ".newsdesk-restore-"


class RestoreRefused(Exception):
    """A restore that would lose data or cannot work here; nothing was changed."""


def counted(manifest):
    """The manifest's folders in words: "media (12 files)"."""
    return ", ".join(f"{name} ({info['files']} file{'s' * (info['files'] != 1)})"
                     for name, info in manifest["folders"].items()) or "no folders"


def default_path(now=None):
    now = now or datetime.now()
    return settings.BACKUP_DIR / f"newsdesk-{now:%Y%m%d-%H%M%S}.tar.gz"


def _version():
    try:
        return metadata.version("newsdesk")
    except metadata.PackageNotFoundError:
        return "unknown"


def _folder_files(root):
    """[(path relative to root, as a POSIX name), absolute path] of every plain file, sorted."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if any(part.startswith(STAGING_PREFIX) for part in path.relative_to(root).parts):
            continue  # what a restore that was stopped left behind
        if path.is_file() and not path.is_symlink():
            found.append((path.relative_to(root).as_posix(), path))
    return found


def backup(target=None):
    """Write a backup archive to `target` (default: BACKUP_DIR/newsdesk-<time>.tar.gz); its
    path and manifest. The database is copied first, then the files: a picture saved meanwhile
    is in the archive with its files or not at all (its files are written before its row)."""
    target = Path(target or default_path()).resolve()
    if target.exists():
        raise ArchiveError(f"{target} already exists: give another name")
    target.parent.mkdir(parents=True, exist_ok=True)
    vendor = database.vendor()
    created = time.time()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".newsdesk-backup-") as scratch:
        db_name = f"{archive.DATABASE_DIR}/{database.FILE_NAMES[vendor]}"
        db_copy = Path(scratch, database.FILE_NAMES[vendor])
        db_info = {"vendor": vendor, "file": db_name}
        if vendor == database.SQLITE:
            migrations = database.copy_sqlite(db_copy)
        else:
            migrations = database.applied_migrations()
            db_info["pg_dump_major"] = database.dump_postgres(db_copy)
            db_info["server_major"] = database.server_major()
        connection.close()
        members = [(db_name, db_copy)]
        folders = {}
        for name, root in data_folders().items():
            files = [(f"{name}/{relative}", path) for relative, path in _folder_files(root)]
            members += files
            folders[name] = {"files": len(files)}
        hashes = {}
        for name, path in members:
            try:
                sha, size = archive.digest_of(path)
            except FileNotFoundError:  # removed since it was listed: not part of this backup
                continue
            hashes[name] = {"sha256": sha, "bytes": size}
        members = [(name, path) for name, path in members if name in hashes]
        for name in folders:
            listed = [m for m in hashes if m.startswith(name + "/")]
            folders[name] = {"files": len(listed), "bytes": sum(hashes[m]["bytes"] for m in listed)}
        manifest = {
            "format": archive.FORMAT,
            "format_version": archive.FORMAT_VERSION,
            "newsdesk_version": _version(),
            "created": datetime.fromtimestamp(created, timezone.utc).isoformat(timespec="seconds"),
            "created_unix": int(created),
            "database": db_info,
            "migrations": migrations,
            "folders": folders,
            "files": hashes,
        }
        archive.write(target, manifest, members)
    return target, manifest


def check(path):
    """The archive's manifest if this installation can take it, else ArchiveError or
    RestoreRefused saying why (reads the manifest only)."""
    manifest = archive.read_manifest(path)
    here, there = database.vendor(), manifest["database"].get("vendor")
    if there != here:
        raise RestoreRefused(
            f"{path} was made on {database.VENDOR_NAMES.get(there, there)} and this installation uses "
            f"{database.VENDOR_NAMES[here]}: restoring across database kinds is not supported (restore it "
            f"into an installation on {database.VENDOR_NAMES.get(there, there)})")
    if manifest["database"].get("file") != f"{archive.DATABASE_DIR}/{database.FILE_NAMES[here]}":
        raise ArchiveError(f"{path}: the manifest names no database copy")
    unknown_folders = sorted(set(manifest["folders"]) - set(data_folders()))
    if unknown_folders:
        raise RestoreRefused(f"{path} holds the folder {unknown_folders[0]!r}, which this Newsdesk does not "
                             "know: it was made by a newer Newsdesk; restore it with that version")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    for app, names in sorted(manifest["migrations"].items()):
        for name in names:
            if (app, name) not in known:
                raise RestoreRefused(f"{path} was made by a newer Newsdesk (its database has migration {app}.{name}, "
                                     "unknown here): restore it with that version")
    return manifest


def what_is_here():
    """What this installation holds that a restore would replace (empty: nothing)."""
    held = []
    table = database.rows_held()
    if table:
        held.append(f"{database.description()} holds data (rows in {table})")
    for name, root in data_folders().items():
        count = len(_folder_files(root))
        if count:
            held.append(f"{root} holds {count} file{'s' * (count != 1)}")
    connection.close()
    return held


def restore(path, *, force=False):
    """Restore the archive at `path` into this installation (refused if it holds data,
    unless `force`). Every file is checked before anything is changed."""
    path = Path(path)
    manifest = check(path)
    held = what_is_here()
    if held and not force:
        raise RestoreRefused("This installation is not empty: " + "; ".join(held)
                             + ". Nothing was changed. To replace it with the archive, restore with --force.")
    vendor = database.vendor()
    if vendor == database.SQLITE:
        db_path = database.sqlite_path()
        connection.close()
        if db_path.exists() and database.sqlite_in_use(db_path):
            raise DatabaseError(f"{db_path} is in use by another process: stop `newsdesk serve` (and any "
                                "`newsdesk` command using it), then restore again")
        db_parent = db_path.parent
    else:
        if database.other_sessions():
            raise DatabaseError(f"{database.description()} has other connections: stop `newsdesk serve` "
                                "(and any `newsdesk` command using it), then restore again")
        db_parent = settings.VAR_DIR
    db_parent.mkdir(parents=True, exist_ok=True)
    staging = {archive.DATABASE_DIR: Path(tempfile.mkdtemp(dir=db_parent, prefix=STAGING_PREFIX))}
    roots = data_folders()
    try:
        for name, root in roots.items():
            # Inside the folder itself: the same file system (a mounted volume too), so the
            # files are renamed into place, never copied.
            root.mkdir(parents=True, exist_ok=True)
            staging[name] = Path(tempfile.mkdtemp(dir=root, prefix=STAGING_PREFIX))
        archive.unpack(path, manifest, staging)
        db_file = staging[archive.DATABASE_DIR] / database.FILE_NAMES[vendor]
        if vendor == database.SQLITE:
            database.install_sqlite(db_file)
        else:
            database.install_postgres(db_file, manifest["database"].get("pg_dump_major"))
        for name, root in roots.items():
            _replace_contents(root, staging[name])
    finally:
        for folder in staging.values():
            shutil.rmtree(folder, ignore_errors=True)
    connection.close()
    _forget_cached_pages()
    return manifest


def _replace_contents(root, staged):
    """Make `root` hold what `staged` (a folder inside it) holds, and nothing else."""
    for entry in root.iterdir():
        if entry == staged:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in staged.iterdir():
        entry.rename(root / entry.name)
    archive.sync_folder(root)


def _forget_cached_pages():
    """Pages cached in Redis show what the database held before: drop every one."""
    from newsdesk.pagecache import store

    store.purge({store.EVERYTHING})


def pending_migrations():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connection.close()
    return len(pending)
