"""Article rows that are cheap to update.

Every flush of buffered views updates the row of each article read since the last one,
and PostgreSQL writes a new version of the row each time. With no room on its page, the
new version goes to another page and every index gets a new entry: 17 indexes, 3 to 5 ms
of database time per article on the benchmark's data. So:

- the single-column indexes nothing reads are dropped: the untranslated slug, the status
  and the section (the last two lead article_public_idx and article_category_idx), and
  each language's slug has one index instead of two (its pattern-ops one also serves
  "=", which the newsroom's uniqueness check asks);
- pages are filled to 80 % (PostgreSQL), so the new version of a row usually fits on its
  own page and no index is touched (a "HOT" update).

The fill factor applies to pages written from now on. `VACUUM FULL news_article`
rewrites the existing ones at once (docs/operations.md).
"""

import django.db.models.deletion
from django.db import migrations, models


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE news_article SET (fillfactor = 80)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE news_article RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0012_stored_photo_sizes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='category',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='articles', to='news.category', verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='article',
            name='slug',
            field=models.SlugField(blank=True, db_index=False, max_length=200, verbose_name='slug'),
        ),
        migrations.AlterField(
            model_name='article',
            name='slug_az',
            field=models.SlugField(blank=True, db_index=False, max_length=200, null=True, verbose_name='slug'),
        ),
        migrations.AlterField(
            model_name='article',
            name='slug_en',
            field=models.SlugField(blank=True, db_index=False, max_length=200, null=True, verbose_name='slug'),
        ),
        migrations.AlterField(
            model_name='article',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('review', 'In review'), ('published', 'Published'), ('withdrawn', 'Withdrawn')], default='draft', max_length=12, verbose_name='status'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['slug_az'], name='article_slug_az_idx', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['slug_en'], name='article_slug_en_idx', opclasses=['varchar_pattern_ops']),
        ),
        migrations.RunPython(leave_room, fill_pages),
    ]
