"""A committed change builds the frame's shared HTML (menu, latest news, most read,
footer) in both languages before any reader asks, exactly as a page renders it
(portal.warmup): the first reader after an edit renders only its own page."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.utils import timezone, translation

from core import caching
from core.templatetags.fragment_cache import fragment_key
from news.models import DailyViews
from portal.warmup import FRAME_FRAGMENTS, frame_fragment_keys
from tests.conftest import READER_UA
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def frame_of(client, path):
    response = client.get(path, HTTP_USER_AGENT=READER_UA)
    assert response.status_code == 200, path
    page = BeautifulSoup(response.content, "html.parser")
    # An article page counts its view, and so changes the most-read block.
    counted = "/news/" in path
    selector = "aside section:not(.sidebar-block--most-read)" if counted else "aside section"
    blocks = [str(block) for block in page.select(selector)]
    return [str(page.find("nav", class_="main-nav")), *blocks], str(page.find("footer"))


def test_a_commit_builds_the_frame_fragments_in_both_languages(
    client, django_capture_on_commit_callbacks
):
    category = CategoryFactory()
    ArticleFactory.create_batch(3, category=category)
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(category=category, title_az="Təzə xəbər", title_en="Fresh news")

    def not_built():
        raise AssertionError("a reader would have had to build it")

    for language in ("az", "en"):
        keys = frame_fragment_keys(language)
        assert len(keys) == len(FRAME_FRAGMENTS)
        for key, _template, _ttl in keys:
            caching.cached(key, not_built)
        latest = caching.cached(fragment_key("latest_news", language), not_built)
        assert ("Təzə xəbər" if language == "az" else "Fresh news") in latest


@pytest.mark.parametrize("language", ["az", "en"])
def test_the_warmed_frame_is_the_frame_a_page_renders(
    client, django_capture_on_commit_callbacks, language
):
    category = CategoryFactory()
    old = ArticleFactory(category=category)  # an archive article: the shared block
    read = ArticleFactory.create_batch(9, category=category)
    today = timezone.localdate()
    for count, article in enumerate(read, 1):
        DailyViews.objects.create(article=article, day=today, count=count)
    with django_capture_on_commit_callbacks(execute=True):
        newest = ArticleFactory(category=category)  # in the latest news: its own block
    with translation.override(language):
        listing = category.get_absolute_url()
    paths = [
        f"/{language}/",
        listing,
        old.get_absolute_url(language),
        newest.get_absolute_url(language),
    ]
    warmed = {path: frame_of(client, path) for path in paths}
    assert "sidebar-block--most-read" in "".join(warmed[listing][0])
    cache.clear()
    caching.reset()  # the same content, every fragment built by its reader
    built = {path: frame_of(client, path) for path in paths}
    assert warmed == built
    # The article being read never shows in its own latest news.
    newest_url = newest.get_absolute_url(language)
    assert newest_url not in "".join(warmed[newest_url][0])
    assert newest_url in "".join(warmed[old.get_absolute_url(language)][0])
