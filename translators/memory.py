"""Translation memory: segments stored on every save, suggested back per segment.

Every saved translation (editor or XLIFF import) is cut into segments like the XLIFF
export (translators.inline), and each source segment whose target lines up with it is
stored for its language pair. Suggestions are exact (same text) or fuzzy, for all of a
text's segments in one query.

Fuzzy matching on PostgreSQL: candidates are the segments that share a MinHash band with
the one looked up (word pairs, 10 bands of 3 hashes: texts that share most of their word
pairs almost always share a band, unrelated ones almost never), found through a GIN index
on `bands`; each candidate is then scored by pg_trgm's `similarity()`, shown in percent,
and kept from 50 %. A trigram index alone was tried and is far too slow here: a news
archive repeats the same words, so every trigram of a paragraph is in hundreds of
thousands of rows (74 s for one lookup at 650,000 segments; see docs/decisions/0009).
Elsewhere (SQLite for `make run`) exact matches only.
"""

import hashlib
import itertools
import re

from django.db import connection, transaction

from core.text import az_lower
from translators import inline
from translators.fingerprints import normalise
from translators.models import MemorySegment

# Longer segments are not kept: nobody reuses a 1 MB paragraph, and the index stays small.
MAX_CHARS = 2000
FUZZY_THRESHOLD = 0.5
SUGGESTIONS = 3
# Candidates scored per segment, those sharing the most bands.
CANDIDATES = 8


BANDS, ROWS = 10, 3
_PRIME = (1 << 61) - 1
# Fixed coefficients of the MinHash functions: stored bands must stay comparable.
_COEFFICIENTS = [
    (
        int.from_bytes(hashlib.sha256(f"a{n}".encode()).digest()[:8], "big") % _PRIME | 1,
        int.from_bytes(hashlib.sha256(f"b{n}".encode()).digest()[:8], "big") % _PRIME,
    )
    for n in range(BANDS * ROWS)
]
_WORD = re.compile(r"\w+")


def bands(text):
    """The MinHash bands of a text's word pairs (single words too, for short texts), as
    the space-separated tokens stored in `MemorySegment.bands`."""
    words = _WORD.findall(az_lower(text or ""))
    shingles = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    if len(words) < 4:
        shingles.update(words)
    if not shingles:
        return ""
    hashed = [
        int.from_bytes(hashlib.blake2b(item.encode(), digest_size=8).digest(), "big")
        for item in shingles
    ]
    minima = [min((a * h + b) % _PRIME for h in hashed) for a, b in _COEFFICIENTS]
    tokens = []
    for band in range(BANDS):
        key = ",".join(str(value) for value in minima[band * ROWS : (band + 1) * ROWS])
        tokens.append(f"{band}:{hashlib.blake2b(key.encode(), digest_size=6).hexdigest()}")
    return " ".join(tokens)


def _hash(value):
    return hashlib.sha256(normalise(value).encode("utf-8")).hexdigest()


def source_hash(source_text):
    """Exact matches are on the text with white space collapsed, markup aside."""
    return _hash(source_text)


def pairs(cut, target_html_or_text, *, rich):
    """[(source content, target content)] for the segments of `cut` a target lines up with."""
    if rich:
        aligned = inline.align(cut, target_html_or_text)
        target_codes = cut.codes
    else:
        aligned = {"s1": [target_html_or_text]} if cut.segments else {}
        target_codes = {}
    result = []
    for segment in cut.segments:
        if segment.id in aligned:
            result.append((segment, aligned[segment.id], target_codes))
    return result


def store(source_language, target_language, entries):
    """Keep (cut, target text, rich) entries' segment pairs; one statement."""
    rows = {}
    for cut, target, rich in entries:
        for segment, content, codes in pairs(cut, target, rich=rich):
            source_text = inline.content_text(segment.content)
            source_html = inline.content_html(segment.content, cut.codes)
            target_html = inline.content_html(content, codes or cut.codes)
            if not source_text or not inline.content_text(content):
                continue
            if max(len(source_html), len(target_html)) > MAX_CHARS:
                continue
            row = MemorySegment(
                source_language=source_language,
                target_language=target_language,
                source_hash=source_hash(source_text),
                target_hash=_hash(target_html),
                source_text=source_text,
                source_html=source_html,
                target_html=target_html,
                bands=bands(source_text),
            )
            rows[(row.source_hash, row.target_hash)] = row
    if rows:
        MemorySegment.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["source_language", "target_language", "source_hash", "target_hash"],
            update_fields=["updated_at", "source_html", "bands"],
        )


