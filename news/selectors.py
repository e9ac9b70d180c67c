"""Reads that reader pages share, each with a fixed number of queries."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.http import Http404

from news.cache import cached
from news.models import Article, Category

LISTING_PAGE_SIZE = 20
LATEST_COUNT = 8
RELATED_COUNT = 6


def menu_categories():
    return cached("menu_categories", lambda: list(Category.objects.all()))


def latest_articles():
    return cached(
        "latest_articles",
        lambda: list(Article.objects.published().for_listing()[:LATEST_COUNT]),
    )


def home_articles(count=12):
    return list(Article.objects.published().for_listing()[:count])


def category_by_slug(slug, language):
    """The category whose slug in `language` (or, failing that, another language) is `slug`."""
    category = Category.objects.filter(**{f"slug_{language}": slug}).first()
    if category is None:
        category = Category.objects.filter(Q(slug_az=slug) | Q(slug_en=slug)).first()
    if category is None:
        raise Http404("No such category")
    return category


def listing_page(page_number, category=None, language=None):
    """One page of a dated listing, newest first; a bad page number is a 404."""
    articles = Article.objects.published().for_listing()
    if category is not None:
        articles = articles.filter(category=category)
    if language:
        articles = articles.written_in(language)
    paginator = Paginator(articles, LISTING_PAGE_SIZE, allow_empty_first_page=True)
    try:
        return paginator.page(page_number or 1)
    except (PageNotAnInteger, EmptyPage) as error:
        raise Http404(str(error)) from error


def article_for_reader(pk, *, preview=False):
    """The article at `pk` if readers may see it; staff previews see any state."""
    articles = Article.objects.select_related("category")
    if not preview:
        articles = articles.reachable()
    article = articles.filter(pk=pk).first()
    if article is None:
        raise Http404("No such article")
    return article


def related_articles(article):
    return list(
        Article.objects.published()
        .for_listing()
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)[:RELATED_COUNT]
    )
