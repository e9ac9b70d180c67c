"""Reads that reader pages share, each with a fixed number of queries: listings, sidebars,
the archive by month and the most-read lists. Public code reads articles only through
`published()`; shared results are cached per content version."""

import datetime
from collections.abc import Sequence

from django.core.paginator import EmptyPage, InvalidPage, Paginator
from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from core.caching import cached, cached_locally
from core.i18n import LANGUAGE_CODES
from news.models import Article, ArticleSummary, Category, Tag, WithdrawalNotice

LISTING_PAGE_SIZE = 20
LATEST_COUNT = 8
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
    # Read when first looked at: the home page's cards are a fragment cached per content
    # version, so warm pages never run this query.
    return LazyRows(lambda: listed(Article.objects.published()[:count]))


def all_tags():
    """Every tag (topics and places), cached per content version: few, and each reader
    page that names one looks it up here."""
    return cached("all_tags", lambda: list(Tag.objects.all()))


def tag_by_slug(slug, language):
    """The tag whose slug in `language` (or, failing that, another language) is `slug`."""
    tags = all_tags()
    for field in [f"slug_{language}", "slug_az", "slug_en"]:
        for tag in tags:
            if getattr(tag, field, None) == slug:
                return tag
    raise Http404("No such topic")


def topics(now=None):
    """[(tag, number of published articles)] for tags with any, places last, the
    busiest first: the topics page and the home page's sidebar."""

    def build():
        rows = (
            Tag.objects.annotate(
                published=Count(
                    "articles",
                    filter=Q(
                        articles__status=Article.Status.PUBLISHED,
                        articles__published_at__lte=now or timezone.now(),
                    ),
                )
            )
            .filter(published__gt=0)
            .order_by("-kind", "-published", "id")
        )
        return [(tag, tag.published) for tag in rows]

    # Scheduled articles join their topics at their time without a save: recount often.
    return cached("topics", build, timeout=ARCHIVE_TIMEOUT)


def article_tags(article):
    """The article's tags, topics first; cached per article and content version."""
    return cached(
        f"article_tags:{article.pk}",
        lambda: list(article.tags.order_by("-kind", "id")),
        timeout=RELATED_TIMEOUT,
    )