def _exact(source_language, target_language, texts):
    hashes = {source_hash(value): value for value in texts}
    found = {}
    rows = (
        MemorySegment.objects.filter(
            source_language=source_language,
            target_language=target_language,
            source_hash__in=list(hashes),
        )
        .order_by("-updated_at")
        .values_list("source_hash", "source_text", "source_html", "target_html")
    )
    for digest, source_text, source_html, target_html in rows:
        found.setdefault(hashes[digest], []).append(
            {"source": source_text, "source_html": source_html, "target": target_html, "score": 100}
        )
    return found


# Only constants are formatted in; the texts, bands and languages are parameters. The
# band test is the expression the GIN index is built on (migration 0003). Candidates
# sharing the most bands are scored first: a paragraph that repeats one of the
# Committee's stock sentences shares a band with many others, a near-copy shares most.
_FUZZY_SQL = f"""
SELECT q.n, m.source_text, m.source_html, m.target_html, m.score
FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS q(t, b, n)
CROSS JOIN LATERAL (
    SELECT c.source_text, c.source_html, c.target_html,
           similarity(c.source_text, q.t) AS score, c.updated_at
    FROM (
        SELECT source_text, source_html, target_html, updated_at
        FROM {MemorySegment._meta.db_table}
        WHERE source_language = %s AND target_language = %s
          AND string_to_array(bands, ' ') && string_to_array(q.b, ' ')
        ORDER BY cardinality(ARRAY(
            SELECT unnest(string_to_array(bands, ' '))
            INTERSECT SELECT unnest(string_to_array(q.b, ' '))
        )) DESC
        LIMIT {CANDIDATES}
    ) AS c
    WHERE similarity(c.source_text, q.t) >= {FUZZY_THRESHOLD}
    ORDER BY score DESC, c.updated_at DESC
    LIMIT {SUGGESTIONS + 1}
) AS m
"""  # noqa: S608


def _fuzzy(source_language, target_language, texts):
    found = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner's estimate for this join is large enough to switch JIT on, which
        # then spends ~190 ms compiling a query that runs in ~10 (bench/sections/memory.py).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            _FUZZY_SQL,
            [list(texts), [bands(text) for text in texts], source_language, target_language],
        )
        for number, source_text, source_html, target_html, similarity in cursor.fetchall():
            wanted = texts[number - 1]
            if normalise(source_text) == normalise(wanted):
                continue  # an exact match, listed as such
            found.setdefault(wanted, []).append(
                {
                    "source": source_text,
                    "source_html": source_html,
                    "target": target_html,
                    "score": min(99, round(similarity * 100)),
                }
            )
    return found


def fuzzy_available():
    return connection.vendor == "postgresql"


def suggestions(source_language, target_language, texts):
    """{text: [suggestion, ...]} for each of `texts` with a match, best first; a suggestion
    is {"source", "source_html", "target" (HTML), "score" (percent, 100 when exact)}.
    Fuzzy matches are looked for only where there is no exact one."""
    texts = list(dict.fromkeys(value for value in texts if value and len(value) <= MAX_CHARS))
    if not texts:
        return {}
    found = _exact(source_language, target_language, texts)
    # A segment memory knows word for word needs no near misses beside it.
    unknown = [value for value in texts if value not in found]
    if unknown and fuzzy_available():
        for value, more in _fuzzy(source_language, target_language, unknown).items():
            found.setdefault(value, []).extend(more)
    return {value: matches[:SUGGESTIONS] for value, matches in found.items()}


def exact_fills(wanted, source_language, target_language):
    """{key: {segment id: content}} from exact matches whose markup lines up with each
    segment's codes; `wanted` is [(key, Segmented)]."""
    texts = [
        inline.content_text(segment.content) for _key, cut in wanted for segment in cut.segments
    ]
    matches = _exact(source_language, target_language, texts) if texts else {}
    fills = {}
    for key, cut in wanted:
        for segment in cut.segments:
            for match in matches.get(inline.content_text(segment.content), []):
                stored = inline.segment_html(match["target"])
                if len(stored.segments) != 1:
                    continue
                content = inline.map_codes(
                    segment, cut.codes, stored.segments[0].content, stored.codes
                )
                if content is not None:
                    fills.setdefault(key, {})[segment.id] = content
                    break
    return fills
