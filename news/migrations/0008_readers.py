"""Readers: topics and places, withdrawal notices, search across spellings and languages.

Search texts are recomputed (core.text.search_text: spelling keys, the other language's
title and lead), and the words of published titles and leads get a table of their own
with a trigram index, for "did you mean" (news.search.fulltext). On SQLite only the
columns and the new texts.
"""

import re
from html import unescape

import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from core.text import search_text

_TAG = re.compile(r"<[^>]*>")

# The words readers may mean: those of published titles and leads, folded in SQL as
# core.text.fold folds them (Azerbaijani letters by hand: the database's ctype may be
# "C"), kept by a trigger on news_article so every writer keeps them. Never deleted:
# a suggestion may find nothing, never show anything unpublished.
FOLD_FUNCTION = """
CREATE OR REPLACE FUNCTION news_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(translate(coalesce(value, ''),
        'ƏəIıİŞşÇçĞğÖöÜüÂâÎîÛûÉéÈèÁáÍíÓóÚú',
        'eeiiissccggoouuaaiiuueeeeaaiioouu'))
$$
"""

WORDS = """
CREATE TABLE news_searchword (word text COLLATE "C" PRIMARY KEY);
CREATE INDEX news_searchword_trgm ON news_searchword USING gin (word gin_trgm_ops);
CREATE OR REPLACE FUNCTION news_article_words() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'published' THEN
        INSERT INTO news_searchword (word)
        SELECT DISTINCT word
        FROM regexp_split_to_table(news_fold(concat_ws(' ',
            NEW.title_az, NEW.title_en, NEW.lead_az, NEW.lead_en)), '[^a-z0-9]+') AS word
        WHERE word ~ '^[a-z]{3,40}$'
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
INSERT INTO news_searchword (word)
SELECT DISTINCT word
FROM news_article CROSS JOIN LATERAL regexp_split_to_table(news_fold(concat_ws(' ',
    title_az, title_en, lead_az, lead_en)), '[^a-z0-9]+') AS word
WHERE status = 'published' AND word ~ '^[a-z]{3,40}$'
ON CONFLICT DO NOTHING;
CREATE TRIGGER news_article_words_on_insert
    AFTER INSERT ON news_article
    FOR EACH ROW EXECUTE FUNCTION news_article_words();
CREATE TRIGGER news_article_words_on_update
    AFTER UPDATE OF status, title_az, title_en, lead_az, lead_en ON news_article
    FOR EACH ROW EXECUTE FUNCTION news_article_words();
"""

DROP_WORDS = """
DROP TRIGGER IF EXISTS news_article_words_on_insert ON news_article;
DROP TRIGGER IF EXISTS news_article_words_on_update ON news_article;
DROP FUNCTION IF EXISTS news_article_words();
DROP TABLE IF EXISTS news_searchword;
DROP FUNCTION IF EXISTS news_fold(text);
"""


def _document(article, language):
    """news.models.Article._search_document, for the historical model."""
    written = (article.written_languages or "").split()
    if language in written:
        shown = language
    elif article.source_language in written or not written:
        shown = article.source_language
    else:
        shown = written[0]
    body = unescape(_TAG.sub(" ", getattr(article, f"body_{shown}", "") or ""))
    parts = [
        getattr(article, f"title_{shown}", "") or "",
        getattr(article, f"lead_{shown}", "") or "",
        body,
    ]
    for other in written:
        if other != shown:
            parts += [getattr(article, f"{field}_{other}", "") or "" for field in ("title", "lead")]
    return search_text(" ".join(parts))


def recompute_search_texts(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    fields = ["search_az", "search_en"]
    batch = []
    rows = Article.objects.only(
        "id",
        "written_languages",
        "source_language",
        *[f"{field}_{code}" for field in ("title", "lead", "body") for code in ("az", "en")],
        *fields,
    ).order_by("published_at", "id")
    for article in rows.iterator(chunk_size=2000):
        az, en = _document(article, "az"), _document(article, "en")
        if (az, en) != (article.search_az, article.search_en):
            article.search_az, article.search_en = az, en
            batch.append(article)
        if len(batch) >= 1000:
            Article.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        Article.objects.bulk_update(batch, fields)


def create_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FOLD_FUNCTION)
        schema_editor.execute(WORDS)


def drop_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_WORDS)


class Migration(migrations.Migration):
    dependencies = [("news", "0007_newsroom")]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="tag",
            name="kind",
            field=models.CharField(
                choices=[("topic", "Topic"), ("place", "Place")],
                default="topic",
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.CreateModel(
            name="WithdrawalNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("withdrawn_at", models.DateTimeField(verbose_name="withdrawn at")),
                ("republished_at", models.DateTimeField(verbose_name="republished at")),
                (
                    "reason_az",
                    models.CharField(
                        blank=True,
                        max_length=300,
                        verbose_name="reason for withdrawal (Azerbaijani)",
                    ),
                ),
                (
                    "reason_en",
                    models.CharField(
                        blank=True, max_length=300, verbose_name="reason for withdrawal (English)"
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="withdrawal_notices",
                        to="news.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "withdrawal notice",
                "verbose_name_plural": "withdrawal notices",
                "ordering": ["-republished_at", "-id"],
            },
        ),
        migrations.RunPython(recompute_search_texts, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_words, drop_words),
    ]
