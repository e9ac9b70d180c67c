"""The newest articles matching a search, on PostgreSQL (news.search asks; SQLite has
its own substring match there).

There are two ways to find them, and each is fast where the other is slow:

- walking the newest search entries and testing each one's vector (about a microsecond
  a row): fast for common words, whose first MAX_RESULTS matches come within a few
  hundred rows; slow for rare ones, where it walks the whole window for nothing;
- asking the GIN index: fast for rare words, since it reads only their matches; slow
  for a word found in most articles, whose list of matches it reads in full.

The choice comes from PostgreSQL's own statistics on each language's vectors (the most
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
from django.utils import timezone

from news.cache import cached_locally

# Bounds that hold every publication time.
EVERYTHING = datetime.datetime.min.replace(tzinfo=datetime.UTC)
END_OF_TIME = datetime.datetime.max.replace(tzinfo=datetime.UTC)
# Words in more entries than this are not looked up in the index but tested on the
# rows it returns: reading their long lists of matches costs more than the test.
INDEXED_SHARE_LIMIT = 0.3
# Costs against reading one row that the lookup found (measured on the benchmark
# database with EXPLAIN ANALYZE: about 5 µs, the vector tested again included):
# scanning one entry's publication time in the index (about 0.12 µs); collecting one
# match of a prefix from the index (0.5 µs); walking one entry and testing its vector
# (0.85 µs).
TIME_SCAN_COST = 0.03
MATCH_COST = 0.1
WALK_COST = 0.16
# A walk reads at least this many of the newest entries (if `window` allows): short
# walks cost little, and they absorb the statistics' errors for common words.
SHORTEST_WALK = 4000

# The LIMIT inside keeps the planner from answering with the GIN index, and the walk
# stops at the outer LIMIT: the newest entries are read in order, one by one.
_WALK = """
SELECT article_id, ts_rank(vector, to_tsquery('simple', %(query)s)),
    date_part('epoch', published_at)
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
SELECT article_id, ts_rank(vector, to_tsquery('simple', %(query)s)),
    date_part('epoch', published_at)
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
    """(article id, rank, publication time in seconds since 1970) of the newest `limit`
    published entries in `language` that hold every term (as a prefix), newest first.
    `window` is the most entries a walk reads. Seconds rather than datetimes: the rows
    are kept in the shared cache, and pickling 200 datetimes cost more than the rest."""
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
    indexed = _indexed_terms(terms, shares)
    params["indexed"] = _tsquery(indexed)
    share_of = dict(zip(terms, shares, strict=True))
    indexed_shares = [share_of[term] or 0.0 for term in indexed]
    indexed_share = math.prod(indexed_shares)
    if category_id:
        # The statistics do not say how much of a section's news holds the words, and
        # the walk tests the section on every entry it reads: walks stay short.
        window = min(window, SHORTEST_WALK)
    # How many of the newest entries should hold `limit` matches twice over. With no
    # statistics yet (a new table) a short walk comes first, as for common words.
    if None in shares:
        needed = min(window, SHORTEST_WALK)
    else:
        needed = 2 * limit / max(math.prod(shares), 1e-9)
    if needed <= window and _walk_pays(statistics, needed, indexed_shares):
        params["window"] = walked = math.ceil(min(window, max(needed, SHORTEST_WALK)))
        found = _fetch(_WALK, params)
        if len(found) >= limit:
            return found
        # The walk read all it could: what it found says how common the words are.
        needed = 2 * limit * walked / max(len(found), 0.5)
    # Not so common: the index, about the newest `needed` entries first, when that reads
    # less than all of the indexed words' matches would.
    if not year and _recent_first_pays(statistics, needed, indexed_share):
        recent = statistics.newest_since(needed)
        if recent is not EVERYTHING:
            found = _fetch(_LOOKUP, dict(params, recent=recent))
            if len(found) >= limit:
                return found
    return _fetch(_LOOKUP, dict(params, recent=None))


def _walk_pays(statistics, needed, indexed_shares):
    """Whether walking about half of `needed` entries (the expected walk) costs less
    than the lookup: collecting the indexed words' matches from the index, then reading
    the rows of those holding all of them among the newest `needed` entries."""
    if not statistics.lexemes:
        return True
    lookup = sum(indexed_shares) * statistics.entries * MATCH_COST + math.prod(
        indexed_shares
    ) * min(needed, statistics.entries)
    return needed / 2 * WALK_COST < lookup


