"""What an upload leaves behind: no place, time or camera in any file kept; the original out of
every served folder; a body too large refused as it arrives; too many pixels refused unread."""

import io
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image, ImageCms

from newsdesk.pictures.models import Picture

from .conftest import PASSWORD, files_in, png_claiming, store, upload

pytestmark = pytest.mark.django_db

LIBRARY = "/newsroom/pictures/"
GPS_IFD = 0x8825
PHOTOGRAPHER = "Jane Photographer"


def sent_from_the_harbour(size=(1600, 1000), orientation=6):
    """A camera JPEG, turned (orientation 6: rotate 90° to view), with an sRGB profile, GPS
    coordinates, the photographer's name, XMP, an IPTC block and a comment."""
    image = Image.new("RGB", size, (200, 40, 30))
    image.paste((20, 20, 220), (0, 0, size[0] // 4, size[1]))  # a blue band on the left, as shot
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x013B] = PHOTOGRAPHER  # Artist
    if orientation:
        exif[0x0112] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (59.0, 54.0, 36.0), 3: "E", 4: (10.0, 44.0, 24.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description photoshop:City="Oslo"/></x:xmpmeta>'
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), icc_profile=icc, xmp=xmp, comment=b"Shot from the pier")
    data = out.getvalue()
    iptc = b"\x1c\x02\x5a" + struct.pack(">H", 4) + b"Oslo"  # IPTC City
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    app13 = b"Photoshop 3.0\x00" + block
    return data[:2] + b"\xff\xed" + struct.pack(">H", len(app13) + 2) + app13 + data[2:], icc


def assert_no_metadata(path):
    raw = path.read_bytes()
    for trace in (PHOTOGRAPHER.encode(), b"Camera maker", b"Oslo", b"Shot from the pier", b"Exif\x00\x00", b"8BIM"):
        assert trace not in raw, f"{trace!r} left in {path.name}"
    with Image.open(path) as image:
        assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
        assert not {"exif", "xmp", "photoshop", "comment"} & set(image.info), image.info.keys()


def shown(page):
    return page.content.decode().replace("\xa0", " ")  # sizes are written with a no-break space


def logged_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def post(client, data, name="harbour.jpg"):
    return client.post(LIBRARY, {"file": upload(data, name), "alt": "The harbour at dawn", "caption": "", "credit": ""})


