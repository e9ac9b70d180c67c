"""A reader's new ways through the site, in the browser: topics, related news, search
across languages and spellings with "did you mean", the phone menu, the gallery viewer
by keyboard, and share links."""

import re

import pytest
from playwright.sync_api import expect

from news.models import Article


def khankendi():
    return Article.objects.get(slug_en__startswith="a-meeting-was-held-with-azerbaijani")


def test_a_place_page_lists_its_news_and_links_back_from_each_article(page):
    page.goto("/az/movzular/")
    page.get_by_role("main").get_by_role("link", name="Laçın").click()
    expect(page).to_have_url(re.compile(r"/az/movzular/lacin/$"))
    expect(page.locator("h1")).to_have_text("Laçın")
    first = page.locator(".listing-item__title a").first
    expect(first).to_contain_text("Laçın")
    first.click()
    tags = page.locator(".article-tags")
    expect(tags.get_by_role("link", name="Laçın")).to_be_visible()
    page.get_by_role("link", name="English").click()
    page.locator(".article-tags").get_by_role("link", name="Lachin").click()
    expect(page).to_have_url(re.compile(r"/en/topics/lachin/$"))


def test_related_news_never_repeats_the_latest_nor_shows_the_article(page):
    article = khankendi()
    page.goto(article.get_absolute_url("en"))
    sidebar = page.locator(".layout__sidebar")
    related = sidebar.locator(
        ".sidebar-block", has=page.get_by_role("heading", name="Related news")
    )
    latest = sidebar.locator(".sidebar-block", has=page.get_by_role("heading", name="Latest news"))
    related_titles = related.locator("a").all_inner_texts()
    latest_titles = latest.locator("a").all_inner_texts()
    assert related_titles
    assert not set(related_titles) & set(latest_titles)
    assert article.title_en not in related_titles + latest_titles


@pytest.mark.parametrize(
    ("path", "query", "found"),
    [
        ("/en/search/", "Xankəndi", "Khankendi"),
        ("/en/search/", "xankendi", "Khankendi"),
        ("/en/search/", "Laçın", "Lachin"),
        ("/az/axtaris/", "Khankendi", "Xankəndi"),
        ("/az/axtaris/", "lachin", "Laç"),
        ("/az/axtaris/", "Shusha", "Şuşa"),
    ],
)
def test_search_finds_places_in_every_spelling_and_says_the_language(page, path, query, found):
    page.goto(f"{path}?q={query}")
    results = page.locator(".search-result")
    expect(results.first).to_be_visible()
    expect(page.locator(".search-result mark").first).to_contain_text(re.compile(found, re.I))
    expect(results.first.locator(".search-result__language")).to_have_text(
        re.compile("^(Azərbaycanca|English)$")
    )


def test_a_typo_offers_did_you_mean_and_following_it_finds_news(page):
    page.goto("/az/axtaris/?q=xankandi")
    expect(page.locator(".search-result")).to_have_count(0)
    suggestion = page.locator(".search-page__suggestion a")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.locator(".search-result").first).to_be_visible()


def test_the_phone_menu_is_a_disclosure_and_the_news_starts_high(phone_page):
    phone_page.goto("/az/")
    menu = phone_page.get_by_role("navigation", name="Əsas menyu")
    link = menu.get_by_role("link", name="Tədbirlər")
    expect(link).to_be_hidden()
    toggle = menu.locator("summary")
    expect(toggle).to_have_text("Menyu")
    first_headline = phone_page.locator(".card__title").first
    assert first_headline.bounding_box()["y"] < 400
    toggle.click()
    expect(link).to_be_visible()
    expect(menu.get_by_role("link", name="Arxiv")).to_be_visible()
    link.click()
    expect(phone_page).to_have_url(re.compile(r"/az/tedbirler/$"))


def test_the_phone_menu_opens_by_keyboard(phone_page):
    phone_page.goto("/en/news/")
    toggle = phone_page.locator(".main-nav--phone summary")
    toggle.focus()
    phone_page.keyboard.press("Enter")
    expect(
        phone_page.locator(".main-nav--phone").get_by_role("link", name="Archive")
    ).to_be_visible()


def test_the_gallery_viewer_works_by_keyboard_and_gives_focus_back(page):
    page.goto(khankendi().get_absolute_url("en"))
    links = page.locator(".gallery__link")
    expect(links).to_have_count(3)
    links.first.focus()
    page.keyboard.press("Enter")
    viewer = page.get_by_role("dialog", name="Photo viewer")
    expect(viewer).to_be_visible()
    expect(viewer.locator("figcaption")).to_have_text("Participants of the meeting")
    expect(viewer).to_contain_text("Photo 1 of 3")
    page.keyboard.press("ArrowRight")
    expect(viewer.locator("figcaption")).to_have_text("The chairman speaks")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(viewer.locator("figcaption")).to_have_text("Members of the Public Council")
    viewer.get_by_role("button", name="Next photo").click()
    expect(viewer).to_contain_text("Photo 1 of 3")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(links.first).to_be_focused()
    expect(page).to_have_url(re.compile(re.escape(khankendi().get_absolute_url("en")) + "$"))


def test_without_javascript_a_gallery_photo_is_a_plain_link(open_browser_page):
    page = open_browser_page(java_script_enabled=False)
    page.goto(khankendi().get_absolute_url("en"))
    href = page.locator(".gallery__link").first.get_attribute("href")
    assert href.endswith(".jpg")


def test_share_links_are_plain_links_with_the_address(page):
    article = khankendi()
    page.goto(article.get_absolute_url("en"))
    share = page.get_by_role("region", name="Share")
    names = share.get_by_role("link").all_inner_texts()
    assert names == ["Facebook", "X", "Telegram", "WhatsApp", "E-mail"]
    href = share.get_by_role("link", name="Telegram").get_attribute("href")
    assert href.startswith("https://t.me/share/url?url=http")
    assert "news%2F" in href


def test_the_footers_feed_link_leads_to_a_page_that_explains_feeds(page):
    page.goto("/az/")
    page.get_by_role("contentinfo").get_by_role("link", name="Xəbər lentləri (RSS)").click()
    expect(page).to_have_url(re.compile(r"/az/lentler/$"))
    expect(page.locator("h1")).to_have_text("Xəbər lentləri")
    expect(page.get_by_role("main")).to_contain_text("lent oxuyucunuza")
    rss = page.get_by_role("main").get_by_role("link", name="RSS").first
    assert rss.get_attribute("href") == "/az/rss/"
