"""Image uploads within a memory budget (docs/decisions/0005-image-memory-budget.md).

- The worst image each format may bring (the most pixels the limit allows, in the mode
  that costs most to decode) is accepted by a fresh worker-like process whose peak RSS
  stays under 512 MB. Before the fix a 100-megapixel RGBA PNG took about 1.35 GB.
- An image over the limit always gets the "too many megapixels" answer, read from the
  header before any decoding: also when Pillow's own bomb guard would fire first.
- Scaling down a tile at a time gives what Pillow's whole-image resize gives.
"""

import io
import json
import random
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image, ImageChops, ImageFile, PngImagePlugin

from news.newsroom import images
from news.newsroom.forms import ImageUploadField
from tests.factories import photos

pytestmark = [pytest.mark.security, pytest.mark.usefixtures("media_root")]

BUDGET_KB = 512 * 1024
# Half-transparent red: the alpha channel is real, so nothing takes a shortcut.
PIXEL = bytes((200, 40, 40, 128))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def rgba_png(width, height, *, header_only=False):
    """An 8-bit RGBA PNG made row by row with zlib (no Pillow, little memory): every pixel
    the same, so 40 megapixels are a few hundred kilobytes. `header_only`: the image stream
    is empty, for checks that must refuse the file before decoding it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    deflate = zlib.compressobj(9)
    row = b"\0" + PIXEL * width
    stream = b"".join(deflate.compress(row) for _ in range(0 if header_only else height))
    stream += deflate.flush()
    return PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def jpeg_claiming(width, height):
    """A small real JPEG whose frame header claims another size (a bomb's header)."""
    data = bytearray(photos.image_bytes("JPEG", size=(16, 16)))
    frame = data.index(b"\xff\xc0")  # SOF0: marker, length, precision, height, width
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def refusal(data, name="photo.png"):
    with pytest.raises(ValidationError) as error:
        images.clean_upload(photos.upload(data, name))
    return error.value


def english(error):
    with translation.override("en"):
        return " ".join(error.messages)


def forbid_decoding(monkeypatch):
    """From now on in the test, any attempt to decode pixels fails it."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(Image.Image, "load", refuse)


@pytest.fixture
def no_decoding(monkeypatch):
    forbid_decoding(monkeypatch)


# --- the limit, read from the header -------------------------------------------------------


def test_limits_keep_a_decoded_image_far_below_the_budget():
    # 4 bytes a decoded pixel: the largest image is 160 MB; a WebP costs 16 bytes a pixel
    # while libwebp decodes it (320 MB at its limit).
    assert images.MAX_PIXELS == 40_000_000
    assert images.pixel_limit("PNG") == images.pixel_limit("JPEG") == images.MAX_PIXELS
    assert images.pixel_limit("WEBP") == images.MAX_WEBP_PIXELS == 20_000_000
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS


def test_help_text_names_the_limits():
    with translation.override("en"):
        text = str(ImageUploadField().help_text)
    assert f"{images.MAX_PIXELS // 1_000_000} megapixels" in text
    assert f"WebP {images.MAX_WEBP_PIXELS // 1_000_000} megapixels" in text


def test_the_largest_image_allowed_passes_the_header_check(no_decoding):
    upload = photos.upload(rgba_png(8000, 5000, header_only=True), "edge.png")
    assert images.inspect(upload) == "PNG"


def test_one_row_over_the_limit_is_refused_with_the_megapixels_message(no_decoding):
    error = refusal(rgba_png(8000, 5001, header_only=True))
    assert error.code == "too_many_pixels"
    # Rounded up: an image just over the limit never reads as the limit itself.
    assert "(40.1 megapixels); the limit is 40." in english(error)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (rgba_png(16_000, 10_000, header_only=True), "bomb.png"),
        (jpeg_claiming(16_000, 10_000), "bomb.jpg"),
    ],
    ids=["png", "jpeg"],
)
def test_four_times_the_limit_gets_the_megapixels_message_not_pillows(data, name, no_decoding):
    # Pillow's own guard refuses this size in Image.open, with an error about bombs.
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(data))
    error = refusal(data, name)
    assert error.code == "too_many_pixels"
    assert "(160 megapixels); the limit is 40." in english(error)
    with pytest.raises(ValidationError) as through_the_form:
        ImageUploadField().clean(photos.upload(data, name))
    assert "megapixels" in english(through_the_form.value)
    assert "not a JPEG" not in english(through_the_form.value)


def test_pillows_guard_at_decoding_gives_the_same_answer(monkeypatch):
    """Were our limit ever above Pillow's, its error while decoding is still ours."""
    monkeypatch.setattr(images, "MAX_PIXELS", 10**12)
    error = refusal(rgba_png(16_000, 10_000, header_only=True))
    assert error.code == "too_many_pixels"


def test_webp_has_its_own_lower_limit(monkeypatch):
    monkeypatch.setattr(images, "MAX_WEBP_PIXELS", 64 * 64 * 3 - 1)
    error = refusal(photos.animated_webp(frames=3).read(), "anim.webp")
    assert error.code == "too_many_pixels"
    assert images.clean_upload(photos.png(size=(64, 64 * 3))).name.endswith(".png")
    monkeypatch.setattr(images, "MAX_WEBP_PIXELS", 64 * 64 * 3)
    assert images.inspect(photos.animated_webp(frames=3)) == "WEBP"


def test_png_text_chunks_cannot_inflate_to_more_than_8_mb(monkeypatch):
    info = PngImagePlugin.PngInfo()
    for number in range(9):  # 9 chunks of 1 MB of text, a few kilobytes compressed
        info.add_text(f"Comment{number}", "x" * (1024 * 1024 - 64), zip=True)
    with Image.new("RGB", (8, 8)) as small:
        buffer = io.BytesIO()
        small.save(buffer, "PNG", pnginfo=info)
    assert len(buffer.getvalue()) < 200_000
    forbid_decoding(monkeypatch)
    assert refusal(buffer.getvalue()).code == "not_an_image"


# --- decoding: at reduced scale, one full-size copy, tiles -----------------------------------


def test_a_large_jpeg_is_decoded_at_reduced_scale(monkeypatch):
    seen = []
    shrink = images._shrink

    def spy(image, size, box):
        seen.append(image.size)
        return shrink(image, size, box)

    monkeypatch.setattr(images, "_shrink", spy)
    cleaned = images.clean_upload(photos.jpeg(size=(6000, 4000)))
    assert seen == [(3000, 2000)]  # libjpeg decoded it at 1/2 scale: a quarter of the memory
    with Image.open(cleaned) as stored:
        assert stored.size == (2560, 1707)


def test_a_large_photo_is_turned_upright_after_scaling():
    image = Image.new("RGB", (3000, 1000), (220, 20, 20))
    image.paste((20, 20, 220), (1500, 0, 3000, 1000))  # left half red, right half blue
    exif = Image.Exif()
    exif[photos.ORIENTATION] = 6  # turn 90° clockwise to view
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    cleaned = images.clean_upload(photos.upload(buffer.getvalue(), "tall.jpg"))
    with Image.open(cleaned) as stored:
        assert stored.size == (853, 2560)
        assert not stored.getexif()
        top, bottom = stored.getpixel((426, 100)), stored.getpixel((426, 2460))
    assert top[0] > 180 > top[2]  # the left (red) half is now on top
    assert bottom[2] > 180 > bottom[0]


def noise(mode, size, seed=7):
    bands = len(Image.new(mode, (1, 1)).getbands())
    data = random.Random(seed).randbytes(size[0] * size[1] * bands)
    return Image.frombytes(mode, size, data)


def differences(one, other):
    """(how many pixels differ, by how much at most)."""
    assert (one.mode, one.size) == (other.mode, other.size)
    if one.mode == "LA":
        one, other = one.convert("RGBA"), other.convert("RGBA")
    difference = ImageChops.difference(one, other)
    extrema = difference.getextrema()
    if isinstance(extrema[0], int):  # one band
        extrema = [extrema]
    differing = sum(1 for pixel in difference.getdata() if pixel not in (0, (0,) * 4, (0,) * 3))
    return differing, max(high for _low, high in extrema)


def assert_same_picture(ours, pillows):
    """The same but for float rounding where tiles meet: a level or two (more after alpha
    is divided out, as Pillow's own resize does) in a pixel or two."""
    differing, most = differences(ours, pillows)
    assert differing <= 3
    assert most <= 2


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA"])
@pytest.mark.parametrize(
    ("source_size", "size", "box"),
    [
        ((203, 149), (80, 59), None),
        ((47, 203), (61, 150), None),  # wider, and shorter
        ((203, 149), (40, 30), (0, 0, 202.5, 148.5)),  # a JPEG decoded at reduced scale
    ],
    ids=["shrink", "stretch-and-shrink", "jpeg-draft-box"],
)
def test_tiles_scale_as_pillows_whole_image_resize(monkeypatch, mode, source_size, size, box):
    monkeypatch.setattr(images, "TILE", 16)  # many tiles: seams everywhere if any
    source = noise(mode, source_size)
    box = box or (0, 0, *source_size)
    ours = images._shrink(source, size, box)
    pillows = source.resize(size, Image.Resampling.LANCZOS, box=box)
    assert ours.mode == mode
    assert_same_picture(ours, pillows)


def test_palette_images_are_scaled_as_rgba(monkeypatch):
    monkeypatch.setattr(images, "TILE", 16)
    source = noise("P", (150, 100))
    ours = images._shrink(source, (60, 40), (0, 0, 150, 100))
    pillows = source.convert("RGBA").resize((60, 40), Image.Resampling.LANCZOS)
    assert ours.mode == "RGBA"
    assert_same_picture(ours, pillows)


# --- the worst accepted image of each format, measured in a process of its own -------------

MEASURE = """
import json
import tempfile
import types

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from PIL import Image

from news.newsroom import images
from portal.wsgi import application  # noqa: F401 - a worker has loaded it


def peak_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])


get_resolver().url_patterns  # a worker has its URL patterns loaded too
with open(PATH, "rb") as handle:
    upload = SimpleUploadedFile(NAME, handle.read())
baseline = peak_kb()
cleaned = images.clean_upload(upload)
with tempfile.TemporaryDirectory() as folder:
    storage = FileSystemStorage(location=folder)
    name = storage.save(cleaned.name, cleaned)
    made = images.make_renditions(types.SimpleNamespace(storage=storage, name=name))
    with storage.open(name) as stored, Image.open(stored) as image:
        stored_as = [image.format, image.mode, *image.size]
print(json.dumps({"baseline_kb": baseline, "peak_kb": peak_kb(), "stored": stored_as,
                  "renditions": len(made["sizes"])}))
"""

# Made in a process of its own with Pillow: (file name, code writing PATH, stored as).
WORST = {
    # 4 bytes a pixel decoded; Pillow's resize would add a premultiplied copy of it all.
    "png-rgba": ("worst.png", None, ["PNG", "RGBA", 2560, 1600]),
    # Progressive: libjpeg keeps every DCT coefficient (2 bytes a sample, 4 samples a
    # pixel in CMYK without subsampling) until the last scan.
    "jpeg-cmyk-progressive": (
        "worst.jpg",
        "Image.new('CMYK', (8000, 5000), (10, 200, 30, 40))"
        ".save(PATH, 'JPEG', quality=90, progressive=True, subsampling=0)",
        ["JPEG", "RGB", 2560, 1600],
    ),
    # Lossless with alpha: libwebp's two canvases and its whole-image ARGB buffer.
    "webp-lossless-rgba": (
        "worst.webp",
        "Image.new('RGBA', (5000, 4000), (200, 40, 40, 128))"
        ".save(PATH, 'WEBP', lossless=True, method=0)",
        ["WEBP", "RGBA", 2560, 2048],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(WORST))
def test_the_worst_accepted_image_stays_under_512_mb(kind, tmp_path):
    from tests.ops_support import SECRET, in_child, production_env

    name, make, expected = WORST[kind]
    path = tmp_path / name
    env = production_env(DEBUG="0", SECRET_KEY=SECRET, ALLOWED_HOSTS="example.gov.az")
    if make is None:
        path.write_bytes(rgba_png(8000, 5000))
    else:
        made = in_child(f"from PIL import Image\nPATH = {str(path)!r}\n{make}\n", env)
        assert made.returncode == 0, made.stderr
    assert path.stat().st_size < images.MAX_BYTES
    with Image.open(path) as worst:  # header only: the most pixels its format may have
        assert worst.width * worst.height == images.pixel_limit(worst.format)
    code = f"PATH = {str(path)!r}\nNAME = {name!r}\n{MEASURE}"
    result = in_child(code, env, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["stored"] == expected
    assert measured["renditions"] == len(images.RENDITION_WIDTHS)
    peak = measured["peak_kb"]
    report = f"{kind}: peak RSS {peak // 1024} MB (process before the upload: "
    report += f"{measured['baseline_kb'] // 1024} MB)"
    print(report)
    assert peak < BUDGET_KB, report
