"""A backup archive: one .tar.gz holding manifest.json first, then the database copy and
every data folder's files, each listed in the manifest with its size and SHA-256.

An archive is written under a hidden temporary name beside its final one and renamed into
place once whole and synced, so a backup that fails or is killed leaves nothing under the
final name. Reading one checks every file against the manifest while unpacking it into a
staging folder; nothing is installed until the whole archive has been read and checked."""

import gzip
import hashlib
import io
import json
import os
import tarfile
import zlib
from pathlib import Path, PurePosixPath

FORMAT = "newsdesk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_DIR = "database"
CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """An archive that cannot be written or trusted; the message names the file and why."""


def digest_of(path):
    """(SHA-256 hex digest, size) of a file."""
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


class _Hashing(io.RawIOBase):
    """Reads through to a file, hashing what passes."""

    def __init__(self, f):
        self.f, self.sha, self.size = f, hashlib.sha256(), 0

    def readable(self):
        return True

    def read(self, n=-1):
        data = self.f.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def sync_folder(folder):
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write(target, manifest, files):
    """Write `manifest` and `files` ([(name in archive, path)], hashed in the manifest's
    "files") to `target`. A file that changed since it was hashed fails the backup."""
    target = Path(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(partial, "xb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6) as tar:
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, manifest_time(manifest)
                tar.addfile(info, io.BytesIO(data))
                for name, path in files:
                    expected = manifest["files"][name]
                    info = tarfile.TarInfo(name)
                    info.size, info.mode, info.mtime = expected["bytes"], 0o600, manifest_time(manifest)
                    try:
                        with open(path, "rb") as f:
                            reader = _Hashing(f)
                            tar.addfile(info, reader)
                    except (OSError, tarfile.TarError) as error:
                        raise ArchiveError(f"{name}: could not be read ({error}); if it changed during the "
                                           "backup, run the backup again") from None
                    if reader.sha.hexdigest() != expected["sha256"]:
                        raise ArchiveError(f"{name}: changed while it was being backed up; run the backup again")
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)
        sync_folder(target.parent)
    finally:
        partial.unlink(missing_ok=True)


def manifest_time(manifest):
    return int(manifest.get("created_unix", 0))


def _open(path):
    try:
        return tarfile.open(path, mode="r:gz")
    except FileNotFoundError:
        raise ArchiveError(f"{path}: no such file") from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise ArchiveError(f"{path}: not a Newsdesk backup (not a gzip-compressed tar archive: {error})") from None


def read_manifest(path):
    """The archive's manifest, checked to be one this Newsdesk reads; ArchiveError if not."""
    with _open(path) as tar:
        try:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise ArchiveError(f"{path}: not a Newsdesk backup ({MANIFEST} is not its first file)")
            manifest = json.loads(tar.extractfile(first).read())
        except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as error:
            raise ArchiveError(f"{path}: {MANIFEST} cannot be read, the archive is damaged ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"{path}: not a Newsdesk backup ({MANIFEST} is not a Newsdesk manifest)")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ArchiveError(f"{path}: made by a newer Newsdesk (backup format {version!r}; this one reads "
                           f"up to {FORMAT_VERSION})")
    for key, kind in (("files", dict), ("folders", dict), ("database", dict), ("migrations", dict)):
        if not isinstance(manifest.get(key), kind):
            raise ArchiveError(f"{path}: {MANIFEST} is damaged (no {key!r})")
    for name, entry in manifest["files"].items():
        if not (_safe(name) and isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
                and isinstance(entry.get("bytes"), int)):
            raise ArchiveError(f"{path}: {MANIFEST} is damaged or unsafe (its entry for {name!r})")
    return manifest


def _safe(name):
    """A relative path of plain parts: nothing that could land outside its folder."""
    parts = PurePosixPath(name).parts
    return (bool(parts) and not name.startswith("/") and "\\" not in name and "\x00" not in name
            and all(part not in ("", ".", "..") for part in parts) and str(PurePosixPath(*parts)) == name)


def unpack(path, manifest, destinations):
    """Unpack every file but the manifest under destinations[its first path part] (a staging
    folder), checking each one's size and SHA-256 against the manifest; ArchiveError naming
    the file and why, at the first one that is not as listed."""
    expected, seen, last = manifest["files"], set(), MANIFEST
    with _open(path) as tar:
        try:
            first = tar.next()
            if first is None or first.name != MANIFEST:
                raise ArchiveError(f"{path}: not a Newsdesk backup ({MANIFEST} is not its first file)")
            while (member := tar.next()) is not None:
                name = member.name
                if name not in expected:
                    raise ArchiveError(f"{path}: {name} is not listed in the manifest (a foreign or altered archive)")
                if name in seen:
                    raise ArchiveError(f"{path}: {name} is in the archive twice")
                if not member.isfile():
                    raise ArchiveError(f"{path}: {name} is not a plain file")
                top, _, rest = name.partition("/")
                if top not in destinations or not rest:
                    raise ArchiveError(f"{path}: {name} belongs to no folder this Newsdesk restores")
                target = Path(destinations[top], rest)
                target.parent.mkdir(parents=True, exist_ok=True)
                sha, size = hashlib.sha256(), 0
                source = tar.extractfile(member)
                with open(target, "xb") as out:
                    while chunk := source.read(CHUNK):
                        sha.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                if size != expected[name]["bytes"] or sha.hexdigest() != expected[name]["sha256"]:
                    raise ArchiveError(f"{path}: {name} does not match its checksum in the manifest (the archive is damaged)")
                seen.add(name)
                last = name
            # Read to the very end: gzip's own check of the whole stream is in its last bytes.
            while tar.fileobj.read(CHUNK):
                pass
        except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
            raise ArchiveError(f"{path}: damaged after {last} ({error})") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveError(f"{path}: {missing[0]} is listed in the manifest but missing from the archive"
                           + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
