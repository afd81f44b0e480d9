"""Pictures: checking an upload, making its renditions, keeping them; describing a picture;
making it a story's lead picture. Views call these."""

import errno
import hashlib
import io
import re
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
from .storage import originals

# What Pillow may try to read an upload as.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPTED = "JPEG, PNG, WebP or GIF"


class PictureError(Exception):
    """An upload or a change Newsdesk will not take; the message says why, to the person uploading."""

    def __init__(self, message, field="file", status=400):
        super().__init__(message)
        self.field, self.status = field, status


NO_ROOM = ("There is no room left on the server to keep this picture, so nothing was saved. "
           "Ask whoever runs the site to free some space, then upload it again.")


def clean_alt(alt):
    alt = " ".join((alt or "").split())
    if not alt:
        raise PictureError("Describe what the picture shows in the alt text: readers who cannot see it rely on it.",
                           field="alt")
    return alt


def store_upload(file, *, alt, caption="", credit="", by=None):
    """Check an uploaded picture, make its renditions and keep them; the new Picture.

    Everything is checked and made in memory first, so that a refused upload writes nothing.
    Nothing kept carries the upload's metadata (EXIF, GPS, XMP, IPTC): the original is kept
    upright and without it, out of the served folder; the renditions are made from it.
    """
    alt = clean_alt(alt)
    data = _read(file)
    image, source_format, encoding = decode(data)
    width, height = image.size
    original, ext = encode_original(image, encoding)
    files = [(originals, f"{hashlib.sha256(original).hexdigest()}.{ext}", original)]
    del data, original
    renditions = []
    for rendition in rendition_files(image):
        content = rendition.pop("content")
        files.append((default_storage, rendition["name"], content))
        renditions.append(rendition)

    written = []
    try:
        names = {}
        for storage, name, content in files:
            # Same bytes, same name: an upload seen before reuses its files.
            if storage.exists(name):
                names[name] = name
            else:
                names[name] = _save(storage, name, content)
                written.append((storage, names[name]))
        for rendition in renditions:
            rendition["name"] = names[rendition["name"]]
        with transaction.atomic():
            picture = Picture.objects.create(
                original=names[files[0][1]], format=source_format, width=width, height=height,
                alt=alt, caption=caption.strip(), credit=" ".join(credit.split()),
                renditions=renditions, uploaded_by=by,
            )
            record(by, "picture-upload", picture, f"{width}×{height} {source_format}")
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return picture


def _save(storage, name, content):
    """Write one file; PictureError (507) when the disk is full, with nothing half-written left behind."""
    try:
        return storage.save(name, ContentFile(content))
    except OSError as err:
        # The storage creates the file, then writes it: a write cut short leaves the start
        # of it under its final name, which no picture must ever point to.
        try:
            if storage.exists(name) and storage.size(name) != len(content):
                storage.delete(name)
        except OSError:
            pass
        if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise PictureError(NO_ROOM, status=507) from None
        raise


def _read(file):
    limit = settings.PICTURE_MAX_BYTES
    size = getattr(file, "size", None)
    if size is None or size <= limit:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)  # never more than the limit, whatever the size claims
        size = len(data)
    if size > limit:
        raise PictureError(too_large_message(size))
    if not data:
        raise PictureError("The file is empty.")
    return data


def too_large_message(size=None):
    """What an editor is told of a file over PICTURE_MAX_BYTES (`size` when known)."""
    limit = filesizeformat(settings.PICTURE_MAX_BYTES)
    told = f"The file is {filesizeformat(size)}" if size else "The file is too large"
    return (f"{told}; a picture may be up to {limit}. "
            "Export it smaller (e.g. 3000 pixels wide) and upload it again.")


