"""Installations of their own for the backup tests: each a VAR_DIR (its SQLite database and
media) or, with a PostgreSQL URL, a database of its own; driven by real `newsdesk` commands."""

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from newsdesk.site.tests.conftest import SUITE_ONLY

MAKE_NEWS = """
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
import io
from newsdesk.comments.models import Comment
from newsdesk.pictures.services import store_upload
from newsdesk.stories.models import Story

for n, headline in enumerate(["Harbour ferry returns after repairs", "Council approves the budget"]):
    story = Story.objects.create(kind=Story.Kind.ARTICLE, headline=headline, body="<p>It happened.</p>",
                                 status=Story.Status.PUBLISHED, published_at=timezone.now())
    Comment.objects.create(story=story, author_name="Ada", text=f"Good news {n}", html=f"<p>Good news {n}</p>",
                           status=Comment.Status.APPROVED, digest=f"d{n}")
png = io.BytesIO()
Image.new("RGB", (400, 300), (200, 30, 30)).save(png, "PNG")
store_upload(SimpleUploadedFile("red.png", png.getvalue(), content_type="image/png"), alt="A red square")
"""

WHAT_READERS_SEE = """
from newsdesk.comments.models import Comment
from newsdesk.pictures.models import Picture
from newsdesk.stories.models import Story
for story in Story.objects.order_by("headline"):
    print("story", story.headline, story.status)
for comment in Comment.objects.order_by("text"):
    print("comment", comment.story.headline, comment.text)
for picture in Picture.objects.all():
    print("picture", picture.original, picture.alt)
"""


class Installation:
    def __init__(self, var_dir, **env):
        self.var_dir = Path(var_dir)
        self.env = {name: value for name, value in os.environ.items() if name not in SUITE_ONLY}
        self.env.update(VAR_DIR=str(self.var_dir), SECRET_KEY="newsdesk-backup-tests", **env)

    @property
    def media(self):
        return self.var_dir / "media"

    def run(self, *args, timeout=180):
        return subprocess.run([sys.executable, "-m", "newsdesk.cli", *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def newsdesk(self, *args, timeout=180):
        done = self.run(*args, timeout=timeout)
        assert done.returncode == 0, f"newsdesk {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def refused(self, *args):
        """The message of a command that must fail."""
        done = self.run(*args)
        assert done.returncode != 0, f"newsdesk {' '.join(args)} should have failed:\n{done.stdout}"
        return done.stderr

    def shell(self, code):
        return self.newsdesk("shell", "--no-imports", "-c", code)

    def what_readers_see(self):
        return self.shell(WHAT_READERS_SEE)

    def media_files(self):
        """Every stored file: the public media (renditions) and the pictures' private originals."""
        return {p.relative_to(self.var_dir).as_posix(): p.read_bytes()
                for folder in (self.media, self.var_dir / "originals") for p in sorted(folder.rglob("*"))
                if p.is_file()}

    def backup(self, path):
        self.newsdesk("backup", str(path))
        return path


@pytest.fixture
def newsroom(tmp_path):
    """An installation with stories, comments and a picture."""
    site = Installation(tmp_path / "newsroom")
    site.newsdesk("migrate", "--noinput", "-v0")
    site.shell(MAKE_NEWS)
    return site


def rewrite(source, target, change):
    """A copy of the archive with change(name, data) -> data applied to each file, gzip intact."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            data = old.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return target
