"""Pictures kept before originals lost their metadata and left the media folder: their originals
are remade upright and without metadata in ORIGINALS_ROOT, and renditions carrying any are
remade from them (`newsdesk strip-metadata`)."""

import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from . import services
from .models import Picture
from .storage import originals

# Where originals were kept in the media folder, and so were served by any front server serving it.
OLD_FOLDER = "originals/"
# What in a picture file's info is metadata (EXIF and its GPS, XMP, IPTC in Photoshop's block, comments).
METADATA = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "iptc", "comment")


def has_metadata(file):
    with Image.open(file) as image:
        text = image.text if hasattr(image, "text") else {}  # a PNG's text chunks
        return bool(image.getexif()) or any(key in image.info for key in METADATA) or bool(text)


def pictures_to_strip():
    return Picture.objects.filter(original__startswith=OLD_FOLDER)


def strip_all(report=print):
    """Every picture's original moved out of the media folder without its metadata, and renditions
    with metadata remade; what it did, as counts. Idempotent: run it again, it finds nothing to do."""
    done = {"originals": 0, "renditions": 0, "failed": 0}
    replaced, moved = set(), {}
    for picture in Picture.objects.order_by("pk").iterator():
        try:
            old = picture.original.name
            if old.startswith(OLD_FOLDER):
                if old not in moved:  # pictures of the same upload share it: moved with the first
                    moved[old] = _move_original(picture)
                    done["originals"] += 1
                picture.original.name = moved[old]
            old = [r["name"] for r in picture.renditions]
            if any(_rendition_has_metadata(name) for name in old):
                _remake_renditions(picture)
                replaced.update(set(old) - {r["name"] for r in picture.renditions})
                done["renditions"] += 1
        except (services.PictureError, OSError) as err:
            done["failed"] += 1
            report(f"picture #{picture.pk}: {err}")
    in_use = {r["name"] for renditions in Picture.objects.values_list("renditions", flat=True) for r in renditions}
    for name in replaced - in_use:
        default_storage.delete(name)
    return done


def _move_original(picture):
    old = picture.original.name
    with default_storage.open(old, "rb") as file:
        data = file.read()
    # It was taken once at its size: a lower PICTURE_MAX_PIXELS since does not refuse it now.
    image, _, encoding = services.decode(data, max_pixels=picture.width * picture.height)
    content, ext = services.encode_original(image, encoding)
    name = f"{hashlib.sha256(content).hexdigest()}.{ext}"
    if not originals.exists(name):
        originals.save(name, ContentFile(content))
    # Every picture of the same upload shares the file: all of them move at once.
    Picture.objects.filter(original=old).update(original=name)
    default_storage.delete(old)
    return name


def _rendition_has_metadata(name):
    try:
        with default_storage.open(name, "rb") as file:
            return has_metadata(io.BytesIO(file.read()))
    except FileNotFoundError:
        return True  # remade as well


def _remake_renditions(picture):
    with originals.open(picture.original.name, "rb") as file:
        image, _, _ = services.decode(file.read(), max_pixels=picture.width * picture.height)
    renditions = []
    for rendition in services.rendition_files(image):
        content = rendition.pop("content")
        if not default_storage.exists(rendition["name"]):
            default_storage.save(rendition["name"], ContentFile(content))
        renditions.append(rendition)
    Picture.objects.filter(pk=picture.pk).update(renditions=renditions)
    picture.renditions = renditions
