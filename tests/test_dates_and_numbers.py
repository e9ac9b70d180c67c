"""Dates and numbers in each language's own form, the same everywhere."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core.dates import format_date
from news.templatetags.news_tags import grouped
from tests.factories import ArticleFactory

BAKU = ZoneInfo("Asia/Baku")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("az", "27 sentyabr 2023"), ("en", "27 September 2023")],
)
def test_article_date_form(language, expected):
    assert format_date(datetime.date(2023, 9, 27), language) == expected


def test_every_azerbaijani_month_is_lower_case_without_stray_marks():
    for month in range(1, 13):
        text = format_date(datetime.date(2024, month, 1), "az")
        assert text == text.lower()
        assert "\u0307" not in text  # the combining dot "İyul".lower() leaves


def test_dates_are_shown_in_baku_time():
    # 22:30 UTC on 26 July is already 27 July in Baku.
    moment = datetime.datetime(2024, 7, 26, 22, 30, tzinfo=datetime.UTC)
    assert format_date(moment, "az") == "27 iyul 2024"


@pytest.mark.parametrize(("language", "expected"), [("az", "2\xa0629"), ("en", "2,629")])
def test_view_counts_use_the_language_digit_grouping(language, expected):
    with translation.override(language):
        assert grouped(2629) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "expected"), [("az", "27 sentyabr 2023"), ("en", "27 September 2023")]
)
def test_article_page_and_listing_show_the_same_form(client, prefix, expected):
    article = ArticleFactory(published_at=datetime.datetime(2023, 9, 27, 11, tzinfo=BAKU))
    assert expected in client.get(article.get_absolute_url(prefix)).content.decode()
    assert expected in client.get(f"/{prefix}/news/").content.decode()