def _recent_first_pays(statistics, needed, share):
    """Whether a lookup bounded to the newest `needed` entries costs less than one over
    the whole archive. The bound costs a scan of the index's times, about a thirtieth
    of reading a row per entry; both read the rows of the indexed words' matches, all
    of them or the recent ones."""
    if not statistics.lexemes:
        return True
    return needed * (TIME_SCAN_COST + share) < share * statistics.entries


def _indexed_terms(terms, shares):
    """The terms worth looking up in the index: those not in most entries (and, when
    every one is, the rarest). Unknown shares count as rare."""
    known = [(share or 0.0, term) for share, term in zip(shares, terms, strict=True)]
    return [term for share, term in known if share < INDEXED_SHARE_LIMIT] or [min(known)[1]]


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
    return tuple(timezone.make_aware(datetime.datetime(value, 1, 1)) for value in (year, year + 1))


@dataclass(frozen=True)
class _Statistics:
    """What PostgreSQL's statistics say about one language's entries: the most common
    lexemes with the share of the entries holding each, how many entries there are, and
    their publication times as (time, share of the entries from it to the next time),
    oldest first."""

    lexemes: tuple = ()
    shares: tuple = ()
    least_common_share: float = 0.0
    entries: float = 0.0
    times: tuple = ()

    def share(self, term):
        """The estimated share of the entries holding a word that starts with `term`;
        None when there are no statistics yet."""
        if not self.lexemes:
            return None
        start = bisect.bisect_left(self.lexemes, term)
        missing = 1.0
        for index in range(start, len(self.lexemes)):
            if not self.lexemes[index].startswith(term):
                break
            missing *= 1.0 - self.shares[index]
        if missing == 1.0:
            # A word not listed is rarer than every listed one.
            return self.least_common_share / 2
        # The entries holding at least one of the words the term begins.
        return 1.0 - missing

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


# Per language: the extended statistics on the language's vectors (migration 0005; a
# shared column's statistics would mix the languages), the entries' number and the
# histogram of their publication times (the same in both languages: an article's
# entries share its time).
_STATISTICS = """
SELECT vectors.null_frac, vectors.most_common_elems::text::text[],
       vectors.most_common_elem_freqs, class.reltuples,
       times.null_frac, times.most_common_vals::text::timestamptz[], times.most_common_freqs,
       times.histogram_bounds::text::timestamptz[]
FROM pg_stats_ext_exprs AS vectors
JOIN pg_class AS class ON class.oid = 'news_searchentry'::regclass
LEFT JOIN pg_stats AS times ON times.schemaname = current_schema()
    AND times.tablename = 'news_searchentry' AND times.attname = 'published_at'
WHERE vectors.schemaname = current_schema()
    AND vectors.statistics_name = 'search_entry_vector_' || %(language)s
"""


def _statistics(language):
    """Kept in this process's memory per content version: a few hundred µs to read."""

    def read():
        rows = _fetch(_STATISTICS, {"language": language})
        if not rows or not rows[0][1]:
            return _Statistics()
        other_languages, lexemes, shares, entries, *times = rows[0]
        # most_common_elem_freqs ends with the least and the greatest frequency.
        pairs = sorted(zip(lexemes, shares[: len(lexemes)], strict=True))
        return _Statistics(
            lexemes=tuple(lexeme for lexeme, _ in pairs),
            shares=tuple(share for _, share in pairs),
            least_common_share=shares[len(lexemes)],
            entries=max(entries, 0) * (1 - other_languages),
            times=_time_shares(times),
        )

    return cached_locally(f"search-statistics:{language}", read)


def _time_shares(row):
    """(time, share of entries) pairs, oldest first, from the column's statistics: its
    most common values with their shares, and its histogram, whose buckets share the
    rest equally (each counted at its lower bound, so a sum never falls short)."""
    null_share, common, common_shares, bounds = row
    if null_share is None:
        return ()
    pairs = list(zip(common or (), common_shares or (), strict=True))
    if bounds and len(bounds) > 1:
        rest = max(0.0, 1.0 - null_share - sum(common_shares or ()))
        pairs += [(bound, rest / (len(bounds) - 1)) for bound in bounds[:-1]]
    return tuple(sorted(pairs))
