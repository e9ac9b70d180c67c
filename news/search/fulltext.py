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

The index is asked one year at a time, newest first, through each year's own smaller
index (news.search.year_indexes), in one statement that stops at the year where enough
matches are found. Every match the index finds is read from the table to be ordered by
time, and that reading is most of a lookup's cost (about 15 µs a match when PostgreSQL
has not read that part of the table yet): a place named in 7 % of the news is found in
a few hundred entries of one year instead of thousands over the whole archive.
"""

import bisect
import datetime
import itertools
import math
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from core.caching import cached
from core.i18n import LANGUAGE_CODES
from news import selectors

# Bounds that hold every publication time.
EVERYTHING = datetime.datetime.min.replace(tzinfo=datetime.UTC)
END_OF_TIME = datetime.datetime.max.replace(tzinfo=datetime.UTC)
# Costs against reading one row that the lookup found (measured on the benchmark
# database with EXPLAIN ANALYZE: about 5 µs when PostgreSQL holds the page, 12 µs when
# it reads it from the operating system, the vector tested again included): collecting
# one match of a prefix from the index (0.5–0.7 µs); walking one entry and testing its
# vector (0.85 µs).
MATCH_COST = 0.05
WALK_COST = 0.16
# A walk reads at least this many of the newest entries (if `window` allows): short
# walks cost little, and they absorb the statistics' errors for common words.
SHORTEST_WALK = 4000
# Matches so few that one lookup through a language's whole index reads them all
# (a few ms): the years are not asked one by one.
FEW_MATCHES = 300

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

# The index lookup, one branch per year, newest first: each branch's plain year range is
# the condition of that year's own index (news.search.year_indexes), so the planner reads
# that small index only, and the outer LIMIT stops the UNION ALL at the first year where
# enough matches are found: older years are never read. Ordering by an expression no
# index supplies keeps the planner from walking the date index in the hope of finding
# matches early, and the rank is worked out outside, for the rows kept only. Calling
# ts_match_vq (the function behind @@) keeps the common words out of the index lookup,
# and adding a zero interval keeps the other time bounds out of it too: the index would
# scan every publication time in them.
_BRANCH = """(
    SELECT article_id, published_at, vector
    FROM news_searchentry
    WHERE language = %(language)s
        AND vector @@ to_tsquery('simple', %(indexed)s)
        AND ts_match_vq(vector, to_tsquery('simple', %(query)s)){years}
        AND published_at + interval '0' <= %(now)s
        AND published_at + interval '0' >= %(since)s
        AND published_at + interval '0' < %(until)s
        AND (%(category)s::bigint IS NULL OR category_id = %(category)s)
    ORDER BY published_at + interval '0' DESC, article_id DESC
    LIMIT %(limit)s
)"""
_YEAR = """
        AND published_at >= %(year_{n}_start)s AND published_at < %(year_{n}_end)s"""
# Before the last year asked on its own, through the language's whole index.
_BEFORE = """
        AND published_at + interval '0' < %(before)s"""
_LOOKUP = """
SELECT article_id, ts_rank(vector, to_tsquery('simple', %(query)s)),
    date_part('epoch', published_at)
