"""Photo uploads: checked by content, re-encoded, stripped of EXIF, and cut into renditions once.

Nothing here trusts a file name or an extension. The header is read first (Pillow's
`Image.open` decodes no pixels), so a decompression bomb is refused before it costs memory.
"""

import io
import logging
import posixpath
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 100_000_000  # counting every frame
# Pillow refuses images over twice this outright; our own check below comes first.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The stored original is re-encoded and at most this many pixels on its long side.
ORIGINAL_MAX_SIDE = 2560
# Rendition widths: the first is the listing thumbnail, the rest serve the article page.
RENDITION_WIDTHS = [320, 640, 960, 1280, 1600]
THUMBNAIL_WIDTH = RENDITION_WIDTHS[0]
JPEG_QUALITY = 84
WEBP_QUALITY = 80


def _rewind(file):
    if hasattr(file, "seek"):
        file.seek(0)


def inspect(file):
    """Check an upload by its content; returns the Pillow format name.

    Raises ValidationError (a form error, never a 500) for anything we do not accept.
    """
    size = getattr(file, "size", None)
    if size is None:
        _rewind(file)
        size = len(file.read())
    if size > MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="too_large",
            params={"size": round(size / 1024 / 1024, 1), "limit": MAX_BYTES // 1024 // 1024},
        )
    _rewind(file)
    try:
        # Our own limit comes next; Pillow's warning for 100–200 MP would only be noise.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:  # reads the header only
                image_format = image.format
                width, height = image.size
                frames = getattr(image, "n_frames", 1) or 1
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise ValidationError(
            _("This file is not a JPEG, PNG or WebP image."), code="not_an_image"
        ) from error
    finally:
        _rewind(file)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(_("This file is not a JPEG, PNG or WebP image."), code="not_an_image")
    if width * height * frames > MAX_PIXELS:
        raise ValidationError(
            _("The image is too large (%(megapixels)s megapixels); the limit is %(limit)s."),
            code="too_many_pixels",
            params={
                "megapixels": round(width * height * frames / 1_000_000),
                "limit": MAX_PIXELS // 1_000_000,
            },
        )
    return image_format


def _flatten(image):
    """An image JPEG can hold: RGB, transparent parts on white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image, image_format):
    buffer = io.BytesIO()
    if image_format == "JPEG":
        _flatten(image).save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif image_format == "WEBP":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _load(file):
    """Decode the first frame, apply the EXIF orientation, keep no metadata."""
    _rewind(file)
    with Image.open(file) as source:
        source.seek(0)
        source.load()
        image = ImageOps.exif_transpose(source)
        if image is source:
            image = source.copy()
    # A fresh image carries no EXIF, XMP or text chunks: nothing of the upload but pixels.
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    image.info = {}
    image.thumbnail((ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE), Image.Resampling.LANCZOS)
    return image


def clean_upload(file):
    """Validate and re-encode an upload; returns a ContentFile with a server-made name.

    Re-encoding writes only the decoded pixels, so anything appended to or hidden in the
    file (a script after the JPEG end marker, HTML in a comment, GPS in EXIF) is gone.
    """
    image_format = inspect(file)
    try:
        image = _load(file)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This image could not be read; it may be damaged."), code="broken_image"
        ) from error
    data = _encode(image, image_format)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{ACCEPTED_FORMATS[image_format]}")


# Renditions --------------------------------------------------------------------------


def _rendition_name(original_name, width, extension):
    stem, _ext = posixpath.splitext(original_name)
    return f"{stem}-{width}.{extension}"


def make_renditions(field_file):
    """Write the WebP and JPEG renditions of a stored image; returns their description.

    {"width": W, "height": H, "sizes": [{"w": 320, "h": 200, "jpeg": name, "webp": name}, …]}
    Names are storage names; templates turn them into URLs.
    """
    storage = field_file.storage
    with storage.open(field_file.name, "rb") as handle, Image.open(handle) as source:
        source.load()
        image = _flatten(source)
    width, height = image.size
    widths = [w for w in RENDITION_WIDTHS if w < width] + [min(width, RENDITION_WIDTHS[-1])]
    sizes = []
    for target in sorted(set(widths)):
        scaled = image
        if target < width:
            scaled = image.resize(
                (target, max(1, round(height * target / width))), Image.Resampling.LANCZOS
            )
        entry = {"w": scaled.width, "h": scaled.height}
        for key, image_format, extension in (("jpeg", "JPEG", "jpg"), ("webp", "WEBP", "webp")):
            name = _rendition_name(field_file.name, scaled.width, extension)
            if storage.exists(name):
                storage.delete(name)
            entry[key] = storage.save(name, ContentFile(_encode(scaled, image_format)))
        sizes.append(entry)
    return {"width": width, "height": height, "sizes": sizes}


def rendition_names(renditions):
    return [
        entry[key]
        for entry in (renditions or {}).get("sizes", [])
        for key in ("jpeg", "webp")
        if entry.get(key)
    ]


def delete_files(names, storage=None):
    """Remove stored files once the transaction that dropped them has committed."""
    storage = storage or default_storage
    names = [name for name in names if name]
    if not names:
        return

    def remove():
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # already gone, or a read-only volume: never fail the request
                logger.warning("could not delete media file %s", name)

    transaction.on_commit(remove)


# Model helpers: which field holds the image and where its renditions go ----------------

IMAGE_FIELDS = {
    "news.article": ("photo", "photo_renditions"),
    "news.articlephoto": ("image", "renditions"),
}


def _fields(instance):
    return IMAGE_FIELDS[instance._meta.label_lower]


def refresh_renditions(instance, previous=None):
    """Bring an object's renditions in line with its image after a save.

    `previous` is (image name, renditions) as they were before the save: when the image
    was replaced or cleared, the old file and its renditions are deleted.
    Saves only the renditions column; a no-op when nothing changed.
    """
    image_field, renditions_field = _fields(instance)
    field_file = getattr(instance, image_field)
    renditions = getattr(instance, renditions_field) or {}
    old_name, old_renditions = previous or (None, None)
    if old_name and old_name != field_file.name:
        delete_files([old_name, *rendition_names(old_renditions)], field_file.storage)
        renditions = {}
    if not field_file:
        if renditions:
            delete_files(rendition_names(renditions), field_file.storage)
        new = {}
    elif renditions.get("sizes") and old_name in (None, field_file.name):
        return
    else:
        new = make_renditions(field_file)
    if new != getattr(instance, renditions_field):
        setattr(instance, renditions_field, new)
        type(instance).objects.filter(pk=instance.pk).update(**{renditions_field: new})


def snapshot(instance):
    """(image name, renditions) of the stored row, for `refresh_renditions(previous=…)`."""
    image_field, renditions_field = _fields(instance)
    if instance.pk is None:
        return (None, None)
    row = type(instance).objects.filter(pk=instance.pk).values(image_field, renditions_field)
    row = row.first()
    if row is None:
        return (None, None)
    return (row[image_field] or None, row[renditions_field])


def delete_all_files(instance):
    """An object is gone: its image and renditions go too."""
    image_field, renditions_field = _fields(instance)
    field_file = getattr(instance, image_field)
    names = [field_file.name, *rendition_names(getattr(instance, renditions_field))]
    delete_files(names, field_file.storage)
