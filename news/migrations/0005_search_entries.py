"""Search entries: each published article's search vectors in a narrow table of their own.

The vectors used to be generated columns of news_article (0003). Rows there are wide,
so PostgreSQL kept the vectors out of line, and testing one while walking the newest
articles cost a TOAST read (about 12 µs a row); a search for two common words walked a
thousand rows. Here a row holds little besides its vector, which stays in the row
(STORAGE MAIN: compressed in place before ever being moved out), and the same walk
costs about 1 µs a row.

On PostgreSQL a trigger keeps the entries: every insert, and every update that changes
the status, the publication time, the category or the folded search text, rewrites the
article's entries; only published articles have any (scheduled ones too: searches
filter on the time). The existing articles are copied in oldest first, so that the
newest entries sit together as they will when articles are published one by one, and
the old columns go.
SQLite gets the empty table and keeps its substring search.
"""

from importlib import import_module

import django.contrib.postgres.search
from django.contrib.postgres.operations import BtreeGinExtension
import django.db.models.deletion
from django.db import migrations, models

LANGUAGES = ("az", "en")

SYNC_FUNCTION = """
CREATE OR REPLACE FUNCTION news_article_search_entries() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM news_searchentry WHERE article_id = NEW.id;
    IF NEW.status = 'published' THEN
        INSERT INTO news_searchentry (article_id, language, published_at, category_id, vector)
        SELECT NEW.id, entry.language, NEW.published_at, NEW.category_id,
               to_tsvector('simple'::regconfig, entry.text)
        FROM (VALUES ('az', NEW.search_az), ('en', NEW.search_en)) AS entry (language, text)
        WHERE entry.text <> '';
    END IF;
    RETURN NULL;
END
$$
"""

TRIGGERS = """
CREATE TRIGGER news_article_search_entries_on_insert
    AFTER INSERT ON news_article
    FOR EACH ROW EXECUTE FUNCTION news_article_search_entries();
CREATE TRIGGER news_article_search_entries_on_update
    AFTER UPDATE OF status, published_at, category_id, search_az, search_en ON news_article
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.published_at IS DISTINCT FROM NEW.published_at
          OR OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.search_az IS DISTINCT FROM NEW.search_az
          OR OLD.search_en IS DISTINCT FROM NEW.search_en)
    EXECUTE FUNCTION news_article_search_entries();
"""

COPY_EXISTING = """
INSERT INTO news_searchentry (article_id, language, published_at, category_id, vector)
SELECT article.id, entry.language, article.published_at, article.category_id,
       to_tsvector('simple'::regconfig, entry.text)
FROM news_article AS article
CROSS JOIN LATERAL (VALUES ('az', article.search_az), ('en', article.search_en))
    AS entry (language, text)
WHERE article.status = 'published' AND entry.text <> ''
ORDER BY article.published_at
"""


def keep_entries(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE news_searchentry ALTER COLUMN vector SET STORAGE MAIN")
    # One index per language, so a lookup reads only its own language's lists of
    # matches; the publication time in it (btree_gin) lets the index itself keep only
    # the matches after a time, before any row is read.
    for code in LANGUAGES:
        schema_editor.execute(
            f"CREATE INDEX search_entry_{code}_gin ON news_searchentry "
            f"USING gin (published_at, vector) WHERE language = '{code}'"
        )
    # Statistics per language (the most common lexemes and their shares), from which
    # news.fulltext chooses how to search; the column's own would mix both languages.
    for code in LANGUAGES:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS search_entry_vector_{code} "
            f"ON ((CASE WHEN language = '{code}' THEN vector END)) FROM news_searchentry"
        )
    schema_editor.execute(SYNC_FUNCTION)
    schema_editor.execute(TRIGGERS)
    schema_editor.execute(COPY_EXISTING)
    for code in LANGUAGES:
        schema_editor.execute(f"DROP INDEX IF EXISTS article_search_{code}_gin")
        schema_editor.execute(
            f"ALTER TABLE news_article DROP COLUMN IF EXISTS search_vector_{code}"
        )


def drop_entries(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS news_article_search_entries_on_insert ON news_article"
    )
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS news_article_search_entries_on_update ON news_article"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS news_article_search_entries()")
    for code in LANGUAGES:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS search_entry_vector_{code}")
    # Back to the article's own vector columns, as 0003 made them.
    import_module("news.migrations.0003_article_search_vectors").add_vectors(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0004_view_flush_batches"),
    ]

    operations = [
        BtreeGinExtension(),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language", models.CharField(max_length=2)),
                ("published_at", models.DateTimeField()),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
                (
                    "article",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="news.article",
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="news.category",
                    ),
                ),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "indexes": [
                    models.Index(
                        fields=["language", "-published_at", "-article"],
                        name="search_entry_newest_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "language"), name="search_entry_one_per_language"
                    )
                ],
            },
        ),
        migrations.RunPython(keep_entries, drop_entries, elidable=False),
    ]