FROM (
    SELECT * FROM (
{branches}
    ) AS branches
    LIMIT %(limit)s
) AS found
ORDER BY published_at DESC, article_id DESC
"""


def lookup_statement(years, *, rest=True):
    """The lookup over `years` (consecutive, newest first), each through its own index,
    then, if `rest`, over everything before them, and its year parameters."""
    branches = [_BRANCH.format(years=_YEAR.format(n=n)) for n in range(len(years))]
    params = {}
    for n, year in enumerate(years):
        params[f"year_{n}_start"], params[f"year_{n}_end"] = year_bounds(year)
    if rest:
        if years:
            params["before"] = year_start(years[-1])
        branches.append(_BRANCH.format(years=_BEFORE if years else ""))
    return _LOOKUP.format(branches="\n    UNION ALL\n".join(branches)), params


def candidates(language, terms, now, *, limit, window, category_id=None, year=None):
    """(article id, rank, publication time in seconds since 1970) of the newest `limit`
    published entries in `language` that hold every term (as a prefix), newest first.
    `window` is the most entries a walk reads. Seconds rather than datetimes: a
    hundred floats cost less to build, keep and sort by."""
    statistics = _statistics(language)
    shares = [statistics.share(term) for term in terms]
    since, until = year_bounds(year) if year else (EVERYTHING, END_OF_TIME)
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
        params["window"] = math.ceil(min(window, max(needed, SHORTEST_WALK)))
        found = _fetch(_WALK, params)
        if len(found) >= limit:
            return found
    # Not so common: the index, year by year from this one back, in one statement.
    if year:
        sql, year_params = lookup_statement([year], rest=False)
    else:
        years = _years_to_ask(_years_back(now), statistics, shares, limit)
        sql, year_params = lookup_statement(years)
    return _fetch(sql, dict(params, **year_params))


def first_year(this_year):
    """The first published article's year, or `this_year` when there is none (or it is
    later). Cached per content version (a backdated publication changes it); the search
    page reads it anyway, for its year filter."""
    return min([this_year, *selectors.published_years()])


def _years_back(now):
    """This year and every year before it back to the first published article's, newest
    first. Entries only exist for published articles, so no match is older."""
    this_year = timezone.localtime(now).year
    return list(range(this_year, first_year(this_year) - 1, -1))


def _years_to_ask(years, statistics, shares, limit):
    """The newest of `years` that should hold `limit` matches twice over, each asked on
    its own; the lookup asks about the years before them all at once, through the
    language's index, only if they hold too few. Each year asked costs planning time
    (the planner weighs every index of the table for it), so:
    - words in few entries in all (FEW_MATCHES or fewer expected): no year on its own,
      one lookup reads them all;
    - no statistics yet: the last three years on their own.
    """
    if None in shares or not statistics.entries:
        return years[:3]
    per_year = math.prod(shares) * statistics.entries / max(len(years), 1)
    if per_year * len(years) <= FEW_MATCHES:
        return []
    return years[: math.ceil(2 * limit / max(per_year, 1e-9))]


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


def _indexed_terms(terms, shares):
    """The terms worth looking up in the index: the rarest, and each other one whose
    matches cost less to collect from the index than the rows it rules out would cost
    to read. The others are tested on the rows the lookup returns. Without statistics
    (a new table) every term is looked up."""
    if None in shares:
        return list(terms)
    rarest_first = sorted(zip(shares, terms, strict=True))
    indexed, rows = [], 1.0  # rows: the share of the entries the lookup would read
    for share, term in rarest_first:
        if not indexed or share * MATCH_COST < rows * (1 - share):
            indexed.append(term)
            rows *= share
    return [term for term in terms if term in indexed]


def _tsquery(terms):
    # Terms are letters and digits only (news.search.query_terms): quoting is enough.
    return " & ".join(f"'{term}':*" for term in terms)


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def year_bounds(year):
    """The first moment of `year` and of the next, in the site's time zone (as the
    year select counts them): the bounds of the year filter and of the year's index."""
    return tuple(year_start(value) for value in (year, year + 1))


def year_start(year):
    return timezone.make_aware(datetime.datetime(year, 1, 1))


@dataclass(frozen=True)
class _Statistics:
    """What PostgreSQL's statistics say about one language's entries: the most common
    lexemes with the share of the entries holding each, and how many entries there are."""

    lexemes: tuple = ()
    shares: tuple = ()
    least_common_share: float = 0.0
    entries: float = 0.0

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


# Per language: the extended statistics on the language's vectors (migration 0005; a
# shared column's statistics would mix the languages) and the entries' number.
_STATISTICS = """
SELECT vectors.null_frac, vectors.most_common_elems::text::text[],
       vectors.most_common_elem_freqs, class.reltuples
FROM pg_stats_ext_exprs AS vectors
JOIN pg_class AS class ON class.oid = 'news_searchentry'::regclass
WHERE vectors.schemaname = current_schema()
    AND vectors.statistics_name = 'search_entry_vector_' || %(language)s
"""


def warm_statistics():
    """Read each language's statistics into the shared cache (portal.warmup, after a
    content change): the first search or related list after an edit then gets them
    from there instead of querying the catalogue."""
    for language in LANGUAGE_CODES:
        _statistics(language)


def _statistics(language):
    """Kept per content version, shared: 1–3 ms to read from the catalogue."""

    def read():
        rows = _fetch(_STATISTICS, {"language": language})
        if not rows or not rows[0][1]:
            return _Statistics()
        other_languages, lexemes, shares, entries = rows[0]
        # most_common_elem_freqs ends with the least and the greatest frequency.
        pairs = sorted(zip(lexemes, shares[: len(lexemes)], strict=True))
        return _Statistics(
            lexemes=tuple(lexeme for lexeme, _ in pairs),
            shares=tuple(share for _, share in pairs),
            least_common_share=shares[len(lexemes)],
            entries=max(entries, 0) * (1 - other_languages),
        )

    return cached(f"search-statistics:{language}", read)


