"""Pictures: checking an upload, making its renditions, keeping them; describing a picture;
making it a story's lead picture. Views call these."""

import hashlib
import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

from newsdesk.audit.models import record
from newsdesk.stories import services as stories

from .models import Picture

# What Pillow may try to read an upload as, and the original's file extension.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
ACCEPTED = "JPEG, PNG, WebP or GIF"


class PictureError(Exception):
    """An upload or a change Newsdesk will not take; the message says why, to the person uploading."""

    def __init__(self, message, field="file"):
        super().__init__(message)
        self.field = field


def clean_alt(alt):
    alt = " ".join((alt or "").split())
    if not alt:
        raise PictureError("Describe what the picture shows in the alt text: readers who cannot see it rely on it.",
                           field="alt")
    return alt


def store_upload(file, *, alt, caption="", credit="", by=None):
    """Check an uploaded picture, make its renditions and keep them; the new Picture.

    Everything is checked and made in memory first, so that a refused upload writes nothing.
    """
    alt = clean_alt(alt)
    data = _read(file)
    image, source_format = _decode(data)
    width, height = image.size
    files = [(f"originals/{hashlib.sha256(data).hexdigest()}.{FORMATS[source_format]}", data)]
    try:
        made = list(_renditions(image))
    except Exception as err:  # an unusual pixel format (e.g. 16-bit grey) Pillow cannot convert
        raise PictureError(f"Newsdesk could not convert this picture ({err}). Export it as an 8-bit "
                           "RGB JPEG or PNG and upload that.") from None
    renditions = []
    for rendition in made:
        content = rendition.pop("content")
        digest = hashlib.sha256(content).hexdigest()[:32]
        rendition["name"] = f"pictures/{digest}-{rendition['width']}.{rendition.pop('ext')}"
        files.append((rendition["name"], content))
        renditions.append(rendition)

    written = []
    try:
        names = {}
        for name, content in files:
            # Same bytes, same name: an upload seen before reuses its files.
            if default_storage.exists(name):
                names[name] = name
            else:
                names[name] = default_storage.save(name, ContentFile(content))
                written.append(names[name])
        for rendition in renditions:
            rendition["name"] = names[rendition["name"]]
        with transaction.atomic():
            picture = Picture.objects.create(
                original=names[files[0][0]], format=source_format, width=width, height=height,
                alt=alt, caption=caption.strip(), credit=" ".join(credit.split()),
                renditions=renditions, uploaded_by=by,
            )
            record(by, "picture-upload", picture, f"{width}×{height} {source_format}")
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return picture


def _read(file):
    limit = settings.PICTURE_MAX_BYTES
    size = getattr(file, "size", None)
    if size is None or size <= limit:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)  # never more than the limit, whatever the size claims
        size = len(data)
    if size > limit:
        raise PictureError(f"The file is {filesizeformat(size)}; a picture may be up to {filesizeformat(limit)}. "
                           "Export it smaller (e.g. 3000 pixels wide) and upload it again.")
    if not data:
        raise PictureError("The file is empty.")
    return data


def _decode(data):
    """The upload's first frame, upright and fully decoded, and its format; PictureError if unreadable."""
    max_pixels = settings.PICTURE_MAX_PIXELS
    too_many_pixels = ("The picture has more pixels than Newsdesk takes ({pixels:,}; at most {max:,}): "
                       "export it smaller and upload it again.")
    try:
        with warnings.catch_warnings():
            # Pillow only warns at its own limit; a bomb is an error here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only the header is read here: the size is checked before anything is decoded.
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if image.width * image.height > max_pixels:
                raise PictureError(too_many_pixels.format(pixels=image.width * image.height, max=max_pixels))
            image.verify()
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            source_format = image.format
            image.load()  # the first frame of a GIF; a truncated file fails here
            image = ImageOps.exif_transpose(image)
    except PictureError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureError(f"The picture claims more pixels than Newsdesk takes (at most {max_pixels:,}): "
                           "export it smaller and upload it again.") from None
    except UnidentifiedImageError:
        raise PictureError(_unreadable(data)) from None
    except Exception as err:  # Pillow raises many kinds on damaged input: OSError, SyntaxError, ValueError…
        raise PictureError(
            f"The file looks like a {source_format_name(data)} but is damaged or incomplete ({err}). "
            "Open it in an image editor, export it again and upload that."
        ) from None
    return image, source_format


def source_format_name(data):
    for signature, name in ((b"\xff\xd8", "JPEG"), (b"\x89PNG", "PNG"), (b"GIF8", "GIF"), (b"RIFF", "WebP")):
        if data.startswith(signature):
            return name
    return "picture"


def _unreadable(data):
    try:
        with Image.open(io.BytesIO(data)) as image:  # any format Pillow knows, to name it
            kind = image.format
    except Exception:
        return f"This file is not a picture Newsdesk can read. Upload a {ACCEPTED} file."
    return f"{kind} pictures are not taken. Upload a {ACCEPTED} file."


def _renditions(image):
    """The picture in each configured width up to its own, as JPEG, or PNG where it is transparent.

    Nothing of the original's metadata is copied (EXIF may hold a place and a camera's serial
    number) except the colour profile, without which colours shift.
    """
    icc_profile = image.info.get("icc_profile")
    transparent = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if transparent else "RGB")
    if transparent and image.getchannel("A").getextrema() == (255, 255):
        transparent, image = False, image.convert("RGB")  # an alpha channel nobody uses
    image.info = {}
    widths = [w for w in settings.PICTURE_WIDTHS if w <= image.width] or [image.width]
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize(
            (width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        if transparent:
            resized.save(out, "PNG", optimize=True, icc_profile=icc_profile)
        else:
            resized.save(out, "JPEG", quality=82, optimize=True, progressive=True, icc_profile=icc_profile)
        content = out.getvalue()
        yield {"width": width, "height": height, "bytes": len(content), "content": content,
               "ext": "png" if transparent else "jpg"}


@transaction.atomic
def describe(picture, *, alt, caption, credit, by):
    """Change what the newsroom says about a picture: its alt text, caption and credit."""
    picture.alt, picture.caption, picture.credit = clean_alt(alt), caption.strip(), " ".join(credit.split())
    picture.save(update_fields=["alt", "caption", "credit"])
    record(by, "picture-describe", picture)
    return picture


def use_as_lead(picture, story, *, by):
    """Make `picture` the lead picture of `story`, as an edit of the story (a revision, the log)."""
    if not stories.can_edit(by, story):
        raise PictureError(f"You may not edit “{story}”.", field="story")
    story.lead_picture = picture
    return stories.save(story, by=by, action="lead-picture")
