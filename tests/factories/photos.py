"""Real image bytes for upload tests, made with Pillow: valid files and hostile ones."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

GPS_IFD = 0x8825
ORIENTATION = 0x0112
SCRIPT = b"<script>alert(document.cookie)</script>"


def image_bytes(fmt="JPEG", size=(640, 400), color=(20, 90, 160), mode="RGB", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_upload(name="photo.png"):
    """A tiny valid PNG (8 x 6), for when only having a picture matters."""
    return upload(image_bytes("PNG", size=(8, 6), color=(51, 102, 153)), name, "image/png")


def jpeg(**kwargs):
    return upload(image_bytes("JPEG", **kwargs), "photo.jpg", "image/jpeg")


def png(**kwargs):
    return upload(image_bytes("PNG", **kwargs), "photo.png", "image/png")


def webp(**kwargs):
    return upload(image_bytes("WEBP", **kwargs), "photo.webp", "image/webp")


def jpeg_with_gps(size=(400, 200), orientation=6):
    """A landscape JPEG with GPS coordinates and an orientation tag (6: turn 90° clockwise)."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "SpyCam"  # Make
    exif.get_ifd(GPS_IFD).update(
        {
            1: "N",
            2: (40.0, 22.0, 51.0),  # Baku
            3: "E",
            4: (49.0, 50.0, 12.0),
        }
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return upload(buffer.getvalue(), "holiday.jpg")


def jpeg_with_script():
    """A valid JPEG with HTML appended after its end marker (a polyglot)."""
    return upload(image_bytes("JPEG") + SCRIPT, "polyglot.jpg")


def png_with_script_chunk():
    """A PNG whose text chunk carries a script."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    return upload(image_bytes("PNG", pnginfo=info), "chunk.png", "image/png")


def text_named_jpg():
    return upload(b"<html><body>not an image at all</body></html>\n" * 20, "photo.jpg")


def png_bomb(side=12_000):
    """144 megapixels that compress to a few kilobytes: a 1-bit PNG of one colour."""
    buffer = io.BytesIO()
    Image.new("1", (side, side), 0).save(buffer, "PNG", optimize=True)
    return upload(buffer.getvalue(), "bomb.png", "image/png")


def oversized_jpeg(limit=10 * 1024 * 1024):
    """A valid JPEG padded past the size limit (a comment-free trailer of zero bytes)."""
    data = image_bytes("JPEG", size=(64, 64))
    return upload(data + b"\0" * (limit + 1 - len(data)), "huge.jpg")


def animated_webp(frames=3, size=(64, 64)):
    images = [Image.new("RGB", size, (i * 40, 0, 0)) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "WEBP", save_all=True, append_images=images[1:])
    return upload(buffer.getvalue(), "anim.webp", "image/webp")
