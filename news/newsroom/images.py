"""Photo uploads: checked by content, re-encoded, stripped of EXIF, and cut into renditions once.

Nothing here trusts a file name or an extension. The header is read first (no pixel is
decoded), so an image over the pixel limit is refused before it costs memory.

Memory (docs/decisions/0005-image-memory-budget.md): a worker accepting the largest image
allowed stays under 512 MB. One full-size decoded copy of an upload exists at a time (a
JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers the stored size). It is
scaled down a tile at a time; mode conversion and EXIF orientation apply to the small result.

Renditions are named by their bytes ("<original's stem>.<hash>-640.webp"): a name always
means the same picture, so readers keep them a year (portal/media.py, deploy/nginx/).
"""

import hashlib
import io
import logging
import math
import posixpath
import re
import struct
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from PIL import (
    ExifTags,
    Image,
    JpegImagePlugin,
    PngImagePlugin,
    UnidentifiedImageError,
    WebPImagePlugin,
)

from core import caching
from news.models import Article, ArticlePhoto, Photo

logger = logging.getLogger(__name__)

# Importing a plugin registers its header parser in Image.OPEN, where _header finds it.
_PLUGINS = (JpegImagePlugin, PngImagePlugin, WebPImagePlugin)

MAX_BYTES = 10 * 1024 * 1024
# Counting every frame. Decoded, a pixel takes 4 bytes (Pillow keeps RGB in 32 bits too):
# 40 MP is 160 MB. The worst case, a progressive CMYK JPEG, adds libjpeg's coefficients
# (8 bytes a pixel): a worker peaks near 430 MB (measured, see the ADR).
MAX_PIXELS = 40_000_000
# libwebp's decoder keeps two canvases of its own, and Pillow a copy of its output, beside
# the image: 16 bytes a pixel while a WebP is decoded, so 20 MP is 320 MB.
MAX_WEBP_PIXELS = 20_000_000
# Pillow warns over this and refuses twice this in Image.open: a guard for all the process's
# image code. Our own check (inspect) comes first, counts every frame and names the size.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Pillow inflates a PNG's compressed text chunks while reading the header (64 MB by default).
# We keep no metadata; a photo's own text is far below this.
PngImagePlugin.MAX_TEXT_MEMORY = 8 * 1024 * 1024

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The stored original is re-encoded and at most this many pixels on its long side.
ORIGINAL_MAX_SIDE = 2560
# Scaling down works on tiles of at most this many output pixels a side (see _shrink).
TILE = 256
# Rendition widths: the first is the listing thumbnail, the rest serve the article page.
RENDITION_WIDTHS = [320, 640, 960, 1280, 1600]
THUMBNAIL_WIDTH = RENDITION_WIDTHS[0]
JPEG_QUALITY = 84
WEBP_QUALITY = 80

# What a header parser or a decoder may raise on a damaged or hostile file.
_READ_ERRORS = (OSError, ValueError, EOFError, SyntaxError, struct.error)
# EXIF orientation → the turn that makes the picture upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Modes with alpha are scaled premultiplied, as Pillow's own resize does.
_PREMULTIPLIED = {"RGBA": "RGBa", "LA": "La"}


def _rewind(file):
    if hasattr(file, "seek"):
        file.seek(0)


_number_format = lazy(number_format, str)


def pixel_limit(image_format):
    """The most pixels (every frame counted) we accept in an image of this format."""
    if image_format == "WEBP":
        return min(MAX_PIXELS, MAX_WEBP_PIXELS)
    return MAX_PIXELS


def _megapixels(pixels):
    """Rounded up to a tenth, so an image just over the limit never reads as the limit;
    written in the language the message is shown in (40.1, 40,1)."""
    value = math.ceil(pixels / 100_000) / 10
    return _number_format(value, decimal_pos=0 if value.is_integer() else 1)


def _too_many_pixels(pixels, image_format):
    return ValidationError(
        _("The image is too large (%(megapixels)s megapixels); the limit is %(limit)s."),
        code="too_many_pixels",
        params={
            "megapixels": _megapixels(pixels),
            "limit": pixel_limit(image_format) // 1_000_000,
        },
    )


def _not_an_image():
    return ValidationError(_("This file is not a JPEG, PNG or WebP image."), code="not_an_image")


