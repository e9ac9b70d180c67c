"""Full-text search vectors for the folded search columns, on PostgreSQL only.

Each language gets a stored generated tsvector column over `search_<lang>` (kept by
PostgreSQL itself, so every writer, bulk loads included, keeps it current) and a GIN
index on it. Ranking reads the stored vector instead of re-parsing article text.
SQLite has neither, and search there falls back to a plain substring match.
"""

from django.db import migrations

LANGUAGES = ("az", "en")


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for code in LANGUAGES:
        schema_editor.execute(
            f"ALTER TABLE news_article ADD COLUMN IF NOT EXISTS search_vector_{code} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_{code})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_search_{code}_gin "
            f"ON news_article USING gin (search_vector_{code})"
        )


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for code in LANGUAGES:
        schema_editor.execute(f"DROP INDEX IF EXISTS article_search_{code}_gin")
        schema_editor.execute(
            f"ALTER TABLE news_article DROP COLUMN IF EXISTS search_vector_{code}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0002_article_publish_permission"),
    ]

    operations = [
        migrations.RunPython(add_vectors, drop_vectors, elidable=False),
    ]
