"""The newest articles matching a search, on PostgreSQL (news.search asks; SQLite has
its own substring match there).

There are two ways to find them, and each is fast where the other is slow:

- walking the newest search entries and testing each one's vector (about a microsecond
  a row): fast for common words, whose first MAX_RESULTS matches come within a few
  hundred rows; slow for rare ones, where it walks the whole window for nothing;
- asking the GIN index: fast for rare words, since it reads only their matches; slow
  for a word found in most articles, whose list of matches it reads in full.

The choice comes from PostgreSQL's own statistics on the vectors (pg_stats: the most
common lexemes and how many entries hold them), which autovacuum keeps current. When
the words together are expected in enough of the newest entries, the walk runs first;
otherwise, or when the walk finds too few, the index is asked, about the words that are
not in most articles only, and the other words are tested on the rows it returns.
"""

import bisect
import datetime
import math
from dataclasses import dataclass

from django.db import connection

from news.cache import cached_locally

# Bounds that hold every publication time.
EVERYTHING = datetime.datetime.min.replace(tzinfo=datetime.UTC)
END_OF_TIME = datetime.datetime.max.replace(tzinfo=datetime.UTC)
# Words in more entries than this are not looked up in the index but tested on the
# rows it returns: reading their long lists of matches costs more than the test.
INDEXED_SHARE_LIMIT = 0.3

# The LIMIT inside keeps the planner from answering with the GIN index, and the walk
# stops at the outer LIMIT: the newest entries are read in order, one by one.
_WALK = """
SELECT article_id, ts_rank(vector, to_tsquery('simple', %(query)s)), published_at
FROM (
    SELECT article_id, category_id, published_at, vector
    FROM news_searchentry
    WHERE language = %(language)s AND published_at <= %(now)s
        AND published_at >= %(since)s AND published_at < %(until)s
    ORDER BY published_at DESC, article_id DESC
    LIMIT %(window)s
) AS newest
WHERE vector @@ to_tsquery('simple', %(query)s)
    AND (%(category)s::bigint IS NULL OR category_id = %(category)s)
ORDER BY published_at DESC, article_id DESC
LIMIT %(limit)s
"""

# The index lookup. Ordering by an expression no index supplies keeps the planner from
# walking the date index in the hope of finding matches early, and the rank is worked
# out outside, for the rows kept only. Calling ts_match_vq (the function behind @@)
# keeps the common words out of the index lookup, and adding a zero interval keeps
# those time bounds out of it too: only `recent`, when given, is a bound the index
# applies, as a scan of the times from it onwards (from the oldest it would read the
# whole index).
_LOOKUP = """
SELECT article_id, ts_rank(vector, to_tsquery('simple', %(query)s)), published_at
FROM (
    SELECT article_id, published_at, vector
    FROM news_searchentry
    WHERE language = %(language)s
        AND vector @@ to_tsquery('simple', %(indexed)s)
        AND ts_match_vq(vector, to_tsquery('simple', %(query)s))
        AND published_at + interval '0' <= %(now)s
        AND published_at + interval '0' >= %(since)s
        AND published_at + interval '0' < %(until)s
        AND (%(category)s::bigint IS NULL OR category_id = %(category)s)
        AND (%(recent)s::timestamptz IS NULL OR published_at >= %(recent)s)
    ORDER BY published_at + interval '0' DESC, article_id DESC
    LIMIT %(limit)s
) AS found
ORDER BY published_at DESC, article_id DESC
"""


def candidates(language, terms, now, *, limit, window, category_id=None, year=None):
    """(article id, rank, publication time) of the newest `limit` published entries in
    `language` that hold every term (as a prefix), newest first. `window` is the most
    entries a walk reads."""
    statistics = _statistics(language)
    shares = [statistics.share(term) for term in terms]
    since, until = _year_bounds(year) if year else (EVERYTHING, END_OF_TIME)
    params = {
        "query": _tsquery(terms),
        "language": language,
        "now": now,
        "since": since,
        "until": until,
        "category": category_id or None,
        "window": window,
        "limit": limit,
    }
    # How many of the newest entries should hold `limit` matches twice over. With no
    # statistics yet (a new table) the walk comes first, as for common words.
    needed = window if None in shares else 2 * limit / max(math.prod(shares), 1e-9)
    if needed <= window:
        found = _fetch(_WALK, params)
        if len(found) >= limit:
            return found
    params["indexed"] = _tsquery(_indexed_terms(terms, shares))
    # Not so common: the index, about the newest `needed` entries first.
    if needed > window and not year:
        recent = statistics.newest_since(needed)
        if recent is not EVERYTHING:
            found = _fetch(_LOOKUP, dict(params, recent=recent))
            if len(found) >= limit:
                return found
    return _fetch(_LOOKUP, dict(params, recent=None))


