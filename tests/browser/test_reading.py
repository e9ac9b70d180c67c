"""A reader's ways through the site, by clicking: home → listing → article → the other
language and back, the pages of a listing, and the search box in the header."""

import re

from playwright.sync_api import expect

from news.models import Article
from news.selectors import LISTING_PAGE_SIZE


def test_home_to_listing_to_article_to_english_and_back(page):
    page.goto("/az/")
    expect(page.locator("h1")).to_have_text("Komitənin xəbərləri")

    page.get_by_role("navigation", name="Əsas menyu").get_by_role("link", name="Tədbirlər").click()
    expect(page).to_have_url(re.compile(r"/az/tedbirler/$"))
    expect(page.locator("h1")).to_have_text("Tədbirlər")
    menu_link = page.get_by_role("navigation", name="Əsas menyu").get_by_role(
        "link", name="Tədbirlər"
    )
    expect(menu_link).to_have_attribute("aria-current", "page")

    first = page.locator(".listing-item__title a").first
    title_az = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/az/news/\d+/[a-z0-9-]+/$"))
    expect(page.locator("h1")).to_have_text(title_az)
    article = Article.objects.get(title_az=title_az)

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(re.escape(article.get_absolute_url("en")) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(article.title_en)

    page.get_by_role("link", name="Azərbaycanca").click()
    expect(page).to_have_url(re.compile(re.escape(article.get_absolute_url("az")) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "az")
    expect(page.locator("h1")).to_have_text(title_az)


def test_the_language_choice_is_remembered(page):
    page.goto("/az/news/")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/news/$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/en/$"))


def test_listing_pages_forward_and_back(page):
    total = Article.objects.published().count()
    assert total > LISTING_PAGE_SIZE, "the demo should fill more than one page"
    page.goto("/en/news/")
    items = page.locator(".listing .listing-item")
    expect(items).to_have_count(LISTING_PAGE_SIZE)
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages.locator("[aria-current=page]")).to_have_text("1")

    pages.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"/en/news/\?page=2$"))
    expect(items).to_have_count(min(total - LISTING_PAGE_SIZE, LISTING_PAGE_SIZE))
    expect(pages.locator("[aria-current=page]")).to_have_text("2")
    expect(page).to_have_title(re.compile("page 2"))

    pages.get_by_role("link", name="Previous").click()
    expect(page).to_have_url(re.compile(r"/en/news/\?page=1$"))
    expect(items).to_have_count(LISTING_PAGE_SIZE)


def test_search_from_the_header_finds_and_marks_the_words(page):
    page.goto("/az/")
    search = page.get_by_role("search")
    search.get_by_role("searchbox", name="Xəbərlərdə axtar").fill("Qayıdış")
    search.get_by_role("button", name="Axtar").click()
    expect(page).to_have_url(re.compile(r"/az/axtaris/\?q=Qay"))
    expect(page.locator("h1")).to_have_text("Xəbərlərdə axtar")
    results = page.locator(".search-result")
    expect(results.first).to_be_visible()
    expect(page.locator(".search-page__summary")).to_contain_text("Qayıdış")
    expect(results.first.locator("mark").first).to_contain_text(re.compile("Qayıdış", re.I))

    results.first.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/az/news/\d+/"))


def test_search_in_english_and_without_a_match(page):
    page.goto("/en/")
    box = page.get_by_role("searchbox", name="Search the news")
    box.fill("return")
    box.press("Enter")
    expect(page.locator(".search-result").first).to_be_visible()

    page.get_by_role("searchbox", name="Words to find").fill("zzqqxx")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.locator(".search-result")).to_have_count(0)
    expect(page.locator(".search-page__summary")).to_contain_text("No articles match")
