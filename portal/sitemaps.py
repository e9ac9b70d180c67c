"""Sitemaps for both languages with hreflang alternates: pages, categories, topics,
static pages, articles. /sitemap.xml is an index; each section is paginated.

Django's i18n sitemaps expand every item into (item, language) pairs in memory before
paginating, which would load all 100,000 articles for every sitemap page. Articles are
paginated here as a queryset instead (one COUNT, one page of rows) and each article
lists the languages it is really written in, each with its alternates.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import override
from django.views.decorators.http import require_safe

from core.caching import cached
from core.i18n import LANGUAGE_CODES
from news import selectors
from news.models import Article, Category
from portal.models import StaticPage

ARTICLES_PER_PAGE = 1000  # at most 2,000 URLs per sitemap page
SITEMAP_TIMEOUT = 3600


class LanguageSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def _urls(self, page, protocol, domain):
        # Django's x-default is the address without a language prefix, which answers
        # with a redirect; ours is the Azerbaijani page itself, as pages declare it.
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            by_language = {alt["lang_code"]: alt["location"] for alt in url["alternates"]}
            for alternate in url["alternates"]:
                if alternate["lang_code"] == "x-default":
                    alternate["location"] = by_language[settings.LANGUAGE_CODE]
        return urls


class PagesSitemap(LanguageSitemap):
    """The fixed reader pages: home, all news, the archive, the feeds, the appeal form."""

    changefreq = "daily"

    def items(self):
        return ["news:home", "news:all", "news:archive", "news:feeds", "portal:appeal"]

    def location(self, name):
        return reverse(name)


class CategorySitemap(LanguageSitemap):
    changefreq = "daily"

    def items(self):
        return list(Category.objects.all())

    def location(self, category):
        return category.get_absolute_url()

    def lastmod(self, category):
        return category.updated_at


class TopicSitemap(LanguageSitemap):
    """The topics page and every topic or place with published news."""

    changefreq = "daily"

    def items(self):
        return ["news:topics", *[tag for tag, _count in selectors.topics()]]

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()


class StaticPageSitemap(LanguageSitemap):
    changefreq = "monthly"

    def items(self):
        return list(StaticPage.objects.filter(is_published=True))

    def location(self, page):
        return page.get_absolute_url()

    def lastmod(self, page):
        return page.updated_at


class ArticleSitemap(Sitemap):
    """Each article in the languages it is written in, each URL with its alternates."""

    limit = ARTICLES_PER_PAGE

    def items(self):
        return (
            Article.objects.published()
            .order_by("-published_at", "-id")
            .only("id", "updated_at", "written_languages", "source_language", "slug_az", "slug_en")
        )

    @property
    def paginator(self):
        return Paginator(self.items(), self.limit)

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]

    def _urls(self, page, protocol, domain):
        # One reverse() per language, not per article: thousands of URLs per page.
        patterns = {}
        for code in LANGUAGE_CODES:
            with override(code):
                path = reverse("news:article", kwargs={"pk": 0, "slug": "slug"})
            patterns[code] = f"{protocol}://{domain}{path}".replace("/0/slug/", "/{pk}/{slug}/")
        urls = []
        latest = None
        for article in self.paginator.page(page).object_list:
            languages = article.languages or [article.source_language]
            alternates = [
                {
                    "lang_code": code,
                    "location": patterns[code].format(pk=article.pk, slug=article.slug_for(code)),
                }
                for code in languages
            ]
            # x-default: the Azerbaijani page, or the only page an article has; a URL
            # that answers 200, as the page itself declares it (base.html).
            default = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in languages else None
            default_location = next(
                alternate["location"]
                for alternate in alternates
                if alternate["lang_code"] == (default or alternates[0]["lang_code"])
            )
            alternates.append({"lang_code": "x-default", "location": default_location})
            latest = max(latest, article.updated_at) if latest else article.updated_at
            urls.extend(
                {
                    "item": article,
                    "location": alternate["location"],
                    "lastmod": article.updated_at,
                    "changefreq": None,
                    "priority": "",
                    "alternates": alternates,
                }
                for alternate in alternates
                if alternate["lang_code"] != "x-default"
            )
        if latest:
            self.latest_lastmod = latest
        return urls


SITEMAPS = {
    "pages": PagesSitemap,
    "categories": CategorySitemap,
    "topics": TopicSitemap,
    "static": StaticPageSitemap,
    "news": ArticleSitemap,
}


def _cached_response(key, render):
    """A sitemap response rendered once per content version (and host), then reused."""

    def build():
        response = render()
        response.render()
        return (response.status_code, response.content, dict(response.headers))

    status, content, headers = cached(key, build, timeout=SITEMAP_TIMEOUT)
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@require_safe
def index(request):
    """/sitemap.xml: the sections and their pages."""
    return _cached_response(
        f"sitemap:index:{request.scheme}:{request.get_host()}",
        lambda: sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section"),
    )


@require_safe
def section(request, section):
    """One page of one section; unknown sections and pages are 404 (not cached)."""
    page = request.GET.get("p", "1")
    if section not in SITEMAPS or not page.isdigit() or len(page) > 6:
        return sitemap_views.sitemap(request, SITEMAPS, section=section)
    return _cached_response(
        f"sitemap:{section}:{int(page)}:{request.scheme}:{request.get_host()}",
        lambda: sitemap_views.sitemap(request, SITEMAPS, section=section),
    )