def _header(file):
    """(format, width, height, frames) from the header; no pixel is decoded.

    The parser is Pillow's own for whichever of our formats the first bytes name. Pillow's
    bomb guard (in Image.open) is left out here on purpose: ours follows at once, counts
    every frame and tells the editor the real size, where Pillow's would stop anything over
    twice its limit with an error that says nothing about megapixels.
    """
    _rewind(file)
    prefix = file.read(16)
    for image_format in ACCEPTED_FORMATS:
        factory, accept = Image.OPEN[image_format]
        if accept(prefix) is True:
            _rewind(file)
            with factory(file, "") as image:
                return image.format, image.width, image.height, getattr(image, "n_frames", 1)
    raise UnidentifiedImageError("not a JPEG, PNG or WebP image")


def _inspect(file):
    """(format, pixels of every frame) of an upload we accept; ValidationError otherwise."""
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
    try:
        image_format, width, height, frames = _header(file)
    except _READ_ERRORS as error:
        raise _not_an_image() from error
    finally:
        _rewind(file)
    if image_format not in ACCEPTED_FORMATS:  # an MPO (multi-picture JPEG), say
        raise _not_an_image()
    pixels = width * height * max(frames or 1, 1)
    if pixels > pixel_limit(image_format):
        raise _too_many_pixels(pixels, image_format)
    return image_format, pixels


def inspect(file):
    """Check an upload by its content; returns the Pillow format name.

    Raises ValidationError (a form error, never a 500) for anything we do not accept.
    """
    return _inspect(file)[0]


def _flatten(image):
    """An image JPEG can hold: RGB, transparent parts on white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode(image, image_format):
    buffer = io.BytesIO()
    if image_format == "JPEG":
        _flatten(image).save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif image_format == "WEBP":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _stored_mode(image):
    """The mode an upload's pixels are stored in: RGB, RGBA, L or LA."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image.mode
    return "RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB"


def _fit(size, side):
    """`size` scaled down to fit a `side` × `side` square, its aspect ratio kept."""
    width, height = size
    if max(width, height) <= side:
        return size
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _spans(out_size, start, end, limit):
    """Tiles along one axis of a resize of source [start, end) to `out_size` pixels.

    Yields (output from, output to, source from, source to, crop from, crop to): the crop is
    the source span widened by the Lanczos filter's reach (3 pixels, times the scale when
    shrinking), so a tile comes out as it would from resizing the whole image.
    """
    scale = (end - start) / out_size
    reach = math.ceil(3 * max(scale, 1)) + 1
    for out_from in range(0, out_size, TILE):
        out_to = min(out_from + TILE, out_size)
        source_from = start + out_from * scale
        source_to = min(end, start + out_to * scale)
        crop_from = max(0, math.floor(source_from) - reach)
        crop_to = min(limit, math.ceil(source_to) + reach)
        yield out_from, out_to, source_from, source_to, crop_from, crop_to


def _shrink(image, size, box):
    """The `box` region of `image`, scaled to `size` (Lanczos), in the mode we store.

    Pillow's resize of an RGBA image converts the whole of it to premultiplied RGBa first: a
    second full-size copy. Here each output tile is made from a small crop of the source,
    converted on its own, so the decoded image is the only full-size one.
    """
    mode = _stored_mode(image)
    work = _PREMULTIPLIED.get(mode, mode)
    left, top, right, bottom = box
    columns = list(_spans(size[0], left, right, image.width))
    result = Image.new(work, size)
    for out_top, out_bottom, y_from, y_to, crop_top, crop_bottom in _spans(
        size[1], top, bottom, image.height
    ):
        for out_left, out_right, x_from, x_to, crop_left, crop_right in columns:
            tile = image.crop((crop_left, crop_top, crop_right, crop_bottom))
            if tile.mode != mode:
                tile = tile.convert(mode)
            if work != mode:
                tile = tile.convert(work)
            tile = tile.resize(
                (out_right - out_left, out_bottom - out_top),
                Image.Resampling.LANCZOS,
                box=(x_from - crop_left, y_from - crop_top, x_to - crop_left, y_to - crop_top),
            )
            result.paste(tile, (out_left, out_top))
    return result if work == mode else result.convert(mode)


def _upright(image):
    """The turn the EXIF orientation asks for, or None (also when the EXIF is unreadable)."""
    try:
        return _UPRIGHT.get(image.getexif().get(ExifTags.Base.Orientation))
    except (*_READ_ERRORS, KeyError, TypeError, IndexError):
        return None


