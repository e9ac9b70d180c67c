"""Reads that reader pages share, each with a fixed number of queries."""

from collections.abc import Sequence

from django.core.paginator import EmptyPage, InvalidPage, Paginator
from django.db import connection
from django.http import Http404
from django.utils.functional import cached_property

from news.cache import cached, cached_locally
from news.models import Article, Category

LISTING_PAGE_SIZE = 20
LATEST_COUNT = 8
RELATED_COUNT = 6
# Per-article entries are many and each is read less often than the shared ones.
RELATED_TIMEOUT = 3600


def menu_categories():
    return cached("menu_categories", lambda: list(Category.objects.all()))


def latest_articles():
    return cached(
        "latest_articles",
        lambda: list(Article.objects.published().for_listing()[:LATEST_COUNT]),
    )


def home_articles(count=12):
    # Unevaluated: the home page's cards are a fragment cached per content version,
    # so warm pages never run this query.
    return Article.objects.published().for_listing()[:count]


def category_by_slug(slug, language):
    """The category whose slug in `language` (or, failing that, another language) is `slug`.

    Looked up in the cached menu list: no query once the menu is warm.
    """
    categories = menu_categories()
    for field in [f"slug_{language}", "slug_az", "slug_en"]:
        for category in categories:
            if getattr(category, field, None) == slug:
                return category
    raise Http404("No such category")


class SeekPaginator(Paginator):
    """Page numbers without reading the rows before the page.

    Django's Paginator fetches page N with `OFFSET (N-1)*size`, which reads and throws
    away every row before the page: page 2,000 of a listing reads 40,000 full rows.
    Here page N costs two steps instead:

    1. its boundary, the (published_at, id) of its first row, comes from an index-only
       scan of the listing's index (article_public_idx / article_category_idx hold
       every column the filter and the order need, so no table row is read); it is
       cached per content version, so a deep page costs nothing after its first reader;
    2. the page itself is a keyset "seek": rows at or below the boundary, newest first,
       LIMIT size, an index range scan that reads only the rows it shows.

    The total (for the page links) is cached per content version too.

    `rows` is the listing's queryset or a function that makes it: building a queryset
    costs CPU, and a warm page (count, boundary and rendered rows all cached) needs none.
    """

    def __init__(self, rows, per_page, cache_name):
        self.rows = rows if callable(rows) else lambda: rows
        super().__init__([], per_page, allow_empty_first_page=True)
        self.cache_name = cache_name

    @cached_property
    def count(self):
        return cached(f"{self.cache_name}:count", lambda: self.rows().count())

    def boundary(self, number):
        offset = (number - 1) * self.per_page

        def seek():
            keys = self.rows().order_by("-published_at", "-id").values_list("published_at", "id")
            return list(keys[offset : offset + 1])

        found = cached(f"{self.cache_name}:page:{number}", seek)
        if not found:
            raise EmptyPage("That page contains no results")
        return found[0]

    def page(self, number):
        number = self.validate_number(number)
        boundary = self.boundary(number) if number > 1 else None

        def page_rows():
            rows = self.rows()
            if boundary is not None:
                published_at, pk = boundary
                # `published_at <= t` is the index condition; leaving out the rare rows
                # at exactly `t` with a larger id completes the (published_at, id) order.
                rows = rows.filter(published_at__lte=published_at).exclude(
                    published_at=published_at, id__gt=pk
                )
            return list(rows[: self.per_page])

        # Read only when used: a page whose rendered rows are cached per content version
        # (the listing template's fragment) never builds or runs this query.
        return self._get_page(LazyRows(page_rows), number, self)


class LazyRows(Sequence):
    """A page's rows, fetched the first time they are looked at."""

    def __init__(self, fetch):
        self._fetch = fetch
        self._rows = None

    def _all(self):
        if self._rows is None:
            self._rows = self._fetch()
        return self._rows

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self):
        return len(self._all())

    def __iter__(self):
        return iter(self._all())


def listing_page(page_number, category=None, language=None):
    """One page of a dated listing, newest first; a bad page number is a 404."""

    def articles():
        rows = Article.objects.published().for_listing()
        if category is not None:
            rows = rows.filter(category=category)
        if language:
            rows = rows.written_in(language)
        return rows

    cache_name = f"listing:{category.pk if category else 'all'}:{language or 'any'}"
    paginator = SeekPaginator(articles, LISTING_PAGE_SIZE, cache_name)
    try:
        return paginator.page(page_number or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error


def article_for_reader(pk, *, preview=False):
    """The article at `pk` if readers may see it; staff previews see any state.

    For readers the loaded article is kept in this worker's memory per content version
    (news.cache): any save, delete or scheduled publication changes the version, so it
    never outlives a change. Its view count is not part of the content: read it with
    `stored_view_count`.
    """
    if preview:
        return _load_article(pk, preview=True)
    return cached_locally(f"article:{pk}", lambda: _load_article(pk))


def _load_article(pk, *, preview=False):
    # No gallery prefetch: the gallery is part of the article's rendered main block,
    # cached per content version (article.html), so it costs one query only when that
    # block is rendered, however many photos there are.
    articles = (
        Article.objects.select_related("category")
        # The folded search copies are as long as the texts and never shown.
        .defer("search_az", "search_en")
    )
    if not preview:
        articles = articles.reachable()
    article = articles.filter(pk=pk).first()
    if article is None:
        raise Http404("No such article")
    return article


def stored_view_count(pk):
    """The article's counted views as stored now (the flusher adds to it at any time)."""
    # A plain statement: this runs on every article page, and the ORM's query building
    # costs more than the query.
    with connection.cursor() as cursor:
        cursor.execute("SELECT view_count FROM news_article WHERE id = %s", [pk])
        row = cursor.fetchone()
    return row[0] if row else 0


def related_articles(article):
    """The category's newest other articles, cached per article and content version."""
    return cached(
        f"related:{article.pk}",
        lambda: list(
            Article.objects.published()
            .for_listing()
            .filter(category_id=article.category_id)
            .exclude(pk=article.pk)[:RELATED_COUNT]
        ),
        timeout=RELATED_TIMEOUT,
    )