# "Did you mean": for each folded word of the query, whether some word of a published
# title or lead starts with it (the words' primary key, in "C" order, answers a prefix
# range), and else the most similar such word by trigrams (pg_trgm; news_searchword,
# migration 0008, kept by a trigger on news_article).
_SUGGEST = """
SELECT term.value,
    EXISTS (
        SELECT 1 FROM news_searchword
        WHERE word >= term.value COLLATE "C" AND word < (term.value || '~') COLLATE "C"
    ),
    (
        SELECT word FROM news_searchword
        WHERE word %% term.value
        ORDER BY word <-> term.value, word
        LIMIT 1
    )
FROM unnest(%(words)s::text[]) WITH ORDINALITY AS term (value, position)
ORDER BY term.position
"""


def suggestion(words):
    """The query's folded `words` with each one no title or lead word starts with
    replaced by the most similar such word; "" when no word could be replaced."""
    rows = _fetch(_SUGGEST, {"words": list(words)})
    suggested = []
    replaced = False
    for word, known, nearest in rows:
        if known or not nearest:
            suggested.append(word)
        else:
            suggested.append(nearest)
            replaced = True
    return " ".join(suggested) if replaced else ""


# Related news by text: the entries of `language` sharing at least two of an article's
# distinctive title and lead words (one, when it has only one), ranked by ts_rank on all
# of them. What costs is reading each match's row and vector (about 10 µs, most of it
# from the OS cache); finding them in the language's GIN index costs little. So:
# - asking for two shared words at once (an OR of pairs, which the index answers) reads
#   only the entries that have something in common with the article: a word in 1–2 % of
#   the news is in about a thousand entries, two of them in a few;
# - the inner LIMIT bounds the rows read and ranked whatever the words (past it, the
#   index's order decides which candidates are weighed: a word that common says little);
# - adding a zero interval keeps the time bound out of the index (search_entry_*_gin
#   also holds the publication time): asked there, it scans every time in the archive,
#   20–60 ms on 100,000 articles.
_SIMILAR = """
SELECT article_id, ts_rank(vector, to_tsquery('simple', %(query)s)) AS similarity
FROM (
    SELECT article_id, published_at, vector
    FROM news_searchentry
    WHERE language = %(language)s
        AND vector @@ to_tsquery('simple', %(candidates)s)
        AND published_at + interval '0' <= %(now)s
        AND article_id <> %(article)s
    LIMIT %(bound)s
) AS candidate
ORDER BY similarity DESC, published_at DESC, article_id DESC
LIMIT %(limit)s
"""
# Words in more than this share of the entries say nothing about what an article is
# about ("committee", "state"), and asking the index about them reads most of it.
DISTINCTIVE_SHARE = 0.02
# The rarest this many distinctive words are used: 6 pairs at most. The index tests
# every entry holding any of them against the pairs, and 6 words (15 pairs) cost up to
# 15 ms on the benchmark database where 4 cost under 10.
SIMILAR_WORDS = 4
SIMILAR_MIN_LENGTH = 4
# The most candidate entries read and ranked (about 2 ms on the benchmark database).
SIMILAR_CANDIDATES = 200


def similar_statement(language, article_id, terms, now, *, limit):
    """The statement (SQL and its named parameters) that finds the published entries in
    `language` sharing the most of `terms` (spelling keys of an article's title and
    lead), best first, as rows of (article id, similarity): those sharing at least two
    of its distinctive words, or its only one. None when no word is distinctive.
    news.search.related runs it as one branch of its own statement."""
    statistics = _statistics(language)
    distinctive = {}
    for term in terms:
        share = statistics.share(term)
        if (
            len(term) >= SIMILAR_MIN_LENGTH
            and not term.isdigit()
            and (share is None or share <= DISTINCTIVE_SHARE)
            and term not in distinctive
        ):
            distinctive[term] = share or 0.0
    if not distinctive:
        return None
    # The rarest first. Words the statistics do not list all get the same share (and,
    # without statistics, none): the longer ones first among them, as more telling.
    rarest = sorted(distinctive, key=lambda term: (distinctive[term], -len(term)))
    rarest = rarest[:SIMILAR_WORDS]
    words = [f"'{term}':*" for term in rarest]
    if len(words) > 1:
        candidates = " | ".join(f"{a} & {b}" for a, b in itertools.combinations(words, 2))
    else:
        candidates = words[0]
    return _SIMILAR, {
        "query": " | ".join(words),
        "candidates": candidates,
        "language": language,
        "now": now,
        "article": article_id,
        "bound": SIMILAR_CANDIDATES,
        "limit": limit,
    }


def similar(language, article_id, terms, now, *, limit):
    """(article id, similarity) rows of similar_statement, best first."""
    statement = similar_statement(language, article_id, terms, now, limit=limit)
    return _fetch(*statement) if statement else []
