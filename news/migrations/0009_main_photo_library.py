"""An article's main photo from the photo library: caption and credit per language, and
the library photo it is. Every existing main photo is linked to the library photo with
the same stored file, or becomes one (its description copied)."""

import django.db.models.deletion
from django.db import migrations, models


def main_photos_into_library(apps, schema_editor):
    """Rows, not model instances: an ImageField instance reads its file's size, and a
    missing file must not stop the migration."""
    Article = apps.get_model("news", "Article")
    Photo = apps.get_model("news", "Photo")
    rows = Article.objects.filter(library_photo=None).exclude(photo="")
    fields = ("pk", "photo", "photo_width", "photo_height", "photo_renditions")
    for row in rows.values(*fields, "photo_alt_az", "photo_alt_en").iterator():
        library = Photo.objects.filter(image=row["photo"]).order_by("pk").first()
        if library is None:
            library = Photo.objects.create(
                image="",
                width=row["photo_width"],
                height=row["photo_height"],
                renditions=row["photo_renditions"],
                alt_az=row["photo_alt_az"] or "",
                alt_en=row["photo_alt_en"] or "",
            )
            Photo.objects.filter(pk=library.pk).update(image=row["photo"])
        Article.objects.filter(pk=row["pk"]).update(library_photo=library)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0008_readers"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="library_photo",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="main_uses",
                to="news.photo",
                verbose_name="main photo from the library",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="photo_caption_az",
            field=models.CharField(blank=True, max_length=300, verbose_name="photo caption [az]"),
        ),
        migrations.AddField(
            model_name="article",
            name="photo_caption_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="photo caption [en]"),
        ),
        migrations.AddField(
            model_name="article",
            name="photo_credit_az",
            field=models.CharField(blank=True, max_length=200, verbose_name="photo credit [az]"),
        ),
        migrations.AddField(
            model_name="article",
            name="photo_credit_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="photo credit [en]"),
        ),
        migrations.RunPython(main_photos_into_library, migrations.RunPython.noop),
    ]