def withdrawal_notices(article):
    """The article's past withdrawals, newest first (public: see Article.save)."""
    return cached(
        f"withdrawal_notices:{article.pk}",
        lambda: list(WithdrawalNotice.objects.filter(article_id=article.pk)),
        timeout=RELATED_TIMEOUT,
    )


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
       every column the filter and the order need, so no table row is read), counted
       from the nearest mark above the page in a long listing (`marks`), else from the
       nearer end of the listing; it is cached per content version, so a deep page
       costs nothing after its first reader;
    2. the page itself is a keyset "seek": rows at or below the boundary, newest first,
       LIMIT size, an index range scan that reads only the rows it shows.

    The total (for the page links) is cached per content version too; for sections and
    all news it comes from the trigger-kept counts (published_count).

    `rows` is the listing's queryset or a function that makes it: building a queryset
    costs CPU, and a warm page (count, boundary and rendered rows all cached) needs none.
    """

    def __init__(self, rows, per_page, cache_name, counter=None):
        self.rows = rows if callable(rows) else lambda: rows
        super().__init__([], per_page, allow_empty_first_page=True)
        self.cache_name = cache_name
        self.counter = counter or (lambda: self.rows().count())

    @cached_property
    def count(self):
        return cached(f"{self.cache_name}:count", self.counter)

    def boundary(self, number):
        offset = (number - 1) * self.per_page

        def seek():
            keys = self.rows().values_list("published_at", "id")
            mark, skip = divmod(offset, MARK_EVERY)
            marks = self.marks() if mark else []
            if mark < len(marks):
                # From the nearest mark above the page: at most MARK_EVERY entries read.
                keys = at_or_below(keys, *marks[mark])
                return list(keys.order_by("-published_at", "-id")[skip : skip + 1])
            from_oldest = self.count - 1 - offset
            if from_oldest < offset:
                # Nearer the oldest end: counted from there, the index read backwards,
                # so no boundary reads more than half the listing's entries.
                return list(keys.order_by("published_at", "id")[from_oldest : from_oldest + 1])
            return list(keys.order_by("-published_at", "-id")[offset : offset + 1])

        found = cached(f"{self.cache_name}:page:{number}", seek)
        if not found:
            raise EmptyPage("That page contains no results")
        return found[0]

    def marks(self):
        """Every MARK_EVERY-th entry's (published_at, id), newest first: one pass over
        the listing's index, cached per content version (PostgreSQL, long listings).

        Without them a deep page's boundary reads up to half the listing's index
        entries, each time a page is first read after a change: 5 ms in the middle of a
        50,000-article section, and 30 ms where recent updates (view counts) left the
        table's pages to be read too. From a mark it reads at most MARK_EVERY entries.
        The pass costs about 55 ms for such a section, once per content version.
        """
        if connection.vendor != "postgresql" or self.count < 2 * MARK_EVERY:
            return []

        def build():
            keys = self.rows().values_list("published_at", "id").order_by()
            sql, params = keys.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(_MARKS.format(listing=sql), [*params, MARK_EVERY])
                return cursor.fetchall()

        return cached(f"{self.cache_name}:marks", build)

    def page(self, number):
        number = self.validate_number(number)
        boundary = self.boundary(number) if number > 1 else None

        def page_rows():
            rows = self.rows()
            if boundary is not None:
                rows = at_or_below(rows, *boundary)
            return listed(rows[: self.per_page])

        # Read only when used: a page whose rendered rows are cached per content version
        # (the listing template's fragment) never builds or runs this query.
        return self._get_page(LazyRows(page_rows), number, self)


# Entries between two marks of a long listing (SeekPaginator.marks): 50 pages.
MARK_EVERY = 1000
_MARKS = """
SELECT published_at, id FROM (
    SELECT published_at, id,
        row_number() OVER (ORDER BY published_at DESC, id DESC) AS n
    FROM ({listing}) AS listing
) AS numbered
WHERE n %% %s = 1
ORDER BY n
"""


def at_or_below(rows, published_at, pk):
    """The rows at or after the entry (published_at, pk) in newest-first order."""
    # `published_at <= t` is the index condition; leaving out the rare rows at exactly
    # `t` with a larger id completes the (published_at, id) order.
    return rows.filter(published_at__lte=published_at).exclude(published_at=published_at, id__gt=pk)


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


def listing_page(page_number, category=None, language=None, tag=None):
    """One page of a dated listing (all news, a section's or a topic's), newest first;
    a bad page number is a 404."""

    def articles():
        # Read through `listed` (plain values) and the boundary's two columns: no
        # for_listing(), whose select_related and only() values() would ignore.
        rows = Article.objects.published()
        if category is not None:
            rows = rows.filter(category=category)
        if tag is not None:
            rows = rows.filter(tags=tag)
        if language:
            rows = rows.written_in(language)
        return rows

    scope = f"tag-{tag.pk}" if tag is not None else (category.pk if category else "all")
    cache_name = f"listing:{scope}:{language or 'any'}"
    counter = None
    if tag is None and not language and connection.vendor == "postgresql":
        counter = lambda: published_count(category)  # noqa: E731
    paginator = SeekPaginator(articles, LISTING_PAGE_SIZE, cache_name, counter)
    try:
        return paginator.page(page_number or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error


# Published articles (news_publishedcount, kept by a trigger: migration 0011) less the
# scheduled ones whose time has not come, which the listing's index finds in a short
# range at its newest end.
_PUBLISHED_COUNT = """
SELECT coalesce(sum(count), 0) - (
    SELECT count(*) FROM news_article
    WHERE status = 'published' AND published_at > %(now)s
        AND (%(category)s::bigint IS NULL OR category_id = %(category)s)
)
FROM news_publishedcount
WHERE %(category)s::bigint IS NULL OR category_id = %(category)s
"""


def published_count(category=None, now=None):
    """How many articles readers may see listed in `category` (or in all), on PostgreSQL:
    the same number as Article.objects.published().count(), in two short index reads."""
    params = {"now": now or timezone.now(), "category": category.pk if category else None}
    with connection.cursor() as cursor:
        cursor.execute(_PUBLISHED_COUNT, params)
        return cursor.fetchone()[0]


def article_for_reader(pk, *, preview=False):
    """The article at `pk` if readers may see it; staff previews see any state.

    For readers the loaded article is kept in this worker's memory per content version
    (core.caching): any save, delete or scheduled publication changes the version, so it
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


