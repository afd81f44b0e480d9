"""The disk that keeps pictures fills up: the editor is told plainly that nothing was saved
(507), no half-written file stays behind, and no picture in the library points to a missing
or cut-short file. The media folder is a 2 MB filesystem of the test's own (tmpfs)."""

import subprocess
import time

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from newsdesk.pictures.models import Picture
from newsdesk.pictures.storage import originals
from newsdesk.site.tests.faults import current_test
from newsdesk.testing import need, record_figures

from .conftest import files_in, jpeg, make_member, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_disk(settings, tmp_path):
    """A 2 MB disk holding both picture folders (the served renditions and the private originals);
    the media folder's path."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    need(mounted.returncode == 0, f"cannot mount a small tmpfs for the pictures (needs root): {mounted.stderr.strip()}")
    settings.MEDIA_ROOT, settings.ORIGINALS_ROOT = disk / "media", disk / "originals"
    try:
        yield settings.MEDIA_ROOT
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def files_of(picture):
    """The files a picture points to, as files_in() names them."""
    return {f"originals/{picture.original.name}", *(f"media/{r['name']}" for r in picture.renditions)}


def kept_files():
    """The files the library's pictures point to, as files_in() names them."""
    return {name for picture in Picture.objects.all() for name in files_of(picture)}


def upload_until_full(client, tries=30):
    """Upload different photos until one is refused; (stored, the refusal, seconds to answer it)."""
    stored = 0
    for n in range(tries):
        began = time.monotonic()
        response = client.post(reverse("pictures:library"), {
            "file": upload(jpeg((1600, 1000), noise=True, quality=90), f"photo-{n}.jpg"),
            "alt": f"Photo number {n}", "caption": "", "credit": ""})
        if response.status_code != 302:
            return stored, response, time.monotonic() - began
        stored += 1
    raise AssertionError(f"{tries} photos fitted on a 2 MB disk")


def test_a_full_disk_refuses_the_upload_cleanly(client, small_disk):
    client.force_login(make_member("edna", "Editor"))

    stored, response, _ = upload_until_full(client)

    assert response.status_code == 507
    html = response.content.decode()
    assert "no room left on the server" in html and "nothing was saved" in html
    assert Picture.objects.count() == stored
    # Every file on the disk belongs to a picture, whole, and every picture's files are there.
    assert set(files_in(small_disk)) == kept_files()
    for picture in Picture.objects.all():
        assert originals.size(picture.original.name) == picture.original.size
        for rendition in picture.renditions:
            assert default_storage.size(rendition["name"]) == rendition["bytes"]
            with default_storage.open(rendition["name"]) as f:
                Image.open(f).load()  # not cut short

    # Space freed: the same editor uploads again.
    for picture in Picture.objects.all():
        originals.delete(picture.original.name)
        for rendition in picture.renditions:
            default_storage.delete(rendition["name"])
    Picture.objects.all().delete()
    again = client.post(reverse("pictures:library"), {"file": upload(jpeg(), "again.jpg"), "alt": "Again",
                                                      "caption": "", "credit": ""})
    assert again.status_code == 302 and Picture.objects.count() == 1


@pytest.mark.reliability
def test_uploads_filling_the_disk(client, small_disk):
    client.force_login(make_member("edna", "Editor"))
    stored, response, seconds = upload_until_full(client)
    on_disk = set(files_in(small_disk))
    missing = sum(1 for picture in Picture.objects.all() if not files_of(picture) <= on_disk)
    assert response.status_code == 507 and on_disk == kept_files() and missing == 0
    record_figures(
        "disk-full", test=current_test(), title="The media disk full",
        what=("Editors upload 1600×1000 photos (with their renditions) to a media folder on a 2 MB tmpfs until "
              "the disk is full; the refused upload must leave nothing behind."),
        faults_injected=1, uploads_stored=stored, uploads_refused=1, refusal_status=response.status_code,
        files_on_disk=len(on_disk), files_without_a_picture=len(on_disk - kept_files()),
        pictures_with_a_missing_file=missing,
        seconds_to_refuse=round(seconds, 2),
    )
