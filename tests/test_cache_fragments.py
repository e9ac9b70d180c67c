"""Cached fragments (sidebars, article lines, footer) change at once with the content.

The page cache is off here (PAGE_CACHE_SECONDS=0): every page is rendered, from
fragments kept per content version. Each test runs without Redis, with Redis, and with
Redis configured but not answering (tests/test_cache_redis.py, `backend`).
"""

import pytest
from django.template import Context, Template

from core import caching
from news.models import Article
from tests import test_cache_redis as backends
from tests.conftest import READER_UA
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_backend")]


@pytest.fixture(params=backends.BACKENDS)
def cache_backend(request, settings):
    settings.PAGE_CACHE_SECONDS = 0
    with backends.backend(request.param, settings) as chosen:
        yield chosen


def sidebar(client, path="/az/news/"):
    text = client.get(path, HTTP_USER_AGENT=READER_UA).content.decode()
    return text.split('class="layout__sidebar"', 1)[1]


def test_a_new_article_shows_in_the_latest_news_sidebar_at_once(client):
    ArticleFactory.create_batch(3)
    sidebar(client)
    ArticleFactory(title_az="Ən təzə xəbər")
    assert "Ən təzə xəbər" in sidebar(client)


def test_a_draft_published_shows_in_the_sidebar_at_once(client):
    ArticleFactory.create_batch(2)
    draft = ArticleFactory(title_az="Qaralama xəbər", status=Article.Status.DRAFT)
    assert "Qaralama xəbər" not in sidebar(client)
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert "Qaralama xəbər" in sidebar(client)


def test_an_edited_title_shows_in_every_list_at_once(client):
    article = ArticleFactory(title_az="Birinci ad")
    assert "Birinci ad" in sidebar(client)
    article.title_az = "İkinci ad"
    article.save()
    assert "İkinci ad" in sidebar(client)
    assert "Birinci ad" not in sidebar(client)


def test_a_withdrawn_article_leaves_the_sidebar_at_once(client):
    ArticleFactory.create_batch(2)
    article = ArticleFactory(title_az="Geri çağırılan xəbər")
    assert "Geri çağırılan xəbər" in sidebar(client)
    article.status = Article.Status.WITHDRAWN
    article.withdrawn_reason_az = "Səhv məlumat"
    article.save()
    assert "Geri çağırılan xəbər" not in sidebar(client)


def test_a_deleted_article_leaves_the_sidebar_at_once(client):
    ArticleFactory.create_batch(2)
    article = ArticleFactory(title_az="Silinən xəbər")
    assert "Silinən xəbər" in sidebar(client)
    article.delete()
    assert "Silinən xəbər" not in sidebar(client)


def test_fragments_are_kept_per_language(client):
    ArticleFactory(title_az="Azərbaycanca başlıq", title_en="English headline")
    assert "Azərbaycanca başlıq" in sidebar(client, "/az/news/")
    english = sidebar(client, "/en/news/")
    assert "English headline" in english
    assert "Azərbaycanca başlıq" not in english


def test_a_renamed_category_shows_in_the_footer_at_once(client):
    category = CategoryFactory(name_az="Köhnə bölmə")
    assert "Köhnə bölmə" in client.get("/az/").content.decode()
    category.name_az = "Yeni bölmə"
    category.save()
    page = client.get("/az/").content.decode()
    assert "Köhnə bölmə" not in page
    assert page.count("Yeni bölmə") >= 2  # the menu and the footer


def test_the_fragment_tag_renders_once_per_version_and_key():
    template = Template('{% load fragment_cache %}{% fragment "t" n %}{{ value }}{% endfragment %}')
    assert template.render(Context({"n": 1, "value": "a"})) == "a"
    assert template.render(Context({"n": 1, "value": "b"})) == "a"
    assert template.render(Context({"n": 2, "value": "b"})) == "b"
    caching.bump()
    assert template.render(Context({"n": 1, "value": "c"})) == "c"


def test_a_local_fragment_with_ttl_parses():
    template = Template(
        '{% load fragment_cache %}{% fragment "t2" local ttl=5 %}{{ value }}{% endfragment %}'
    )
    assert template.render(Context({"value": "x"})) == "x"
    assert template.render(Context({"value": "y"})) == "x"
    caching.bump()
    assert template.render(Context({"value": "z"})) == "z"
