"""Published articles per section, kept by a trigger on news_article (PostgreSQL only):
a listing's number of pages without counting its articles after every edit
(news.selectors). The rows are filled from the articles there are.

Only changes of a published article's existence, status or section touch a count, so a
draft's saves never wait on one. A move between two sections updates both counts in the
order of their ids, so two moves in opposite directions never deadlock.
"""

from django.db import migrations, models

COUNT_FUNCTION = """
CREATE OR REPLACE FUNCTION news_article_published_count() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    removed bigint;
    added bigint;
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
        removed := OLD.category_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        added := NEW.category_id;
    END IF;
    -- One statement, its rows in the order of their ids: the locks are taken in that
    -- order. The trigger's WHEN leaves out updates that change neither column, so the
    -- two ids are never the same.
    INSERT INTO news_publishedcount (category_id, count)
    SELECT category, delta
    FROM (VALUES (removed, -1), (added, 1)) AS change (category, delta)
    WHERE category IS NOT NULL
    ORDER BY category
    ON CONFLICT (category_id) DO UPDATE SET count = news_publishedcount.count + EXCLUDED.count;
    RETURN NULL;
END
$$;
CREATE TRIGGER news_article_published_count_on_insert_or_delete
    AFTER INSERT OR DELETE ON news_article
    FOR EACH ROW EXECUTE FUNCTION news_article_published_count();
CREATE TRIGGER news_article_published_count_on_update
    AFTER UPDATE OF status, category_id ON news_article
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.category_id IS DISTINCT FROM NEW.category_id)
    EXECUTE FUNCTION news_article_published_count();
INSERT INTO news_publishedcount (category_id, count)
SELECT category_id, count(*) FROM news_article WHERE status = 'published' GROUP BY category_id;
"""

DROP_COUNT = """
DROP TRIGGER IF EXISTS news_article_published_count_on_insert_or_delete ON news_article;
DROP TRIGGER IF EXISTS news_article_published_count_on_update ON news_article;
DROP FUNCTION IF EXISTS news_article_published_count();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COUNT_FUNCTION)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_COUNT)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0010_search_index_every_year"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedCount",
            fields=[
                ("category_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("count", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "published count",
                "verbose_name_plural": "published counts",
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger, elidable=False),
    ]