# What a date line or a pager link shows of an article: no lead, no body.
LINE_FIELDS = [
    "id",
    "published_at",
    "source_language",
    "written_languages",
    "category_id",
    *[f"{field}_{code}" for field in ("title", "slug") for code in LANGUAGE_CODES],
]


def db_time(value):
    """A time as a plain statement's parameter, in the form the database stores it
    (SQLite: naive UTC text; PostgreSQL: as it is)."""
    return connection.ops.adapt_datetimefield_value(value)


def article_columns(fields):
    """The quoted columns of Article's `fields`, for a plain statement."""
    quote = connection.ops.quote_name
    return ", ".join(quote(Article._meta.get_field(name).column) for name in fields)


def summary_rows(sql, params, fields):
    """An ArticleSummary for each row of `sql`, whose columns are `fields` in order.

    Plain SQL: through the ORM (modeltranslation's queryset, a model instance per row
    and per section) the same rows cost several times the CPU, and lists of articles
    (search results, neighbours, related news) are rebuilt after every content change.
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for_row = _summary_maker()
    found = []
    for row in rows:
        values = dict(zip(fields, row, strict=True))
        if timezone.is_naive(values["published_at"]):  # SQLite's driver: UTC, unmarked
            values["published_at"] = values["published_at"].replace(tzinfo=datetime.UTC)
        found.append(for_row(values))
    return found


def _summary_maker():
    """A function making an ArticleSummary of one row's values (by attribute name)."""
    categories = {category.pk: category for category in menu_categories()}
    photo = Article._meta.get_field("photo")

    def summary(values):
        category_id = values.pop("category_id")
        # The menu is cached per content version; a section made since the version was
        # read this request is not in it yet.
        category = categories.get(category_id) or Category.objects.get(pk=category_id)
        if "photo" in values:
            # What the row's `photo` would be: the stored name, with its address.
            values["photo"] = photo.attr_class(None, photo, values["photo"] or "")
        return ArticleSummary(category, **values)

    return summary


# What a listing row or a home card shows of an article (Article.for_listing's columns).
LISTED_FIELDS = [
    *LINE_FIELDS,
    "photo",
    "photo_width",
    "photo_height",
    "photo_renditions",
    *[f"lead_{code}" for code in LANGUAGE_CODES],
]


def listed(articles):
    """The rows of the `articles` queryset (filtered, ordered and sliced) as
    ArticleSummary: plain values, no model instance per article and per section, which
    cost most of a listing page's first render."""
    for_row = _summary_maker()
    return [for_row(values) for values in articles.values(*LISTED_FIELDS)]


# The nearest older and newer published article of a section: each a few entries of
# article_category_idx, through the row comparison on (published_at, id).
_NEIGHBOURS = """
SELECT * FROM (
    SELECT {columns} FROM news_article
    WHERE category_id = %(category)s AND status = 'published' AND published_at <= %(now)s
        AND (published_at, id) < (%(at)s, %(id)s)
    ORDER BY published_at DESC, id DESC
    LIMIT 1
) AS older
UNION ALL
SELECT * FROM (
    SELECT {columns} FROM news_article
    WHERE category_id = %(category)s AND status = 'published' AND published_at <= %(now)s
        AND (published_at, id) > (%(at)s, %(id)s)
    ORDER BY published_at, id
    LIMIT 1
) AS newer
"""


def neighbours(article):
    """(previous, next) published article in the article's section by publication time,
    None where there is none: one query (a UNION of the two nearest, each a few index
    entries), cached per article and content version."""

    def build():
        found = summary_rows(
            _NEIGHBOURS.format(columns=article_columns(LINE_FIELDS)),
            {
                "category": article.category_id,
                "now": db_time(timezone.now()),
                "at": db_time(article.published_at),
                "id": article.pk,
            },
            LINE_FIELDS,
        )
        here = (article.published_at, article.pk)
        before = [row for row in found if (row.published_at, row.pk) < here]
        after = [row for row in found if (row.published_at, row.pk) > here]
        return (before[0] if before else None), (after[0] if after else None)

    return cached(f"neighbours:{article.pk}", build, timeout=RELATED_TIMEOUT)


