"""What an article page offers besides its text: share links, the printed address,
withdrawal notices in the reader's language and their history after republishing, and the
previous and next article of the same section."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from news.models import Article, WithdrawalNotice
from news.newsroom import workflow
from tests.factories import ArticleFactory, CategoryFactory, azerbaijani_only, editor

pytestmark = pytest.mark.django_db


def soup(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_plain_share_links_carry_the_address_and_title(client):
    article = ArticleFactory(title_en="Lachin & Shusha")
    page = soup(client, article.get_absolute_url("en"))
    links = {a.get_text(strip=True): a["href"] for a in page.select(".share__link")}
    url = "http%3A%2F%2Ftestserver" + article.get_absolute_url("en").replace("/", "%2F")
    assert links["Facebook"] == f"https://www.facebook.com/sharer/sharer.php?u={url}"
    assert links["X"] == f"https://x.com/intent/post?url={url}&text=Lachin%20%26%20Shusha"
    assert links["Telegram"].startswith(f"https://t.me/share/url?url={url}")
    assert links["WhatsApp"] == f"https://wa.me/?text=Lachin%20%26%20Shusha%20{url}"
    assert links["E-mail"].startswith("mailto:?subject=Lachin%20%26%20Shusha&body=")
    # No script of theirs: the page loads only our own.
    assert all(script["src"].startswith("/static/") for script in page.select("script[src]"))


def test_the_printout_carries_the_address_and_no_view_count(client):
    article = ArticleFactory()
    page = soup(client, article.get_absolute_url("en"))
    address = page.select_one(".article__address").get_text()
    assert f"http://testserver{article.get_absolute_url('en')}" in address
    print_css = (
        (pytest.importorskip("pathlib").Path(__file__).parent.parent / "static/css/print.css")
        .read_text()
        .replace("\n", " ")
    )
    assert ".article__views" in print_css
    assert ".article__address { display: block !important;" in print_css


def withdraw(article, **reasons):
    article.status = Article.Status.WITHDRAWN
    for code, text in reasons.items():
        setattr(article, f"withdrawn_reason_{code}", text)
    article.save()


def test_the_withdrawal_reason_is_in_the_readers_language_with_fallback(client):
    article = azerbaijani_only()
    withdraw(article, az="Məlumat yenilənib.", en="The information was updated.")
    page = soup(client, article.get_absolute_url("en"))
    notice = page.select_one(".notice--withdrawn")
    assert "The information was updated." in notice.get_text()
    other = azerbaijani_only()
    withdraw(other, az="Yalnız azərbaycanca səbəb.")
    notice = soup(client, other.get_absolute_url("en")).select_one(".notice--withdrawn")
    assert notice.select_one('span[lang="az"]').get_text() == "Yalnız azərbaycanca səbəb."


def test_republishing_keeps_a_public_line_and_the_history_of_notices(client):
    article = ArticleFactory()
    withdraw(article, az="Səhv rəqəm.", en="A wrong figure.")
    article = Article.objects.get(pk=article.pk)
    article.status = Article.Status.PUBLISHED
    article.save()
    (notice,) = WithdrawalNotice.objects.filter(article=article)
    assert notice.reason_en == "A wrong figure."
    page = soup(client, article.get_absolute_url("en"))
    assert "Republished on" in page.select_one(".notice--republished").get_text()
    history = page.select_one(".notice-history").get_text()
    assert "A wrong figure." in history
    az = soup(client, article.get_absolute_url("az"))
    assert "yenidən dərc olunub" in az.select_one(".notice--republished").get_text()
    assert "Səhv rəqəm." in az.select_one(".notice-history").get_text()


def test_the_newsrooms_withdraw_and_publish_keep_the_notice_too(client):
    user = editor()
    article = ArticleFactory()
    workflow.withdraw(article, user, {"en": "Published too early.", "az": "Tez dərc olunub."})
    workflow.publish(article, user)
    assert [notice.reason_en for notice in article.withdrawal_notices.all()] == [
        "Published too early."
    ]
    history = soup(client, article.get_absolute_url("en")).select_one(".notice-history")
    assert "Published too early." in history.get_text()


def pager(client, article):
    page = soup(client, article.get_absolute_url("en"))
    links = {
        link["rel"][0]: link.get_text(strip=True) for link in page.select(".article-pager a[rel]")
    }
    return links.get("prev"), links.get("next")


def test_previous_and_next_follow_publication_time_then_id_within_the_section(client):
    section = CategoryFactory()
    moment = timezone.now() - datetime.timedelta(days=400)
    hour = datetime.timedelta(hours=1)
    oldest = ArticleFactory(category=section, published_at=moment - hour, title_en="Oldest")
    # Three published in the same second: the id orders them.
    first, second, third = (
        ArticleFactory(category=section, published_at=moment, title_en=title)
        for title in ("Tie one", "Tie two", "Tie three")
    )
    newest = ArticleFactory(category=section, published_at=moment + hour, title_en="Newest")
    # Not neighbours: another section, a draft, a withdrawn one, a scheduled one.
    ArticleFactory(published_at=moment, title_en="Elsewhere")
    for status in ("draft", "withdrawn"):
        ArticleFactory(category=section, published_at=moment, status=status, title_en=status)
    ArticleFactory(category=section, published_at=timezone.now() + hour, title_en="Scheduled")
    assert pager(client, oldest) == (None, "Tie one")
    assert pager(client, first) == ("Oldest", "Tie two")
    assert pager(client, second) == ("Tie one", "Tie three")
    assert pager(client, third) == ("Tie two", "Newest")
    assert pager(client, newest) == ("Tie three", None)