def _indexed_terms(terms, shares):
    """The terms worth looking up in the index: those not in most entries (and, when
    every one is, the rarest)."""
    known = [
        (share if share is not None else 0.0, term)
        for share, term in zip(shares, terms, strict=True)
    ]
    rare = [term for share, term in known if share < INDEXED_SHARE_LIMIT]
    return rare or [min(known)[1]]


def _tsquery(terms):
    # Terms are letters and digits only (news.search.query_terms): quoting is enough.
    return " & ".join(f"'{term}':*" for term in terms)


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _year_bounds(year):
    """The first moment of `year` and of the next, in the site's time zone (as the
    year select counts them)."""
    from django.utils import timezone

    return tuple(timezone.make_aware(datetime.datetime(value, 1, 1)) for value in (year, year + 1))


@dataclass(frozen=True)
class _Statistics:
    """What pg_stats says about the entries of one language: the most common lexemes
    with the share of all entries holding each (both languages share the column), the
    language's share of the entries, their number, and their publication times as
    (time, share of the entries at it or up to the next time), oldest first."""

    lexemes: tuple = ()
    shares: tuple = ()
    least_common_share: float = 0.0
    language_share: float = 1.0
    entries: float = 0.0
    times: tuple = ()

    def share(self, term):
        """The estimated share of the language's entries holding a word that starts
        with `term`; None when there are no statistics yet."""
        if not self.lexemes:
            return None
        start = bisect.bisect_left(self.lexemes, term)
        total = 0.0
        for index in range(start, len(self.lexemes)):
            if not self.lexemes[index].startswith(term):
                break
            total += self.shares[index]
        # A word not listed is rarer than every listed one.
        total = total or self.least_common_share / 2
        return min(1.0, total / self.language_share)

    def newest_since(self, count):
        """A publication time with about `count` of the language's entries (or more)
        after it; EVERYTHING when there are not that many, or no statistics."""
        if count >= self.entries:
            return EVERYTHING
        wanted = count / self.entries
        total = 0.0
        for time, share in reversed(self.times):
            total += share
            if total >= wanted:
                return time
        return EVERYTHING


_STATISTICS = """
SELECT stats.attname, stats.null_frac,
       CASE WHEN stats.attname = 'language' THEN stats.most_common_vals::text::text[] END,
       CASE WHEN stats.attname = 'published_at'
            THEN stats.most_common_vals::text::timestamptz[] END,
       stats.most_common_freqs,
       CASE WHEN stats.attname = 'published_at'
            THEN stats.histogram_bounds::text::timestamptz[] END,
       stats.most_common_elems::text::text[], stats.most_common_elem_freqs,
       class.reltuples
FROM pg_stats AS stats
JOIN pg_class AS class ON class.oid = 'news_searchentry'::regclass
WHERE stats.schemaname = current_schema() AND stats.tablename = 'news_searchentry'
    AND stats.attname IN ('language', 'vector', 'published_at')
"""


def _statistics(language):
    """Kept in this process's memory per content version: a few hundred µs to read."""

    def read():
        rows = {row[0]: row[1:] for row in _fetch(_STATISTICS, {})}
        if "vector" not in rows or not rows["vector"][6]:
            return _Statistics()
        _, languages, _, language_freqs, _, _, _, _ = rows.get("language", (None,) * 8)
        language_shares = dict(zip(languages or (), language_freqs or (), strict=True))
        share = language_shares.get(language) or 1.0
        *_, lexemes, lexeme_freqs, entries = rows["vector"]
        # most_common_elem_freqs ends with the least and the greatest frequency.
        pairs = sorted(zip(lexemes, lexeme_freqs[: len(lexemes)], strict=True))
        return _Statistics(
            lexemes=tuple(lexeme for lexeme, _ in pairs),
            shares=tuple(share for _, share in pairs),
            least_common_share=lexeme_freqs[len(lexemes)],
            language_share=share,
            entries=max(entries, 0) * share,
            times=_time_shares(rows.get("published_at")),
        )

    return cached_locally(f"search-statistics:{language}", read)


def _time_shares(row):
    """(time, share of entries) pairs, oldest first, from the column's statistics: its
    most common values with their shares, and its histogram, whose buckets share the
    rest equally (each counted at its lower bound, so a sum never falls short)."""
    if row is None:
        return ()
    null_share, _, common, common_shares, bounds, *_ = row
    pairs = list(zip(common or (), common_shares or (), strict=True))
    if bounds and len(bounds) > 1:
        rest = max(0.0, 1.0 - null_share - sum(common_shares or ()))
        pairs += [(bound, rest / (len(bounds) - 1)) for bound in bounds[:-1]]
    return tuple(sorted(pairs))