def _decode(file, image_format):
    """The first frame, at most ORIGINAL_MAX_SIDE on its long side, and the turn it needs.

    Only this function holds the full-size decoded image; it is gone when it returns.
    """
    _rewind(file)
    with Image.open(file, formats=[image_format]) as source:
        source.seek(0)
        size = _fit(source.size, ORIGINAL_MAX_SIDE)
        box = (0, 0, *source.size)
        if image_format == "JPEG" and size != source.size:
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale, as long as that still covers `size`.
            drafted = source.draft(None, size)
            if drafted is not None:
                box = drafted[1]
        source.load()
        turn = _upright(source)
        if size == source.size:
            small = source.convert(_stored_mode(source))
        else:
            small = _shrink(source, size, box)
    return small, turn


def _load(file, image_format):
    """Decode, scale down, turn upright by the EXIF orientation; keep no metadata."""
    image, turn = _decode(file, image_format)
    if turn is not None:
        image = image.transpose(turn)
    # A fresh image carries no EXIF, XMP or text chunks: nothing of the upload but pixels.
    image.info = {}
    return image


def clean_upload(file):
    """Validate and re-encode an upload; returns a ContentFile with a server-made name.

    Re-encoding writes only the decoded pixels, so anything appended to or hidden in the
    file (a script after the JPEG end marker, HTML in a comment, GPS in EXIF) is gone.
    """
    image_format, pixels = _inspect(file)
    try:
        image = _load(file, image_format)
    except Image.DecompressionBombError as error:
        # Pillow's guard, were its limit ever below ours: the same answer as ours.
        raise _too_many_pixels(pixels, image_format) from error
    except _READ_ERRORS as error:
        raise ValidationError(
            _("This image could not be read; it may be damaged."), code="broken_image"
        ) from error
    data = _encode(image, image_format)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{ACCEPTED_FORMATS[image_format]}")


# Renditions --------------------------------------------------------------------------


# A rendition's name ends in the first 16 hex digits of the SHA-256 of its bytes. A name
# always means the same bytes and a replaced photo gets new names, so readers' browsers
# keep them a year. Names made before (no hash: "<stem>-640.webp") are still served, kept a
# week, and made again with hashes when their row is saved, or by upgrade_renditions.
HASH_LENGTH = 16
HASHED_NAME = re.compile(r"\.[0-9a-f]{16}-[0-9]+\.(?:jpg|webp)$")


def _digest(data):
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def _rendition_name(original_name, width, extension, data):
    stem, _ext = posixpath.splitext(original_name)
    return f"{stem}.{_digest(data)}-{width}.{extension}"


def _stored_digest(storage, name):
    try:
        with storage.open(name, "rb") as handle:
            return _digest(handle.read())
    except OSError:
        return None


def _store(storage, name, data):
    """Write a rendition under its hashed name; returns the name.

    A file already there with these bytes is kept (the same rendition, made again). One
    with other bytes (a write cut short) is replaced: a hashed name is cached a year, so it
    must never stand for anything but its own bytes.
    """
    if storage.exists(name):
        if _stored_digest(storage, name) == _digest(data):
            return name
        storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:  # another process wrote the same bytes meanwhile: keep its file
        storage.delete(saved)
    return name


def _open_stored(field_file):
    """The stored original (re-encoded by us, at most ORIGINAL_MAX_SIDE), decoded as RGB."""
    with (
        field_file.storage.open(field_file.name, "rb") as handle,
        Image.open(handle, formats=list(ACCEPTED_FORMATS)) as source,
    ):
        source.load()
        return _flatten(source)


def make_renditions(field_file):
    """Write the WebP and JPEG renditions of a stored image; returns their description.

    {"width": W, "height": H, "sizes": [{"w": 320, "h": 200, "jpeg": name, "webp": name}, …]}
    Names are storage names, each with a hash of the file's bytes; templates turn them
    into URLs.
    """
    storage = field_file.storage
    image = _open_stored(field_file)
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
            data = _encode(scaled, image_format)
            name = _rendition_name(field_file.name, scaled.width, extension, data)
            entry[key] = _store(storage, name, data)
        sizes.append(entry)
    return {"width": width, "height": height, "sizes": sizes}


def rendition_names(renditions):
    return [
        entry[key]
        for entry in (renditions or {}).get("sizes", [])
        for key in ("jpeg", "webp")
        if entry.get(key)
    ]


def hashed(renditions):
    """Whether every rendition named carries the hash of its bytes (made since names do)."""
    names = rendition_names(renditions)
    return bool(names) and all(HASHED_NAME.search(name) for name in names)


