"""`newsdesk backup` and `newsdesk restore` on SQLite: what an editor gets back is what was
there, and a damaged, foreign or unwelcome restore changes nothing."""

import json
import sqlite3
import subprocess
import sys
import tarfile
import time

from .conftest import Installation, rewrite


def test_a_backup_restored_into_a_fresh_installation_brings_back_stories_comments_and_pictures(newsroom, tmp_path):
    archive = newsroom.backup(tmp_path / "news.tar.gz")
    fresh = Installation(tmp_path / "fresh")

    out = fresh.newsdesk("restore", str(archive))

    assert "Restored the database and media" in out
    before = newsroom.what_readers_see()
    assert before.count("story ") == 2 and before.count("comment ") == 2 and before.count("picture ") == 1
    assert fresh.what_readers_see() == before
    assert fresh.media_files() == newsroom.media_files() and len(fresh.media_files()) > 1
    assert any(name.startswith("originals/") for name in fresh.media_files()), "the picture's original came back"
    fresh.newsdesk("migrate", "--check")


def test_the_default_archive_is_named_for_its_time_under_var_backups(newsroom):
    out = newsroom.newsdesk("backup")
    (archive,) = (newsroom.var_dir / "backups").glob("newsdesk-*.tar.gz")
    assert str(archive) in out and len(archive.name) == len("newsdesk-20250101-120000.tar.gz")
    with tarfile.open(archive) as tar:
        assert tar.getnames()[0] == "manifest.json"
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] == "sqlite"
    assert "0001_initial" in manifest["migrations"]["stories"]
    files = newsroom.media_files()
    for folder in ("media", "originals"):
        assert manifest["folders"][folder]["files"] == sum(name.startswith(folder + "/") for name in files)
    assert not list((newsroom.var_dir / "backups").glob(".*")), "no temporary file is left"


def test_a_damaged_archive_is_refused_and_nothing_changes(newsroom, tmp_path):
    archive = newsroom.backup(tmp_path / "news.tar.gz")
    target = Installation(tmp_path / "target")
    target.newsdesk("migrate", "--noinput", "-v0")
    before = target.what_readers_see(), target.media_files()

    # A picture's bytes changed, the archive otherwise whole: the file and the reason are named.
    altered = rewrite(archive, tmp_path / "altered.tar.gz",
                      lambda name, data: data[:-1] + b"x" if name.startswith("media/pictures/") else data)
    message = target.refused("restore", str(altered))
    assert "media/pictures/" in message and "does not match its checksum" in message

    # Cut short, as a copy that did not finish.
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    assert "damaged" in target.refused("restore", str(cut))

    # One byte flipped in the compressed stream.
    flipped = bytearray(archive.read_bytes())
    flipped[len(flipped) // 2] ^= 0xFF
    (tmp_path / "flipped.tar.gz").write_bytes(bytes(flipped))
    assert "Restore refused" in target.refused("restore", str(tmp_path / "flipped.tar.gz"))

    # Not one of ours at all.
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        tar.add(newsroom.var_dir / "newsdesk.sqlite3", arcname="newsdesk.sqlite3")
    assert "not a Newsdesk backup" in target.refused("restore", str(foreign))
    (tmp_path / "notes.txt").write_text("hello")
    assert "not a Newsdesk backup" in target.refused("restore", str(tmp_path / "notes.txt"))

    assert (target.what_readers_see(), target.media_files()) == before
    assert not [p for p in target.var_dir.rglob(".newsdesk-restore-*")], "no staging folder is left"


def test_a_restore_into_an_installation_with_data_is_refused_without_force(newsroom, tmp_path):
    archive = newsroom.backup(tmp_path / "news.tar.gz")
    newsroom.shell("from newsdesk.stories.models import Story; "
                   "Story.objects.filter(headline__startswith='Council').update(headline='Council rejects the budget')")
    changed = newsroom.what_readers_see()

    message = newsroom.refused("restore", str(archive))
    assert "not empty" in message and "--force" in message and "Nothing was changed" in message
    assert newsroom.what_readers_see() == changed

    done = newsroom.run("restore", "--force", str(archive))
    assert done.returncode == 0, done.stderr
    assert "WARNING" in done.stderr and "will be lost" in done.stderr
    assert "Council approves the budget" in newsroom.what_readers_see()
    assert "Council rejects" not in newsroom.what_readers_see()


def test_a_restore_is_refused_while_a_process_has_the_database_open(newsroom, tmp_path):
    archive = newsroom.backup(tmp_path / "news.tar.gz")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time; db = sqlite3.connect(sys.argv[1]); db.execute('select 1 from stories_story')"
        ".fetchall(); print('open', flush=True); time.sleep(60)"), str(newsroom.var_dir / "newsdesk.sqlite3")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        message = newsroom.refused("restore", "--force", str(archive))
        assert "in use by another process" in message and "stop `newsdesk serve`" in message
    finally:
        holder.kill()
        holder.wait()


WRITER = """
import itertools, sys, time
from django.db import transaction
from django.utils import timezone
from newsdesk.stories.models import Story
print("writing", flush=True)
for n in itertools.count():
    with transaction.atomic():  # two stories a transaction: a consistent copy has both or neither
        for half in "ab":
            Story.objects.create(kind=Story.Kind.BRIEF, headline=f"pair {n} {half}", body="<p>x</p>",
                                 status=Story.Status.DRAFT)
"""


def test_a_backup_taken_while_the_newsroom_writes_is_a_consistent_copy(newsroom, tmp_path):
    writer = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "shell", "--no-imports", "-c", WRITER],
                              env=newsroom.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    archives = []
    try:
        assert writer.stdout.readline().strip() == "writing"
        for n in range(3):
            time.sleep(0.3)
            archives.append(newsroom.backup(tmp_path / f"during-{n}.tar.gz"))
    finally:
        writer.kill()
        writer.wait()

    counts = []
    for n, archive in enumerate(archives):
        folder = tmp_path / f"copy-{n}"
        with tarfile.open(archive) as tar:
            tar.extract("database/newsdesk.sqlite3", folder, filter="data")
        db = sqlite3.connect(folder / "database" / "newsdesk.sqlite3")
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            halves = dict(db.execute("SELECT substr(headline, 1, length(headline) - 2), count(*) FROM stories_story "
                                     "WHERE headline LIKE 'pair %' GROUP BY 1").fetchall())
        finally:
            db.close()
        assert halves and set(halves.values()) == {2}, "a transaction was copied in part"
        counts.append(len(halves))
    assert counts == sorted(counts) and counts[0] < counts[-1], "the writer went on during the backups"
