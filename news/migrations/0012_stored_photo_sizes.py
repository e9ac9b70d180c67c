"""Stored sizes for photos saved without them.

Django fills an image's width and height columns from the file when the file is
assigned with a name. The demo loader saved its photos from unnamed in-memory files, so
those rows kept NULL sizes, and Django then opened and decoded the image file every time
such a row was loaded: a disk read per listing row, and a server error where the file was
missing. The renditions record the original's size (news.newsroom.images), so the sizes
come from there without reading any file.
"""

from django.db import migrations

# (model, image field, width column, height column, renditions column)
IMAGES = [
    ("Article", "photo", "photo_width", "photo_height", "photo_renditions"),
    ("ArticlePhoto", "image", "width", "height", "renditions"),
    ("Photo", "image", "width", "height", "renditions"),
]


def fill_sizes(apps, schema_editor):
    for model_name, image, width, height, renditions in IMAGES:
        model = apps.get_model("news", model_name)
        # Plain values, never instances: loading an instance with NULL sizes is what
        # opens the file.
        missing = (
            model.objects.exclude(**{image: ""})
            .filter(**{f"{width}__isnull": True})
            .values_list("pk", renditions)
        )
        for pk, made in missing:
            made = made or {}
            if made.get("width") and made.get("height"):
                model.objects.filter(pk=pk).update(
                    **{width: made["width"], height: made["height"]}
                )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0011_published_counts"),
    ]

    operations = [
        migrations.RunPython(fill_sizes, migrations.RunPython.noop, elidable=True),
    ]
