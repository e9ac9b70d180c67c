"""The status board: per-language state of every translatable thing, counted and filtered."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Article
from portal.models import SiteSettings, StaticPage
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    azerbaijani_only,
)

pytestmark = pytest.mark.django_db
BOARD = "/admin/translations/"


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def titles(page):
    return [row.select("td")[2].get_text(strip=True) for row in page.select("tbody tr")]


def counts(page, language="en"):
    return page.select_one(f'.translators-counts [data-language="{language}"]').get_text(
        " ", strip=True
    )


@pytest.fixture
def content():
    category = CategoryFactory(name_az="Tədbirlər", name_en="Events")
    complete = ArticleFactory(title_az="Tam", title_en="Complete", category=category)
    outdated = ArticleFactory(title_az="Köhnə", title_en="Outdated")
    outdated.body_az = "<p>Düzəliş.</p>"
    outdated.save()
    missing = azerbaijani_only(title_az="Yalnız azərbaycanca")
    return {"category": category, "complete": complete, "outdated": outdated, "missing": missing}


def test_counts_per_language_at_the_top(translator_client, content):
    page = soup(translator_client.get(BOARD + "?kind=article"))
    assert counts(page) == "English: 1 complete, 1 outdated, 1 missing"
    assert counts(page, "az") == "Azerbaijani: 0 complete, 0 outdated, 0 missing"


def test_every_kind_of_content_is_listed(translator_client, content):
    SiteSettings.objects.create(quote_text_az="Sitat")
    StaticPage.objects.create(title_az="Haqqımızda", title_en="About", body_az="<p>M.</p>")
    page = soup(translator_client.get(BOARD))
    kinds = {row.select("td")[1].contents[0].strip() for row in page.select("tbody tr")}
    assert kinds == {"Article", "Category", "Static page", "Quote banner and contacts"}
    # The categories from the factories are complete; the quote banner has no English yet.
    assert "missing" in counts(page)


@pytest.mark.parametrize(
    ("state", "expected"),
    [("missing", ["Yalnız azərbaycanca"]), ("outdated", ["Outdated"]), ("complete", ["Complete"])],
)
def test_filter_by_state(translator_client, content, state, expected):
    page = soup(translator_client.get(f"{BOARD}?kind=article&language=en&state={state}"))
    assert titles(page) == expected


def test_filter_by_language_shows_states_in_that_language(translator_client, content):
    english_original = ArticleFactory(source_language="en", title_en="English original")
    english_original.body_en = "<p>Changed.</p>"
    english_original.save()
    page = soup(translator_client.get(f"{BOARD}?kind=article&language=az&state=outdated"))
    assert titles(page) == ["English original"]
    cells = page.select_one("tbody tr").select(".translators-state")
    assert [cell.get_text(" ", strip=True) for cell in cells] == [
        "outdated outdated: body",
        "original",
    ]


def test_filter_by_category(translator_client, content):
    page = soup(translator_client.get(f"{BOARD}?category={content['category'].pk}"))
    assert titles(page) == ["Complete"]
    assert counts(page) == "English: 1 complete, 0 outdated, 0 missing"


def test_newest_first_and_paginated(translator_client):
    now = timezone.now()
    for hours in range(55):
        azerbaijani_only(
            title_az=f"Xəbər {hours:02d}", published_at=now - datetime.timedelta(hours=hours)
        )
    first = soup(translator_client.get(f"{BOARD}?kind=article"))
    assert titles(first)[:3] == ["Xəbər 00", "Xəbər 01", "Xəbər 02"]
    assert len(titles(first)) == 50
    second = soup(translator_client.get(f"{BOARD}?kind=article&page=2"))
    assert titles(second) == [f"Xəbər {hours:02d}" for hours in range(50, 55)]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_query_count_does_not_grow_with_the_rows(translator_client):
    for _ in range(3):
        azerbaijani_only()
    few = queries_for(translator_client, BOARD)
    for _ in range(30):
        azerbaijani_only()
    ArticleFactory()
    assert queries_for(translator_client, BOARD) == few


def test_rows_written_around_the_model_are_computed_from_their_text(translator_client):
    """Rows from bulk loads have no stored state: the page computes theirs from their text
    (still a fixed number of queries), the counts call them unchecked until the refresh."""
    azerbaijani_only(title_az="Toplu")
    ArticleFactory(title_az="Tam", title_en="Full")
    Article.objects.update(translation_fingerprints={})
    page = soup(translator_client.get(f"{BOARD}?kind=article"))
    assert counts(page) == (
        "English: 0 complete, 0 outdated, 0 missing (2 articles not checked yet)"
    )
    states = [
        row.select_one(".translators-state--missing, .translators-state--complete")
        for row in page.select("tbody tr")
    ]
    # The factory dates each new article an hour earlier: "Toplu" is the newer one.
    assert [cell["class"][1] for cell in states] == [
        "translators-state--missing",
        "translators-state--complete",
    ]
    unsummarised = queries_for(translator_client, BOARD)
    for _ in range(10):
        azerbaijani_only()
    Article.objects.update(translation_fingerprints={})
    assert queries_for(translator_client, BOARD) == unsummarised

    call_command("refresh_translation_state", stdout=io.StringIO())
    page = soup(translator_client.get(f"{BOARD}?kind=article"))
    assert counts(page) == "English: 1 complete, 0 outdated, 11 missing"


def test_the_translate_link_opens_the_editor_in_the_chosen_language(translator_client, content):
    page = soup(translator_client.get(f"{BOARD}?kind=article&state=missing"))
    link = page.select_one("tbody tr a.button")
    assert link["href"] == f"/admin/translations/article/{content['missing'].pk}/en/"


def test_bad_filter_values_are_ignored_not_errors(translator_client, content):
    response = translator_client.get(f"{BOARD}?state=nonsense&category=abc&page=999&kind=x")
    assert response.status_code == 200


def test_the_refresh_command_stores_summaries_for_bulk_loaded_rows():
    from translators import state

    azerbaijani_only()
    bilingual = ArticleFactory()
    Article.objects.update(translation_fingerprints={})
    call_command("refresh_translation_state", stdout=io.StringIO())
    bilingual = Article.objects.get(pk=bilingual.pk)
    assert state.stored_summary(bilingual) == {
        "en": {"state": "complete", "missing": [], "outdated": []}
    }
    assert set(bilingual.translation_fingerprints["en"]) == {"title", "body"}


def test_the_language_filter_shows_the_translators_language_by_default(translator_client):
    page = soup(translator_client.get(f"{BOARD}?state=missing"))
    assert page.select_one('select[name="language"] option[selected]')["value"] == "en"
