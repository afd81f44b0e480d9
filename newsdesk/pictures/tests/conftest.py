"""Pictures made in memory, newsroom members, and media and originals folders of the test's own."""

import io
import struct
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsdesk.pictures import services

PASSWORD = "a long passphrase 42"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ORIGINALS_ROOT = tmp_path / "originals"
    return settings.MEDIA_ROOT


@pytest.fixture
def originals(settings):
    return settings.ORIGINALS_ROOT


def files_in(folder):
    """The files under `folder` (and under the originals beside it, for the media folder)."""
    folders = [folder, folder.with_name("originals")] if folder.name == "media" else [folder]
    return sorted(str(p.relative_to(f.parent)) for f in folders if f.exists() for p in f.rglob("*") if p.is_file())


def jpeg(size=(2000, 1200), orientation=None, noise=False, **save):
    """A JPEG photo; with `orientation`, EXIF says the camera was turned (6: rotate 90° to view)."""
    image = Image.effect_noise(size, 64).convert("RGB") if noise else Image.new("RGB", size, (200, 40, 30))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x013B] = "Jane Photographer"  # Artist
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), **save)
    return out.getvalue()


def png_with_alpha(size=(800, 600)):
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((30, 90, 200, 255), (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def png_claiming(width, height):
    """A PNG whose header claims `width` × `height` pixels, with almost nothing behind it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def store(data=None, name="photo.jpg", alt="Ferry at the quay in the morning fog", **fields):
    return services.store_upload(upload(data or jpeg(), name), alt=alt, **{"caption": "", "credit": "", **fields})


def make_member(username, role=None):
    user = get_user_model().objects.create_user(username, f"{username}@newsroom.example", PASSWORD)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def reporter(db):
    return make_member("remy", "Reporter")


@pytest.fixture
def editor(db):
    return make_member("edna", "Editor")


@pytest.fixture
def reader(db):
    return make_member("rita")
