"""The search entries PostgreSQL keeps for each published article, and the two ways of
finding matches in them (news.search.fulltext): whichever way is taken, the same articles."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core.text import search_text
from news.models import Article, SearchEntry
from news.search import fulltext
from news.search import year_indexes as search_indexes
from tests.factories import ArticleFactory, CategoryFactory, azerbaijani_only

pytestmark = pytest.mark.usefixtures("postgres_only")


def entries(article):
    return {
        entry.language: entry
        for entry in SearchEntry.objects.filter(article=article).order_by("language")
    }


def found(query, language="az"):
    terms = search_text(query).split()
    return [
        row[0] for row in fulltext.candidates(language, terms, timezone.now(), limit=50, window=100)
    ]


def analyze():
    # Statistics inside the test's transaction: they roll back with it.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_searchentry")


def test_a_published_article_is_searchable_in_both_languages():
    article = ArticleFactory(title_az="Füzuli məktəbi", title_en="A school in Fuzuli")
    assert set(entries(article)) == {"az", "en"}
    assert entries(article)["az"].category_id == article.category_id
    assert entries(article)["az"].published_at == article.published_at
    assert found("füzuli") == [article.pk]
    assert found("fuzuli school", "en") == [article.pk]


def test_an_article_in_one_language_is_found_by_readers_of_the_other():
    article = azerbaijani_only(title_az="Şuşa qalası")
    assert found("susa", "en") == [article.pk]


def test_entries_follow_every_edit():
    article = ArticleFactory(title_az="Köhnə başlıq Tovuz")
    article.title_az = "Yeni başlıq Tovuz"
    article.save()
    assert found("yeni") == [article.pk]
    assert found("kohne") == []

    other = CategoryFactory()
    article.category = other
    article.published_at = timezone.now() - datetime.timedelta(days=40)
    article.save()
    entry = entries(article)["az"]
    assert (entry.category_id, entry.published_at) == (other.pk, article.published_at)

    article.status = Article.Status.WITHDRAWN
    article.withdrawn_reason_az = "Səhv məlumat"
    article.save()
    assert entries(article) == {}
    article.status = Article.Status.PUBLISHED
    article.save()
    assert found("tovuz") == [article.pk]


def test_bulk_updates_and_deletes_keep_the_entries_too():
    article = ArticleFactory(title_az="Qəbələ görüşü")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert found("qebele") == []
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    assert found("qebele") == [article.pk]
    article.delete()
    assert not SearchEntry.objects.exists()


def test_drafts_have_no_entries_and_counting_views_leaves_entries_alone():
    assert entries(ArticleFactory(status=Article.Status.DRAFT)) == {}
    article = ArticleFactory()
    before = {language: entry.pk for language, entry in entries(article).items()}
    Article.objects.filter(pk=article.pk).update(view_count=41)
    assert {language: entry.pk for language, entry in entries(article).items()} == before


WORDS = ["laçın", "ağdam", "şuşa", "kəlbəcər", "məktəb", "yol", "ev", "su"]


@pytest.fixture
def archive():
    """Eighty articles over two years whose titles mix common and rare words."""
    rng = random.Random(5)
    categories = [CategoryFactory(), CategoryFactory()]
    now = timezone.now()
    for index in range(80):
        weights = [0.9, 0.5, 0.2, 0.05, 0.6, 0.3, 0.1, 0.02]
        words = [word for word, weight in zip(WORDS, weights, strict=True) if rng.random() < weight]
        ArticleFactory(
            title_az=" ".join(["Xəbər", *words]),
            category=categories[index % 2],
            published_at=now - datetime.timedelta(days=index * 9, hours=rng.randint(0, 20)),
        )
    analyze()
    return categories


def expected(query, limit, category=None, year=None):
    """What a search must return, worked out the slow way: every published article read."""
    terms = search_text(query).split()
    rows = Article.objects.published().order_by("-published_at", "-id")
    if category:
        rows = rows.filter(category=category)
    if year:
        rows = rows.filter(published_at__year=year)
    return [
        article.pk
        for article in rows
        if all(any(word.startswith(term) for word in article.search_az.split()) for term in terms)
    ][:limit]


@pytest.mark.slow  # 54 cases, each over an archive of its own: half a minute in all
@pytest.mark.parametrize("query", ["lacin", "agdam mekteb", "kelbecer", "su", "ev yol", "xeyr"])
@pytest.mark.parametrize("filters", [{}, {"category": 0}, {"year": -1}])
@pytest.mark.parametrize("window", [0, 10, 10_000])
def test_walking_and_the_index_find_the_same_articles(archive, query, filters, window):
    # window 0: straight to the index; 10: a short walk, then the index; 10,000: the walk.
    category = archive[filters["category"]] if "category" in filters else None
    year = timezone.localdate().year + filters["year"] if "year" in filters else None
    rows = fulltext.candidates(
        "az",
        search_text(query).split(),
        timezone.now(),
        limit=7,
        window=window,
        category_id=category.pk if category else None,
        year=year,
    )
    assert [row[0] for row in rows] == expected(query, 7, category, year)


def test_the_index_is_asked_year_by_year_in_one_statement(archive, monkeypatch):
    fulltext._statistics("az")  # read before counting the lookups
    asked = []
    real_fetch = fulltext._fetch
    monkeypatch.setattr(
        fulltext, "_fetch", lambda sql, params: asked.append(params) or real_fetch(sql, params)
    )
    now = timezone.now()
    for query, limit in [("mekteb", 3), ("xeber", 80), ("kelbecer su", 10)]:
        asked.clear()
        rows = fulltext.candidates("az", search_text(query).split(), now, limit=limit, window=0)
        assert [row[0] for row in rows] == expected(query, limit)
        assert len(asked) == 1


def explain_lookup(years, limit, *, analyze=False, terms="'xeber':*"):
    sql, year_params = fulltext.lookup_statement(years)
    params = {
        "query": terms,
        "indexed": terms,
        "language": "az",
        "now": timezone.now(),
        "since": fulltext.EVERYTHING,
        "until": fulltext.END_OF_TIME,
        "category": None,
        "limit": limit,
        **year_params,
    }
    how = "(ANALYZE, COSTS OFF) " if analyze else ""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {how}{sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_years_are_read_newest_first_until_one_holds_enough(archive):
    year = timezone.localdate().year
    this_year = Article.objects.published().filter(published_at__year=year).count()
    assert this_year >= 3
    # This year holds the three newest: the years before it are never read.
    plan = explain_lookup([year, year - 1], 3, analyze=True)
    assert plan.count("never executed") >= 2, plan
    # Asked for more than this year holds, the lookup reads on into last year.
    plan = explain_lookup([year, year - 1], this_year + 5, analyze=True)
    last_year = next(line for line in plan.splitlines() if '"*SELECT* 2"' in line)
    assert "never executed" not in last_year, plan


def test_few_matches_in_all_are_found_in_one_lookup_and_common_ones_year_by_year():
    statistics = fulltext._Statistics(lexemes=("a",), shares=(0.5,), entries=100_000)
    years = list(range(2026, 2016, -1))
    # 1 % and 2 % of 100,000: about 20 in all, read at once.
    assert fulltext._years_to_ask(years, statistics, [0.01, 0.02], 100) == []
    # 10 % of 10,000 a year: 1,000 a year, so this year holds 200 (twice the 100 asked).
    assert fulltext._years_to_ask(years, statistics, [0.1], 100) == [2026]
    # 0.5 %: 50 a year, so four years should hold 200.
    assert fulltext._years_to_ask(years, statistics, [0.005], 100) == [2026, 2025, 2024, 2023]
    # No statistics yet: the last three years on their own.
    assert fulltext._years_to_ask(years, fulltext._Statistics(), [None], 100) == years[:3]


def test_lookups_read_the_years_own_indexes(request):
    year = timezone.localdate().year
    # The command makes this year's and last year's indexes, whatever the migrations
    # made (before the test writes any rows: an index is not made in a transaction with
    # pending trigger events on its table).
    search_indexes.create_year_indexes([year - 1, year])
    # A few dozen rows are cheaper to find through any index, so the others go for the
    # test (its transaction brings them back): what is asked is whether the planner
    # can prove that the year's indexes answer the lookup, as it must on a full table.
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX search_entry_newest_idx")
        cursor.execute("ALTER TABLE news_searchentry DROP CONSTRAINT search_entry_one_per_language")
    request.getfixturevalue("archive")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = explain_lookup([year, year - 1], 5)
    assert f"search_entry_az_{year}_gin" in plan
    assert f"search_entry_az_{year - 1}_gin" in plan


def test_common_words_are_tested_on_the_rows_not_looked_up(archive):
    shares = [fulltext._statistics("az").share(term) for term in ("xeber", "kelbecer")]
    assert fulltext._indexed_terms(["xeber", "kelbecer"], shares) == ["kelbecer"]
    assert fulltext._indexed_terms(["xeber"], shares[:1]) == ["xeber"]


def test_a_long_walk_is_taken_only_where_it_costs_less_than_the_index():
    statistics = fulltext._Statistics(lexemes=("a",), shares=(0.5,), entries=100_000)
    # Two words each in 14 % of entries: ~10,000 entries walked for 200 matches,
    # against collecting ~28,000 matches from the index.
    needed = 2 * 200 / (0.14 * 0.14)
    assert needed > fulltext.SHORTEST_WALK
    assert fulltext._walk_pays(statistics, needed, [0.14, 0.14])
    # A rare word (1 %) next to a common one: the index collects ~1,000 matches.
    needed = 2 * 200 / (0.01 * 0.9)
    assert not fulltext._walk_pays(statistics, needed, [0.01])


def test_the_year_indexes_follow_the_calendar():
    year = timezone.localdate().year
    call_command("search_year_indexes", year=year, stdout=io.StringIO())
    # No news yet: this year and next year.
    assert sorted(search_indexes.existing_years()) == [year, year + 1]
    out = io.StringIO()
    call_command("search_year_indexes", year=year + 3, stdout=out)
    # Three years on: those years' indexes are made and this year's go.
    assert sorted(search_indexes.existing_years()) == [year + 3, year + 4]
    assert f"Dropped those of {year}, {year + 1}." in out.getvalue()


def test_every_year_with_news_has_its_indexes(django_capture_on_commit_callbacks):
    year = timezone.localdate().year
    assert list(search_indexes.wanted_years(year)) == [year, year + 1]
    ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=3 * 366))
    assert list(search_indexes.wanted_years(year)) == list(range(year - 3, year + 2))
