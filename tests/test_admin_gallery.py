"""What the newsroom's photos become on the reader's page: a gallery readable without
JavaScript, translated alt text and captions with fallback marking, renditions made once
(also for the demo content), and a fixed number of queries however many photos there are."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import caching
from news.models import Article, ArticlePhoto
from news.newsroom import images
from tests.conftest import READER_UA
from tests.factories import ArticleFactory
from tests.factories.photos import image_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def add_photo(article, order, *, alt_az="", alt_en="", caption_az="", caption_en=""):
    photo = ArticlePhoto(
        article=article,
        order=order,
        alt_az=alt_az,
        alt_en=alt_en,
        caption_az=caption_az,
        caption_en=caption_en,
    )
    photo.image.save(f"g{order}.jpg", ContentFile(image_bytes(size=(900, 600))), save=False)
    photo.save()
    images.refresh_renditions(photo)
    return photo


def test_gallery_is_a_list_of_figures_in_order(reader):
    article = ArticleFactory()
    add_photo(article, 2, alt_az="İkinci", alt_en="Second", caption_en="Second caption")
    add_photo(article, 1, alt_az="Birinci", alt_en="First", caption_en="First caption")
    soup = BeautifulSoup(reader.get(article.get_absolute_url("en")).content, "html.parser")
    gallery = soup.select_one("section.gallery")
    assert gallery is not None
    assert gallery.find("h2")
    figures = gallery.select("li figure")
    assert [f.figcaption.get_text(strip=True) for f in figures] == [
        "First caption",
        "Second caption",
    ]
    for figure in figures:
        link = figure.find("a")
        assert link["href"].startswith("/media/")  # a real link: keyboard and no-JS friendly
        picture = link.find("picture")
        assert picture.find("source", type="image/webp")["srcset"].count("w") >= 1
        img = picture.find("img")
        assert img["width"] == "640"
        assert img["height"] == "427"
        assert img["loading"] == "lazy"
    assert [f.img["alt"] for f in figures] == ["First", "Second"]
    assert not soup.select("section.gallery script")


def test_missing_translation_falls_back_with_lang(reader):
    article = ArticleFactory()
    add_photo(article, 1, alt_az="Sinif otağı", caption_az="Yeni sinif")
    soup = BeautifulSoup(reader.get(article.get_absolute_url("en")).content, "html.parser")
    figure = soup.select_one("section.gallery figure")
    assert figure.img["alt"] == "Sinif otağı"
    assert figure.img["lang"] == "az"
    assert figure.figcaption["lang"] == "az"


def test_no_gallery_section_without_photos(reader):
    article = ArticleFactory()
    assert b'class="gallery"' not in reader.get(article.get_absolute_url("az")).content


def test_main_photo_uses_its_renditions(reader):
    article = ArticleFactory(photo_alt_az="Bina", photo_alt_en="Building")
    article.photo.save("main.jpg", ContentFile(image_bytes(size=(1400, 800))))
    images.refresh_renditions(article)
    soup = BeautifulSoup(reader.get(article.get_absolute_url("en")).content, "html.parser")
    picture = soup.select_one(".article__photo picture")
    webp = picture.find("source", type="image/webp")["srcset"]
    assert " 320w" in webp
    assert " 1400w" in webp
    img = picture.find("img")
    assert img["alt"] == "Building"
    assert (img["width"], img["height"]) == ("1400", "800")
    assert img["src"].endswith("-1400.jpg")


def test_listing_cards_use_the_small_renditions(reader):
    article = ArticleFactory()
    article.photo.save("card.jpg", ContentFile(image_bytes(size=(1600, 900))))
    images.refresh_renditions(article)
    html = reader.get("/en/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    card_picture = soup.select_one(".card picture")
    assert card_picture is not None
    assert "1600w" not in card_picture.find("source")["srcset"]
    assert " 320w" in card_picture.find("source")["srcset"]


# An article page with a gallery, (cold, warm): a fresh worker's render (empty caches, no
# content version known), then every later request (the article's view count, read and
# counted). The same literals for 1 photo as for 12: the gallery is one query, whatever
# its size, made when the article's fragment is rendered. The cold render also reads the
# article's tags, its withdrawal notices and related articles (the readers' pages).
GALLERY_PAGE_QUERIES = (14, 2)


@pytest.mark.parametrize("photos", [1, 12])
def test_gallery_does_not_add_queries_per_photo(client, settings, photos):
    settings.CONTENT_VERSION_TTL = 3600  # no second version read on a slow machine
    article = ArticleFactory()
    for order in range(photos):
        add_photo(article, order, alt_az=f"Şəkil {order}")
    url = article.get_absolute_url("az")
    cache.clear()
    caching.reset()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, HTTP_USER_AGENT=READER_UA)
        assert response.status_code == 200
        shown = BeautifulSoup(response.content, "html.parser").select("section.gallery figure")
        assert len(shown) == photos
        return len(captured)

    cold = queries()
    assert (cold, queries()) == GALLERY_PAGE_QUERIES


def test_renditions_are_not_remade_when_nothing_changed():
    article = ArticleFactory()
    article.photo.save("once.jpg", ContentFile(image_bytes(size=(700, 400))))
    images.refresh_renditions(article)
    made = article.photo_renditions
    images.refresh_renditions(article, images.snapshot(article))
    assert article.photo_renditions == made


def test_demo_photos_get_renditions_and_loading_twice_changes_nothing(media_root):
    call_command("load_demo", verbosity=0)
    with_photo = Article.objects.exclude(photo="")
    assert with_photo.exists()
    for article in with_photo:
        sizes = article.photo_renditions["sizes"]
        assert {entry["w"] for entry in sizes} >= {320, 640}
        assert all((media_root / entry["webp"]).exists() for entry in sizes)
    files = sorted(path.name for path in media_root.rglob("*"))
    count = Article.objects.count()
    call_command("load_demo", verbosity=0)
    assert Article.objects.count() == count
    assert sorted(path.name for path in media_root.rglob("*")) == files
