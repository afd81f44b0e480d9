import io

import pytest
from PIL import Image

from newsdesk.pictures import services
from newsdesk.pictures.models import Picture

from .conftest import files_in, jpeg, png_claiming, png_with_alpha, store, upload

pytestmark = pytest.mark.django_db


def opened(media, rendition):
    return Image.open(media / rendition["name"])


def test_a_turned_photo_is_stored_upright_in_each_width_up_to_its_own_without_exif(media):
    picture = store(jpeg((2000, 1200), orientation=6), caption="The ferry returns.", credit="Jane Doe")

    assert (picture.width, picture.height, picture.format) == (1200, 2000, "JPEG")
    assert [r["width"] for r in picture.renditions] == [320, 640, 960]
    for rendition in picture.renditions:
        image = opened(media, rendition)
        assert image.format == "JPEG" and image.size == (rendition["width"], rendition["height"])
        assert image.height > image.width  # upright
        assert not image.getexif() and "exif" not in image.info
        assert rendition["bytes"] == (media / rendition["name"]).stat().st_size
        assert rendition["name"].startswith("pictures/")
    assert (picture.caption, picture.credit) == ("The ferry returns.", "Jane Doe")


def test_file_names_are_hashes_of_their_content(media, originals):
    import hashlib

    picture = store()

    for rendition in picture.renditions:
        digest = hashlib.sha256((media / rendition["name"]).read_bytes()).hexdigest()[:32]
        assert rendition["name"] == f"pictures/{digest}-{rendition['width']}.jpg"
    digest = hashlib.sha256((originals / picture.original.name).read_bytes()).hexdigest()
    assert picture.original.name == f"{digest}.jpg"


def test_a_transparent_png_keeps_its_transparency(media):
    picture = store(png_with_alpha((800, 600)), name="logo.png")

    assert [r["width"] for r in picture.renditions] == [320, 640]
    image = opened(media, picture.renditions[0])
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((image.width - 1, 0))[3] == 0


def test_a_picture_narrower_than_every_width_keeps_its_own(media):
    picture = store(jpeg((200, 100)))

    assert [(r["width"], r["height"]) for r in picture.renditions] == [(200, 100)]


def test_a_gif_gives_its_first_frame(media):
    frames = [Image.new("P", (400, 300), color) for color in (1, 2, 3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])

    picture = store(out.getvalue(), name="anim.gif")

    assert picture.format == "GIF" and [r["width"] for r in picture.renditions] == [320]


def refused(data, name="photo.jpg", alt="A picture"):
    with pytest.raises(services.PictureError) as err:
        services.store_upload(upload(data, name), alt=alt, caption="", credit="")
    return str(err.value)


def test_a_text_file_named_jpg_is_not_a_picture(media):
    assert "not a picture" in refused(b"Minutes of the council meeting\n" * 20)
    assert files_in(media) == [] and not Picture.objects.exists()


def test_a_truncated_jpeg_is_damaged(media):
    data = jpeg((600, 400), noise=True)

    assert "damaged or incomplete" in refused(data[: len(data) // 2])
    assert files_in(media) == []


def test_a_file_over_the_byte_limit_is_refused(media, settings):
    settings.PICTURE_MAX_BYTES = 1000

    message = refused(jpeg((600, 400), noise=True))

    assert "a picture may be up to 1000" in message
    assert files_in(media) == []


def test_too_many_pixels_is_refused_before_decoding(media, settings):
    settings.PICTURE_MAX_PIXELS = 100

    assert "more pixels than Newsdesk takes" in refused(jpeg((20, 20)))
    assert files_in(media) == []


def test_a_decompression_bomb_is_refused(media):
    # 100,000 × 100,000 pixels claimed in a file of a hundred bytes.
    message = refused(png_claiming(100_000, 100_000), name="bomb.png")

    assert "more pixels than Newsdesk takes" in message
    assert files_in(media) == []


def test_a_bmp_is_named_and_refused(media):
    out = io.BytesIO()
    Image.new("RGB", (50, 50)).save(out, "BMP")

    assert "BMP pictures are not taken" in refused(out.getvalue(), name="scan.bmp")


@pytest.mark.parametrize("alt", ["", "   \n "])
def test_alt_text_is_required(media, alt):
    with pytest.raises(services.PictureError) as err:
        services.store_upload(upload(jpeg()), alt=alt, caption="", credit="")

    assert err.value.field == "alt" and "alt text" in str(err.value)
    assert files_in(media) == []


def test_files_are_removed_when_the_picture_cannot_be_saved(media, monkeypatch):
    def fail(**fields):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Picture.objects, "create", fail)

    with pytest.raises(RuntimeError):
        store()
    assert files_in(media) == []


def test_the_same_upload_twice_shares_its_files(media):
    first, second = store(), store()

    assert first.renditions == second.renditions and first.pk != second.pk
    assert len(files_in(media)) == 1 + len(first.renditions)