# The archive and the most-read lists ---------------------------------------------

ARCHIVE_PAGE_SIZE = 20
# Readable dates only: anything else in an archive URL is a 404, never a date overflow.
FIRST_YEAR = 1900
LAST_YEAR = 2999
MOST_READ_COUNT = 5
MOST_READ_WINDOWS = (7, 30)
# Views keep coming in without any content change, so most-read is cached by time:
# it may be at most this many seconds behind.
MOST_READ_TIMEOUT = 300
# Scheduled articles join the archive at their time without a save: recount that often.
ARCHIVE_TIMEOUT = 300


def archive_months(category=None):
    """[(year, month, count)] for every month with published news, newest first.

    One GROUP BY over published() in the site's time zone (a story published at
    01:00 on 1 August in Baku belongs to August).
    """

    def build():
        articles = Article.objects.published()
        if category is not None:
            articles = articles.filter(category_id=category.pk)
        rows = (
            articles.annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(count=Count("id"))
            .order_by("-month")
        )
        return [(row["month"].year, row["month"].month, row["count"]) for row in rows]

    key = f"archive_months:{category.pk if category is not None else 'all'}"
    return cached(key, build, timeout=ARCHIVE_TIMEOUT)


def archive_years(category=None):
    """[(year, [(month, count)], total)] newest first, from archive_months()."""
    years = {}
    for year, month, count in archive_months(category):
        years.setdefault(year, []).append((month, count))
    return [(year, months, sum(n for _m, n in months)) for year, months in years.items()]


def published_years():
    """Every year from the first published article to the latest, newest first.

    For filters: two index look-ups (MIN and MAX), where archive_years() counts
    every article; a year without news in between simply filters to nothing.
    """

    def build():
        bounds = Article.objects.published().aggregate(
            first=Min("published_at"), last=Max("published_at")
        )
        if bounds["first"] is None:
            return []
        first = timezone.localtime(bounds["first"]).year
        last = timezone.localtime(bounds["last"]).year
        return list(range(last, first - 1, -1))

    return cached("published_years", build, timeout=ARCHIVE_TIMEOUT)


def valid_period(year, month=None):
    """Whether the URL's numbers name a real month (or year) the archive could hold."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return False
    return month is None or 1 <= month <= 12


def month_bounds(year, month):
    """[start, end) of a month in the site's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=zone)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def archive_page(page_number, year, month, category=None):
    """One page of a month's published news, newest first; a bad page number is a 404."""
    start, end = month_bounds(year, month)
    articles = (
        Article.objects.published()
        .for_listing()
        .filter(published_at__gte=start, published_at__lt=end)
    )
    if category is not None:
        articles = articles.filter(category_id=category.pk)
    paginator = Paginator(articles, ARCHIVE_PAGE_SIZE, allow_empty_first_page=True)
    try:
        return paginator.page(page_number or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error


def most_read(days, now=None, count=MOST_READ_COUNT):
    """The published articles with the most views over the last `days` days (Baku days).

    `now` lets tests travel in time; the cache key carries the day, so a cached list
    never outlives its window.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_day = today - datetime.timedelta(days=days - 1)

    def build():
        return summary_rows(
            _MOST_READ.format(columns=article_columns(LINE_FIELDS)),
            {
                "first_day": first_day,
                "today": today,
                "now": db_time(now),
                "count": count,
            },
            [*LINE_FIELDS, "window_views"],
        )

    return cached(f"most_read:{days}:{today.isoformat()}", build, timeout=MOST_READ_TIMEOUT)


# The window's views summed per article first (one pass over the window's rows of
# news_dailyviews), then joined to the published articles: joining first grouped every
# listed column of every article viewed, 260 ms a window on the benchmark database.
_MOST_READ = """
SELECT {columns}, views.total
FROM (
    SELECT article_id, sum(count) AS total FROM news_dailyviews
    WHERE day >= %(first_day)s AND day <= %(today)s
    GROUP BY article_id
) AS views
JOIN news_article ON news_article.id = views.article_id
WHERE status = 'published' AND published_at <= %(now)s
ORDER BY views.total DESC, published_at DESC, news_article.id DESC
LIMIT %(count)s
"""
