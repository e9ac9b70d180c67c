"""Related news that is related: shared tags first, then full-text similarity of title
and lead, then the section's newest; never the article itself, never an item the other
sidebar shows; cached per content version."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.text import search_text
from news import search
from news.models import Tag
from news.search import fulltext
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def soup(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def sidebar_titles(page, heading):
    for block in page.select(".layout__sidebar .sidebar-block"):
        if block.h2.get_text(strip=True) == heading:
            return [a.get_text(strip=True) for a in block.select("a")]
    return []


@pytest.fixture
def newsroom():
    events = CategoryFactory(name_en="Events")
    other = CategoryFactory(name_en="Meetings")
    khankendi = Tag.objects.create(name_az="Xankəndi", name_en="Khankendi", kind="place")
    month_ago = timezone.now() - datetime.timedelta(days=30)
    article = ArticleFactory(
        category=events,
        title_en="A meeting with residents of Khankendi",
        lead_en="Displaced residents of Khankendi met the chairman about their return.",
        published_at=month_ago,
    )
    article.tags.add(khankendi)
    tagged = ArticleFactory(
        category=other, title_en="Khankendi school reopens", published_at=month_ago
    )
    tagged.tags.add(khankendi)
    similar = ArticleFactory(
        category=other,
        title_en="Return of displaced residents discussed",
        lead_en="The chairman spoke about the return of displaced residents.",
        published_at=month_ago,
    )
    # The newest news of the section, newest first: the "Latest news" sidebar shows these.
    fillers = [
        ArticleFactory(
            category=events,
            title_en=f"Filler {n}",
            published_at=timezone.now() - datetime.timedelta(minutes=n + 1),
        )
        for n in range(10)
    ]
    return {"article": article, "tagged": tagged, "similar": similar, "fillers": fillers}


def test_related_ranks_shared_tags_then_similar_text_then_the_section(newsroom):
    article = newsroom["article"]
    related = search.related_articles(article, "en")
    titles = [row.title_en for row in related]
    assert titles[0] == "Khankendi school reopens"
    if connection.vendor == "postgresql":
        assert titles[1] == "Return of displaced residents discussed"
    assert article.pk not in [row.pk for row in related]
    assert len(related) == 6


def test_the_two_sidebars_never_repeat_an_item_nor_show_the_article(client, newsroom):
    article = newsroom["article"]
    page = soup(client, article.get_absolute_url("en"))
    related = sidebar_titles(page, "Related news")
    latest = sidebar_titles(page, "Latest news")
    assert related
    assert latest
    assert not set(related) & set(latest)
    assert article.title_en not in related + latest
    assert "Khankendi school reopens" in related


def test_the_home_sidebar_shows_most_read_or_topics_not_the_grid(client, newsroom):
    page = soup(client, "/en/")
    grid = {a.get_text(strip=True) for a in page.select(".card__title a")}
    sidebar = page.select_one(".layout__sidebar")
    assert sidebar.find("h2", string="Topics")
    assert "Latest news" not in sidebar.get_text()
    assert not grid & {a.get_text(strip=True) for a in sidebar.select(".date-line a")}


def test_related_news_is_cached_per_content_version(client, newsroom):
    article = newsroom["article"]
    client.get(article.get_absolute_url("en"))
    with CaptureQueriesContext(connection) as queries:
        search.related_articles(article, "en", exclude=[])
        first = len(queries)
    with CaptureQueriesContext(connection) as queries:
        search.related_articles(article, "en", exclude=[])
    assert len(queries) == 0
    assert first <= 5
    # A change makes a new content version: the list is built afresh.
    newer = ArticleFactory(category=article.category, title_en="Khankendi newest")
    newer.tags.add(*article.tags.all())
    assert "Khankendi newest" in [row.title_en for row in search.related_articles(article, "en")]


def test_previous_and_next_in_the_section_and_breadcrumbs(client, newsroom):
    middle = newsroom["fillers"][5]
    page = soup(client, middle.get_absolute_url("en"))
    assert page.select_one('.article-pager a[rel="prev"]').get_text(strip=True) == "Filler 6"
    assert page.select_one('.article-pager a[rel="next"]').get_text(strip=True) == "Filler 4"
    crumbs = [a.get_text(strip=True) for a in page.select(".breadcrumbs a")]
    assert crumbs[:2] == ["Home", "Events"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full text on PostgreSQL only")
def test_text_similarity_needs_two_shared_words_or_the_only_one(newsroom):
    """Candidates share two of the article's distinctive words (one word alone is weak
    evidence and, in a large archive, a thousand rows to read), unless the article has
    only one; never the article itself; the words match as prefixes."""
    now = timezone.now()
    category = newsroom["article"].category
    article = ArticleFactory(category=category, title_en="Vineyards of Shusha harvested")
    two = ArticleFactory(category=category, title_en="Harvest in Shusha's vineyards")
    one = ArticleFactory(category=category, title_en="Vineyards elsewhere")

    def similar(title):
        words = search_text(title).split()
        return [pk for pk, _ in fulltext.similar("en", article.pk, words, now, limit=24)]

    found = similar(article.title_en)
    assert two.pk in found
    assert one.pk not in found
    assert article.pk not in found
    # A title with a single distinctive word still finds the entries holding it.
    assert one.pk in similar("Vineyards")
