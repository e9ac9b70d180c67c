"""The article list in the admin: titles through the language helper, author, status with
"Scheduled", a languages column, filters for work / status / category / year / missing
language, a folded search in both languages, a capped count and a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Article
from news.newsroom.admin import CappedPaginator
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    author,
    azerbaijani_only,
    editor,
    english_only,
    in_english,
)

pytestmark = pytest.mark.django_db
LIST_URL = "/admin/news/article/"


def rows(response):
    from bs4 import BeautifulSoup

    table = BeautifulSoup(response.content, "html.parser").find("table", id="result_list")
    if table is None:
        return []
    return [row.get_text(" ", strip=True) for row in table.select("tbody tr")]


def test_titles_come_through_the_language_helper(editor_client):
    ArticleFactory(title_az="İki dilli xəbər", title_en="Bilingual news")
    azerbaijani_only(title_az="Yalnız azərbaycanca")
    html = editor_client.get(LIST_URL).content.decode()
    assert "Bilingual news" in html
    assert "İki dilli xəbər" not in html  # the admin is in English, so is the title
    assert '<span lang="az">Yalnız azərbaycanca</span>' in html
    assert "(in Azerbaijani)" in html


def test_azerbaijani_admin_shows_azerbaijani_titles(client):
    client.force_login(editor())
    ArticleFactory(title_az="İki dilli xəbər", title_en="Bilingual news")
    html = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="az").content.decode()
    assert "İki dilli xəbər" in html


def test_status_column_tells_scheduled_apart(editor_client):
    ArticleFactory(title_en="Tomorrow", published_at=timezone.now() + datetime.timedelta(days=1))
    ArticleFactory(title_en="Today")
    listed = rows(editor_client.get(LIST_URL))
    assert any("Tomorrow" in row and "Scheduled" in row for row in listed)
    assert any("Today" in row and "Published" in row for row in listed)


def test_languages_column(editor_client):
    english_only(title_en="English only")
    listed = rows(editor_client.get(LIST_URL))
    assert any("English only" in row and "AZ ✗" in row and "EN ✓" in row for row in listed)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("missing=en", {"AZ only"}),
        ("missing=az", {"EN only"}),
        ("state=scheduled", {"Later"}),
        ("state=published", {"Both", "AZ only", "EN only"}),
        ("state=draft", {"Draft one"}),
        ("state=withdrawn", {"Gone"}),
    ],
)
def test_filters(editor_client, query, expected):
    ArticleFactory(title_en="Both")
    azerbaijani_only(title_az="AZ only")
    english_only(title_en="EN only")
    ArticleFactory(title_en="Later", published_at=timezone.now() + datetime.timedelta(hours=5))
    ArticleFactory(title_en="Draft one", status=Article.Status.DRAFT)
    ArticleFactory(title_en="Gone", status=Article.Status.WITHDRAWN, withdrawn_reason_en="Error")
    listed = rows(editor_client.get(f"{LIST_URL}?{query}"))
    titles = {
        title
        for title in ["Both", "AZ only", "EN only", "Later", "Draft one", "Gone"]
        if any(row.startswith(title) or f" {title} " in f" {row} " for row in listed)
    }
    assert titles == expected


def test_category_and_year_filters(editor_client):
    events, meetings = CategoryFactory(), CategoryFactory()
    ArticleFactory(title_en="In events", category=events)
    ArticleFactory(title_en="In meetings", category=meetings)
    page = editor_client.get(f"{LIST_URL}?category__id__exact={events.pk}")
    listed = rows(page)
    assert len(listed) == 1
    assert "In events" in listed[0]
    year = timezone.localdate().year
    ArticleFactory(title_en="Long ago", published_at=timezone.now().replace(year=year - 3))
    assert f"?year={year}" in editor_client.get(LIST_URL).content.decode()
    long_ago = rows(editor_client.get(LIST_URL, {"year": year - 3}))
    assert len(long_ago) == 1
    assert "Long ago" in long_ago[0]
    assert editor_client.get(LIST_URL, {"year": "x' or 1=1"}).status_code == 200


@pytest.mark.parametrize("term", ["Qarabağ", "Karabakh"])
def test_search_in_both_languages(editor_client, term):
    ArticleFactory(title_az="Qarabağda yeni kənd", title_en="A new village in Karabakh")
    ArticleFactory(title_az="Başqa xəbər", title_en="Other news")
    listed = rows(editor_client.get(LIST_URL, {"q": term}))
    assert len(listed) == 1
    assert "Karabakh" in listed[0]


def test_changelist_queries_do_not_grow_with_rows(editor_client):
    def count(n):
        Article.objects.all().delete()
        ArticleFactory.create_batch(n)
        editor_client.get(LIST_URL)
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(LIST_URL).status_code == 200
        return len(queries)

    assert count(3) == count(40)


def test_author_column_and_the_mine_and_needs_review_filters(client):
    me, colleague = editor("men"), author("hemkar")
    ArticleFactory(title_en="Written by me", author=me, status=Article.Status.DRAFT)
    ArticleFactory(title_en="Waiting", author=colleague, status=Article.Status.REVIEW)
    ArticleFactory(title_en="Old news", author=colleague)
    in_english(client).force_login(me)
    listed = rows(client.get(LIST_URL))
    assert any("Waiting" in row and "hemkar" in row for row in listed)
    mine = rows(client.get(LIST_URL, {"work": "mine"}))
    assert len(mine) == 1
    assert "Written by me" in mine[0]
    review = rows(client.get(LIST_URL, {"work": "review"}))
    assert len(review) == 1
    assert "Waiting" in review[0]


@pytest.mark.parametrize("term", ["xankendi", "XANKƏNDİDƏ", "məktəb"])
def test_search_is_folded_and_covers_leads_bodies_and_drafts(editor_client, term):
    ArticleFactory(
        title_az="Yeni bina",
        lead_az="Xankəndidə açılış",
        body_az="<p>Yeni məktəb.</p>",
        status=Article.Status.DRAFT,
    )
    ArticleFactory(title_az="Xankəndidə yeni məktəb", title_en="Published one")
    ArticleFactory(title_az="Başqa xəbər", title_en="Other news")
    listed = rows(editor_client.get(LIST_URL, {"q": term}))
    assert len(listed) == 2
    assert not any("Other news" in row for row in listed)


def test_a_long_list_is_not_counted_to_the_end(editor_client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 5)
    ArticleFactory.create_batch(7)
    page = editor_client.get(LIST_URL).content.decode()
    assert "More than 5 articles" in page
    assert editor_client.get(LIST_URL, {"state": "draft"}).status_code == 200


# Session, user, permissions (2), the filters' lookups (categories; the oldest and the
# newest publication year), the capped count, the page's rows with their authors.
LIST_QUERIES = 9


def test_the_list_runs_a_fixed_number_of_queries(editor_client):
    ArticleFactory.create_batch(3)
    editor_client.get(LIST_URL)
    with CaptureQueriesContext(connection) as queries:
        editor_client.get(LIST_URL)
    assert len(queries) == LIST_QUERIES, [query["sql"][:120] for query in queries]