def decode(data, max_pixels=None):
    """The upload's first frame, upright and fully decoded, without metadata but its colour profile
    and transparency; its format; and how its JPEG was encoded. PictureError if unreadable or
    larger than `max_pixels` (default PICTURE_MAX_PIXELS)."""
    max_pixels = max_pixels or settings.PICTURE_MAX_PIXELS
    too_many_pixels = ("The picture has more pixels than Newsdesk takes ({pixels}; at most {max:,}): "
                       "export it smaller and upload it again.")
    try:
        with warnings.catch_warnings():
            # Pillow only warns at its own limit (PICTURE_MAX_PIXELS, see apps.py); a bomb is an
            # error here, unless this picture may be larger (one taken under an older limit).
            bombs = "error" if max_pixels <= (Image.MAX_IMAGE_PIXELS or max_pixels) else "ignore"
            warnings.simplefilter(bombs, Image.DecompressionBombWarning)
            # Only the header is read here: the size is checked before anything is decoded.
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if image.width * image.height > max_pixels:
                raise PictureError(too_many_pixels.format(pixels=f"{image.width * image.height:,}", max=max_pixels))
            image.verify()
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            source_format = image.format
            encoding = _jpeg_encoding(image) if source_format == "JPEG" else {}
            image.load()  # the first frame of a GIF; a truncated file fails here
            ImageOps.exif_transpose(image, in_place=True)
    except PictureError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        # Pillow's guard, at the same limit, stopped it on opening: nothing was decoded.
        claimed = re.search(r"\((\d+) pixels\)", str(err))
        pixels = f"{int(claimed[1]):,}" if claimed else "too many"
        raise PictureError(too_many_pixels.format(pixels=pixels, max=max_pixels)) from None
    except UnidentifiedImageError:
        raise PictureError(_unreadable(data)) from None
    except Exception as err:  # Pillow raises many kinds on damaged input: OSError, SyntaxError, ValueError…
        raise PictureError(
            f"The file looks like a {source_format_name(data)} but is damaged or incomplete ({err}). "
            "Open it in an image editor, export it again and upload that."
        ) from None
    # Nothing else of the upload's metadata goes further (EXIF may hold a place and a camera's
    # serial number); without its colour profile colours would shift.
    image.info = {key: image.info[key] for key in KEPT_INFO if image.info.get(key) is not None}
    return image, source_format, encoding


# What of a decoded picture's info is kept: nothing that says where, when or with what.
KEPT_INFO = ("icc_profile", "transparency")


def _jpeg_encoding(image):
    """How the uploaded JPEG was compressed, to keep the original at the same quality."""
    from PIL import JpegImagePlugin

    return {"qtables": image.quantization, "subsampling": JpegImagePlugin.get_sampling(image),
            "progressive": "progressive" in image.info or "progression" in image.info}


def encode_original(image, encoding):
    """The original as kept: a JPEG again, compressed as it came (its quantisation tables and
    subsampling: hardly a loss); any other format as a lossless PNG. Its bytes and extension."""
    out = io.BytesIO()
    if encoding:
        image.save(out, "JPEG", optimize=True, **encoding, **image.info)
        return out.getvalue(), "jpg"
    image.save(out, "PNG", **image.info)
    return out.getvalue(), "png"


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


def rendition_files(image):
    """Each rendition of `image` with its content and storage name (a hash of the content)."""
    try:
        made = list(_renditions(image))
    except Exception as err:  # an unusual pixel format (e.g. 16-bit grey) Pillow cannot convert
        raise PictureError(f"Newsdesk could not convert this picture ({err}). Export it as an 8-bit "
                           "RGB JPEG or PNG and upload that.") from None
    for rendition in made:
        digest = hashlib.sha256(rendition["content"]).hexdigest()[:32]
        rendition["name"] = f"pictures/{digest}-{rendition['width']}.{rendition.pop('ext')}"
    return made


def _renditions(image):
    """The picture in each configured width up to its own, as JPEG, or PNG where it is transparent,
    with no metadata but the colour profile."""
    icc_profile = image.info.get("icc_profile")
    transparent = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if transparent else "RGB"
    image = image if image.mode == mode else image.convert(mode)  # no copy of a plain photo
    if transparent and image.getchannel("A").getextrema() == (255, 255):
        transparent, image = False, image.convert("RGB")  # an alpha channel nobody uses
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
