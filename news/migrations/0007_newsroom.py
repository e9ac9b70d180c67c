"""Newsroom: edit versions, notifications, the article list's indexes, the photo library."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# The newsroom's search finds articles readers cannot see (drafts, reviews, withdrawals)
# in their folded text; published ones are found through news_searchentry. A trigram
# index over those few rows answers `LIKE '%term%'` without reading every text.
UNPUBLISHED_SEARCH_INDEX = """
CREATE INDEX IF NOT EXISTS article_unpublished_search_trgm ON news_article
USING gin (search_az gin_trgm_ops, search_en gin_trgm_ops)
WHERE status IN ('draft', 'review', 'withdrawn')
"""


def add_unpublished_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(UNPUBLISHED_SEARCH_INDEX)


def drop_unpublished_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS article_unpublished_search_trgm")


def gallery_into_library(apps, schema_editor):
    """Every gallery photo so far becomes a library photo: the same stored file (files live
    while any row names them, news.newsroom.images), its texts copied. Rows, not model
    instances: an ImageField instance reads its file's size, and a missing file must not
    stop the migration."""
    ArticlePhoto = apps.get_model("news", "ArticlePhoto")
    Photo = apps.get_model("news", "Photo")
    texts = ["alt_az", "alt_en", "caption_az", "caption_en"]
    rows = ArticlePhoto.objects.filter(source=None).exclude(image="")
    for row in rows.values("pk", "image", "width", "height", "renditions", *texts).iterator():
        library = Photo.objects.create(
            image="",
            width=row["width"],
            height=row["height"],
            renditions=row["renditions"],
            **{name: row[name] or "" for name in texts},
        )
        Photo.objects.filter(pk=library.pk).update(image=row["image"])
        ArticlePhoto.objects.filter(pk=row["pk"]).update(source=library)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0006_search_year_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="edit_version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-published_at", "-id"], name="article_newsroom_idx"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("written_languages__contains", "az"), _negated=True),
                fields=["-published_at", "-id"],
                name="article_missing_az_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("written_languages__contains", "en"), _negated=True),
                fields=["-published_at", "-id"],
                name="article_missing_en_idx",
            ),
        ),
        migrations.RunPython(add_unpublished_search_index, drop_unpublished_search_index),
        migrations.CreateModel(
            name="Photo",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "image",
                    models.ImageField(
                        height_field="height",
                        upload_to="gallery/%Y/%m/",
                        verbose_name="image",
                        width_field="width",
                    ),
                ),
                ("width", models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ("height", models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ("renditions", models.JSONField(blank=True, default=dict, editable=False)),
                (
                    "alt_az",
                    models.CharField(
                        blank=True, max_length=300, verbose_name="description (alt text) [az]"
                    ),
                ),
                (
                    "alt_en",
                    models.CharField(
                        blank=True, max_length=300, verbose_name="description (alt text) [en]"
                    ),
                ),
                (
                    "caption_az",
                    models.CharField(blank=True, max_length=300, verbose_name="caption [az]"),
                ),
                (
                    "caption_en",
                    models.CharField(blank=True, max_length=300, verbose_name="caption [en]"),
                ),
                (
                    "credit_az",
                    models.CharField(blank=True, max_length=200, verbose_name="credit [az]"),
                ),
                (
                    "credit_en",
                    models.CharField(blank=True, max_length=200, verbose_name="credit [en]"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="added at"
                    ),
                ),
            ],
            options={
                "verbose_name": "library photo",
                "verbose_name_plural": "photo library",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="articlephoto",
            name="credit_az",
            field=models.CharField(blank=True, max_length=200, verbose_name="credit [az]"),
        ),
        migrations.AddField(
            model_name="articlephoto",
            name="credit_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="credit [en]"),
        ),
        migrations.AddField(
            model_name="articlephoto",
            name="source",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="uses",
                to="news.photo",
                verbose_name="photo from the library",
            ),
        ),
        migrations.RunPython(gallery_into_library, migrations.RunPython.noop),
        migrations.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("submitted", "submitted for review"),
                            ("published", "published"),
                            ("returned", "sent back to draft"),
                        ],
                        max_length=12,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="news.article",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="newsroom_notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "notification",
                "verbose_name_plural": "notifications",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx")
                ],
            },
        ),
    ]