def still_named(name):
    """Whether a row still names this stored image: a library photo and the gallery photos
    that show it share one file (news.newsroom.library), which lives while any names it."""
    # An article's main photo is a library photo too (Article.library_photo, PROTECT), so
    # the article table (large, and not indexed by photo) need not be asked.
    return (
        Photo.objects.filter(image=name).exists()
        or ArticlePhoto.objects.filter(image=name).exists()
    )


def delete_files(names, storage=None, original=None):
    """Remove stored files once the transaction that dropped them has committed; an
    `original` image that a row still names keeps itself and its renditions."""
    storage = storage or default_storage
    names = [name for name in names if name]
    if not names:
        return

    def remove():
        if original and still_named(original):
            return
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
    "news.photo": ("image", "renditions"),
}


def _fields(instance):
    return IMAGE_FIELDS[instance._meta.label_lower]


def refresh_renditions(instance, previous=None):
    """Bring an object's renditions in line with its image after a save.

    `previous` is (image name, renditions) as they were before the save: when the image
    was replaced or cleared, the old file and its renditions are deleted. Renditions named
    before names carried a hash are made again (`_upgrade`).
    Saves only the renditions column; a no-op when nothing changed.
    """
    image_field, renditions_field = _fields(instance)
    field_file = getattr(instance, image_field)
    renditions = getattr(instance, renditions_field) or {}
    old_name, old_renditions = previous or (None, None)
    if old_name and old_name != field_file.name:
        delete_files(
            [old_name, *rendition_names(old_renditions)], field_file.storage, original=old_name
        )
        renditions = {}
    if not field_file:
        if renditions:
            delete_files(rendition_names(renditions), field_file.storage)
        new = {}
    elif renditions.get("sizes") and old_name in (None, field_file.name):
        if hashed(renditions):
            return
        new = _upgrade(instance, field_file, renditions)
        if new is None:
            return
    else:
        new = make_renditions(field_file)
    if new != getattr(instance, renditions_field):
        setattr(instance, renditions_field, new)
        type(instance).objects.filter(pk=instance.pk).update(**{renditions_field: new})


def _upgrade(instance, field_file, renditions):
    """Renditions with hashed names for an image whose renditions were named without.

    Every row showing the same file (a library photo and its gallery photos) takes the new
    names in this transaction, the content version moves so no cached page names the old
    ones, and the old files are deleted once it commits. None, and the old renditions kept,
    when the image cannot be read or the new files written: a save never fails for this.
    """
    try:
        new = make_renditions(field_file)
    except (*_READ_ERRORS, Image.DecompressionBombError):
        logger.warning("could not remake the renditions of %s", field_file.name, exc_info=True)
        return None
    # Articles whose main photo is this library photo's file: asked through the library.
    shared = Photo.objects.filter(image=field_file.name)
    Article.objects.filter(library_photo__in=shared).update(photo_renditions=new)
    shared.update(renditions=new)
    ArticlePhoto.objects.filter(image=field_file.name).update(renditions=new)
    caching.bump()
    stale = set(rendition_names(renditions)) - set(rendition_names(new))
    delete_files(sorted(stale), field_file.storage)
    return new


def upgrade_renditions():
    """Make hashed renditions for every stored image still named the old way; returns how
    many images were done. For a deployment's existing photos (docs/readers.md):

        python manage.py upgrade_renditions

    Each image is one transaction; one that cannot be read is logged and left as it is
    (its old renditions still work). Running it again does nothing more.
    """
    done = 0
    for model, (image_field, renditions_field) in (
        (Article, IMAGE_FIELDS["news.article"]),
        (Photo, IMAGE_FIELDS["news.photo"]),
        (ArticlePhoto, IMAGE_FIELDS["news.articlephoto"]),
    ):
        rows = (
            model.objects.exclude(**{image_field: ""})
            .exclude(**{renditions_field: {}})
            .order_by("pk")
            .values_list("pk", renditions_field)
        )
        pending = [pk for pk, renditions in rows.iterator() if not hashed(renditions)]
        for pk in pending:
            try:
                with transaction.atomic():
                    # Read again, locked: a gallery photo may have been done with its
                    # library photo.
                    instance = model.objects.select_for_update().filter(pk=pk).first()
                    if instance is None or hashed(getattr(instance, renditions_field)):
                        continue
                    refresh_renditions(instance)
            except _READ_ERRORS:  # the file is gone, so its size could not be read
                logger.warning("could not remake the renditions of %s %s", model.__name__, pk)
                continue
            if hashed(getattr(instance, renditions_field)):
                done += 1
    return done


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
    delete_files(names, field_file.storage, original=field_file.name)
