"""Photo uploads are judged by their bytes, re-encoded, stripped of EXIF and cut into renditions.

Every case uses real bytes made with Pillow: valid JPEG / PNG / WebP, a text file named .jpg,
a 144-megapixel PNG bomb, a file over 10 MB, GPS EXIF, and scripts hidden in image files.
"""

import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from news.newsroom import images
from news.newsroom.forms import ImageUploadField
from tests.factories import photos

pytestmark = pytest.mark.usefixtures("media_root")


def reopen(content_file):
    content_file.seek(0)
    return Image.open(io.BytesIO(content_file.read()))


@pytest.mark.parametrize(
    ("make", "fmt", "extension"),
    [(photos.jpeg, "JPEG", "jpg"), (photos.png, "PNG", "png"), (photos.webp, "WEBP", "webp")],
)
def test_valid_images_are_accepted_and_renamed_by_the_server(make, fmt, extension):
    cleaned = images.clean_upload(make())
    assert cleaned.name.endswith(f".{extension}")
    assert "photo" not in cleaned.name  # the uploader's name is not kept
    assert len(cleaned.name) == len("0" * 32) + 1 + len(extension)
    with reopen(cleaned) as image:
        assert image.format == fmt
        assert image.size == (640, 400)


@pytest.mark.parametrize(
    "make",
    [photos.text_named_jpg, lambda: photos.upload(b"", "empty.jpg"), photos.png_bomb],
)
def test_bad_files_are_a_validation_error_not_a_crash(make):
    with pytest.raises(ValidationError):
        images.clean_upload(make())


def test_text_file_named_jpg_is_refused_by_content():
    with pytest.raises(ValidationError) as error:
        images.clean_upload(photos.text_named_jpg())
    assert error.value.code == "not_an_image"


def test_gif_and_other_formats_are_refused():
    gif = photos.upload(photos.image_bytes("GIF", mode="P", color=1), "anim.gif", "image/gif")
    bmp = photos.upload(photos.image_bytes("BMP"), "photo.jpg")
    for upload in (gif, bmp):
        with pytest.raises(ValidationError) as error:
            images.clean_upload(upload)
        assert error.value.code == "not_an_image"


def test_144_megapixel_bomb_is_refused_before_decoding():
    bomb = photos.png_bomb()
    assert bomb.size < 100_000  # tiny on disk
    decoded = AssertionError("decoded")
    with (
        mock.patch.object(Image.Image, "load", side_effect=decoded),
        pytest.raises(ValidationError) as error,
    ):
        images.inspect(bomb)
    assert error.value.code == "too_many_pixels"


def test_pillow_guard_is_set_to_our_limit():
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS == 40_000_000


def test_frames_count_towards_the_pixel_limit(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 64 * 64 * 2)
    with pytest.raises(ValidationError) as error:
        images.inspect(photos.animated_webp(frames=3))
    assert error.value.code == "too_many_pixels"
    monkeypatch.setattr(images, "MAX_PIXELS", 64 * 64 * 3)
    assert images.inspect(photos.animated_webp(frames=3)) == "WEBP"


def test_file_over_ten_megabytes_is_refused():
    huge = photos.oversized_jpeg()
    assert huge.size > 10 * 1024 * 1024
    with pytest.raises(ValidationError) as error:
        images.clean_upload(huge)
    assert error.value.code == "too_large"


def test_gps_exif_is_gone_and_orientation_applied():
    upload = photos.jpeg_with_gps(size=(400, 200), orientation=6)
    with Image.open(upload) as original:
        assert original.getexif().get_ifd(photos.GPS_IFD)  # the test file really has GPS
    upload.seek(0)
    cleaned = images.clean_upload(upload)
    data = cleaned.read()
    assert b"Exif" not in data
    assert b"SpyCam" not in data
    with reopen(cleaned) as image:
        assert not image.getexif()
        assert image.size == (200, 400)  # turned upright, then the tag dropped


def test_script_appended_to_a_jpeg_is_gone_after_reencoding():
    upload = photos.jpeg_with_script()
    assert photos.SCRIPT in upload.read()
    upload.seek(0)
    cleaned = images.clean_upload(upload)
    assert b"<script" not in cleaned.read()


def test_script_in_a_png_text_chunk_is_gone():
    cleaned = images.clean_upload(photos.png_with_script_chunk())
    assert b"<script" not in cleaned.read()


def test_large_originals_are_scaled_down():
    cleaned = images.clean_upload(photos.jpeg(size=(4000, 3000)))
    with reopen(cleaned) as image:
        assert max(image.size) == images.ORIGINAL_MAX_SIDE


def test_form_field_gives_form_errors_for_every_bad_upload():
    field = ImageUploadField()
    for make in (photos.text_named_jpg, photos.png_bomb, photos.oversized_jpeg):
        with pytest.raises(ValidationError):
            field.clean(make())
    assert field.clean(photos.png()).name.endswith(".png")
    assert "image/jpeg" in field.widget.attrs["accept"]


def test_renditions_are_made_once_in_webp_and_jpeg(media_root):
    from django.core.files.storage import default_storage

    name = default_storage.save(
        "articles/x.jpg", images.clean_upload(photos.jpeg(size=(1400, 700)))
    )
    field_file = mock.Mock(storage=default_storage)
    field_file.name = name
    made = images.make_renditions(field_file)
    widths = [entry["w"] for entry in made["sizes"]]
    assert widths == [320, 640, 960, 1280, 1400]
    assert images.hashed(made)  # named by their bytes (tests/test_media_renditions.py)
    for entry in made["sizes"]:
        assert entry["h"] == entry["w"] // 2
        for key, fmt in (("jpeg", "JPEG"), ("webp", "WEBP")):
            with default_storage.open(entry[key]) as handle, Image.open(handle) as image:
                assert image.format == fmt
                assert image.width == entry["w"]


def test_small_images_get_one_rendition_of_their_own_size():
    from django.core.files.storage import default_storage

    name = default_storage.save("articles/s.png", images.clean_upload(photos.png(size=(200, 100))))
    field_file = mock.Mock(storage=default_storage)
    field_file.name = name
    made = images.make_renditions(field_file)
    assert [(entry["w"], entry["h"]) for entry in made["sizes"]] == [(200, 100)]