def test_no_file_kept_tells_where_when_or_with_what_a_photo_was_taken(client, reporter, media, originals):
    data, icc = sent_from_the_harbour()
    with Image.open(io.BytesIO(data)) as sent:  # what the camera said, to be sure it said it
        assert sent.getexif().get_ifd(GPS_IFD)[1] == "N" and "photoshop" in sent.info and "xmp" in sent.info

    page = post(logged_in(client, reporter), data)

    assert page.status_code == 302
    picture = Picture.objects.get()
    kept = [originals / picture.original.name, *(media / r["name"] for r in picture.renditions)]
    assert len(kept) == 1 + 3 and all(path.is_file() for path in kept)
    for path in kept:
        assert_no_metadata(path)
        with Image.open(path) as image:
            assert image.height > image.width  # upright: the turn applied, not lost with the EXIF
            assert image.convert("RGB").getpixel((image.width // 2, 5))[2] > 150  # the blue band now on top
            assert image.info.get("icc_profile") == icc  # colours kept
    with Image.open(kept[0]) as original:
        assert original.format == "JPEG" and original.size == (1000, 1600) == (picture.width, picture.height)


def test_the_original_is_in_no_served_folder_and_no_media_address_leads_to_it(client, reporter, media, originals):
    picture = store()
    path = (originals / picture.original.name).resolve()

    assert path.is_file()
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert files_in(media) and all(not name.startswith("media/originals") for name in files_in(media))
    client.raise_request_exception = False
    for address in (picture.original.name, f"originals/{picture.original.name}", f"pictures/{picture.original.name}",
                    f"pictures/../originals/{picture.original.name}", f"pictures/../../originals/{picture.original.name}"):
        assert client.get(settings.MEDIA_URL + address).status_code in (400, 404), address
    assert client.get(settings.MEDIA_URL + picture.renditions[0]["name"]).status_code == 200


def test_newsroom_members_download_the_original_and_nobody_else(client, reporter, reader, originals):
    picture = store()

    client.raise_request_exception = False
    anonymous = client.get(picture.get_original_url())
    assert anonymous.status_code == 302 and "/account/login/" in anonymous["Location"]
    assert logged_in(client, reader).get(picture.get_original_url()).status_code == 403

    page = logged_in(client, reporter).get(picture.get_original_url())
    assert page.status_code == 200 and "private" in page["Cache-Control"]
    assert b"".join(page.streaming_content) == (originals / picture.original.name).read_bytes()
    assert "attachment" in page["Content-Disposition"]
    assert picture.get_original_url() in client.get(picture.get_newsroom_url()).content.decode()


# Too large: refused as the body arrives.

class Arriving(io.RawIOBase):
    """A request body arriving from the network: `head`, then `size` bytes in all; counts what is read."""

    def __init__(self, head, size):
        self.head, self.size, self.read_bytes = head, size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.read_bytes)
        start = self.read_bytes
        chunk = (self.head[start:start + n] if start < len(self.head) else b"").ljust(n, b"\xff")
        buffer[:n] = chunk
        self.read_bytes += n
        return n


def upload_head(file_size, boundary=BOUNDARY):
    head = encode_multipart(boundary, {"alt": "The harbour at dawn", "caption": "", "credit": ""})
    head = head.removesuffix(f"--{boundary}--\r\n".encode())
    return head + (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
                   "Content-Type: image/jpeg\r\n\r\n").encode() + b"\xff\xd8" + b"\0" * (file_size - 2)


def send(client, body, **environ):
    return client.generic("POST", LIBRARY, b"", **{"CONTENT_TYPE": MULTIPART_CONTENT, "wsgi.input": body, **environ})


def test_a_25_mb_upload_is_refused_before_any_of_it_is_read(client, reporter, media):
    body = Arriving(upload_head(1000), 25 * 1024 * 1024)

    page = send(logged_in(client, reporter), body, CONTENT_LENGTH=str(body.size))

    assert page.status_code == 413 and body.read_bytes == 0
    text = shown(page)
    assert "a picture may be up to 20.0 MB" in text and "Export it smaller" in text and 'href="/newsroom/pictures/"' in text
    assert files_in(media) == [] and not Picture.objects.exists()


def test_a_file_over_the_limit_in_a_body_that_said_less_is_stopped_once_past_it(client, reporter, media, settings):
    settings.PICTURE_MAX_BYTES = 256 * 1024
    body = Arriving(upload_head(2 * 1024 * 1024), 2 * 1024 * 1024 + 4000)

    page = send(logged_in(client, reporter), body, CONTENT_LENGTH=str(body.size))

    assert page.status_code == 413 and "a picture may be up to 256.0 KB" in shown(page)
    assert body.read_bytes < 512 * 1024  # reading stopped about the limit, not at the end
    assert files_in(media) == [] and not Picture.objects.exists()


def test_a_body_sent_in_chunks_without_a_length_is_stopped_at_the_limit(client, reporter, media):
    body = Arriving(upload_head(1000), 25 * 1024 * 1024)

    page = send(logged_in(client, reporter), body, CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked")

    assert page.status_code == 413 and "a picture may be up to 20.0 MB" in shown(page)
    assert settings.PICTURE_UPLOAD_MAX_BYTES < body.read_bytes <= settings.PICTURE_UPLOAD_MAX_BYTES + 64 * 1024
    assert files_in(media) == []


def test_a_picture_sent_in_chunks_without_a_length_is_taken(client, reporter, media):
    from .conftest import jpeg

    body = encode_multipart(BOUNDARY, {"file": upload(jpeg((800, 600))), "alt": "Chunked ferry", "caption": "", "credit": ""})

    page = send(logged_in(client, reporter), io.BytesIO(body), CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked")

    assert page.status_code == 302 and Picture.objects.get().alt == "Chunked ferry"


def test_any_other_request_is_refused_past_the_smaller_limit_unread(client, reporter):
    body = Arriving(b"", settings.REQUEST_MAX_BYTES + 1)

    page = logged_in(client, reporter).generic("POST", "/newsroom/", b"", **{
        "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(body.size), "wsgi.input": body})

    assert page.status_code == 413 and body.read_bytes == 0
    assert "at most 2 MB" in shown(page)


# Too many pixels: refused from the header, before decoding.

def test_a_45_megapixel_picture_is_refused_with_a_clear_error(client, reporter, media):
    # A full-size frame of a 45-megapixel camera (8192 × 5464), as a file of a hundred bytes.
    page = post(logged_in(client, reporter), png_claiming(8192, 5464), name="full-size.png")

    assert page.status_code == 400
    assert "more pixels than Newsdesk takes (44,761,088; at most 40,000,000)" in page.content.decode()
    assert files_in(media) == [] and not Picture.objects.exists()


def test_pillow_refuses_more_pixels_than_the_setting_wherever_a_picture_is_read():
    assert Image.MAX_IMAGE_PIXELS == settings.PICTURE_MAX_PIXELS <= 40_000_000


def png_bomb(width, height):
    """A real PNG of `width` × `height` black pixels: compressed to almost nothing, huge decoded."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor, row, parts = zlib.compressobj(9), b"\0" * (1 + 3 * width), []
    for _ in range(height):
        parts.append(compressor.compress(row))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


DECODE_IN_A_PROCESS_OF_ITS_OWN = """
import resource, sys
import django
django.setup()
from newsdesk.pictures import services
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    services.decode(data)
    print("decoded")
except services.PictureError as err:
    print(err)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


@pytest.mark.parametrize("width, height", [(7000, 6000), (12000, 12000)])  # over the limit; over twice it
def test_a_decompression_bomb_is_refused_without_taking_memory(tmp_path, width, height):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(width, height))
    assert bomb.stat().st_size < 1024 * 1024  # 126 MB or 432 MB once decoded

    env = {**os.environ, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("DATABASE_URL", None), env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", DECODE_IN_A_PROCESS_OF_ITS_OWN, str(bomb)], env=env,
                          capture_output=True, text=True, timeout=60)

    message, grown_mb = done.stdout.splitlines()
    assert "more pixels than Newsdesk takes" in message, done.stderr
    assert int(grown_mb) < 20


# Pictures kept before: `newsdesk strip-metadata`.

def test_strip_metadata_moves_old_originals_out_of_the_media_folder_without_their_metadata(media, originals):
    data, icc = sent_from_the_harbour(orientation=None)
    picture = store(data)
    # As an older Newsdesk kept it: the upload as it came, in the media folder; a rendition with EXIF.
    old = media / "originals" / "0a1b2c.jpg"
    old.parent.mkdir(parents=True)
    old.write_bytes(data)
    (media / picture.renditions[0]["name"]).write_bytes(data)
    (originals / picture.original.name).unlink()
    Picture.objects.filter(pk=picture.pk).update(original="originals/0a1b2c.jpg")
    twin = store(data)
    Picture.objects.filter(pk=twin.pk).update(original="originals/0a1b2c.jpg")
    out = io.StringIO()

    call_command("strip-metadata", stdout=out)

    assert "1 originals moved and stripped, renditions of 2 pictures remade." in out.getvalue()
    assert not old.exists()
    picture.refresh_from_db()
    twin.refresh_from_db()
    assert picture.original.name == twin.original.name and "/" not in picture.original.name
    assert_no_metadata(originals / picture.original.name)
    for rendition in picture.renditions:
        assert_no_metadata(media / rendition["name"])
    assert sorted(files_in(media)) == sorted(
        [f"originals/{picture.original.name}", *(f"media/{r['name']}" for r in picture.renditions)])

    call_command("strip-metadata", stdout=out)
    assert "0 originals moved and stripped, renditions of 0 pictures remade." in out.getvalue()
