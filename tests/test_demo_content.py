"""The demo content loads, is idempotent, and shows the seed's article as it should."""

import pytest
from django.core.management import call_command

from news.models import Article, Category
from portal.models import SiteSettings, StaticPage

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Article.objects.values_list("id", "title_az", "title_en", "view_count", "photo")),
        sorted(Category.objects.values_list("id", "name_az", "name_en")),
        StaticPage.objects.count(),
        SiteSettings.objects.get().quote_text_en,
    )


def test_load_demo_twice_changes_nothing():
    call_command("load_demo", verbosity=0)
    first = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == first
    assert len(first[0]) >= 25


def test_demo_has_the_categories_and_the_khankendi_article(client):
    call_command("load_demo", verbosity=0)
    names = set(Category.objects.values_list("name_az", "name_en"))
    assert {
        ("Tədbirlər", "Events"),
        ("Görüşlər", "Meetings"),
        ("Mətbuat xidmətinin məlumatı", "Press service statements"),
    } <= names
    article = Article.objects.get(
        title_en__startswith="A meeting was held with Azerbaijani residents"
    )
    page = client.get(article.get_absolute_url("az")).content.decode()
    assert "27 sentyabr 2023" in page
    assert "Xankəndi" in page
    published = Article.objects.published()
    # Some articles exist in one language only, to show the fallback both ways.
    assert published.exclude(pk__in=Article.objects.written_in("en")).exists()
    assert published.exclude(pk__in=Article.objects.written_in("az")).exists()
    assert Article.objects.exclude(photo="").exists()
