"""Every public URL of the site, built from the resolver so new pages are crawled too.

Named patterns outside /admin/ and /media/ are reversed in each language with sample
arguments drawn from a small published world (an article with a tag, its category, a
static page). For each pattern the first candidate arguments that answer below 400 win;
a pattern no candidate satisfies is still crawled (its 404 is an answer too).
"""

import itertools

from django.conf import settings
from django.db import connection
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import override

SKIPPED_PREFIXES = ("admin/", "media/")
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def named_patterns():
    """(full name, route text, converters) for every named pattern, namespaces joined."""

    def walk(patterns, namespace, prefix, converters):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            merged = {**converters, **getattr(entry.pattern, "converters", {})}
            if isinstance(entry, URLResolver):
                inner = ":".join(part for part in [namespace, entry.namespace] if part)
                yield from walk(entry.url_patterns, inner, route, merged)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, route, merged

    seen = set()
    for name, route, converters in walk(get_resolver().url_patterns, "", "", {}):
        if route.startswith(SKIPPED_PREFIXES) or name in seen:
            continue
        seen.add(name)
        yield name, route, converters


def candidates(world, language, kwarg, converter):
    article, category, tag, page = world["article"], world["category"], world["tag"], world["page"]
    day = article.published_at
    by_name = {
        "code": [language],
        "language": [language],
        "lang": [language],
        "category_slug": [category.slug_for(language)],
        "tag_slug": [getattr(tag, f"slug_{language}") or tag.slug_az],
        "year": [day.year],
        "month": [day.month, f"{day.month:02d}"],
        "day": [day.day, f"{day.day:02d}"],
        "page": [1],
    }
    if kwarg in by_name:
        return by_name[kwarg]
    if kwarg in {"pk", "id"} or kwarg.endswith("_id") or converter == "int":
        return [article.pk, page.pk, category.pk, tag.pk, 1]
    if "slug" in kwarg:
        return [
            article.slug_for(language),
            getattr(page, f"slug_{language}", "") or page.slug_az,
            category.slug_for(language),
            getattr(tag, f"slug_{language}") or tag.slug_az,
        ]
    return ["x", 1]


def _kwarg_names(route):
    import re

    return [(name, conv or "str") for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", route)]


def _sitemap_sections():
    try:
        from portal.sitemaps import SITEMAPS
    except ImportError:
        return []
    return list(SITEMAPS)


def _reverse(language, name, kwargs):
    # Each reverse in its own override: a request made in between activates its language.
    with override(language):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return None


def public_urls(client, world):
    """[(language, name, url)] for every named public pattern, in every language.

    Among the candidate arguments, the first that answers 200 wins, else the first that
    answers below 400 (a redirect), else the first that reverses at all.
    """
    urls = []
    for language in LANGUAGES:
        for name, route, _converters in named_patterns():
            options = []
            for kw, conv in _kwarg_names(route):
                values = (
                    _sitemap_sections() or ["x"]
                    if kw == "section"
                    else candidates(world, language, kw, conv)
                )
                options.append([(kw, value) for value in values])
            found = {}
            for combo in itertools.islice(itertools.product(*options), 40):
                url = _reverse(language, name, dict(combo))
                if url is None or url in found:
                    continue
                found[url] = client.get(url).status_code
                if found[url] == 200:
                    break
            if not found:
                continue
            best = min(found, key=lambda url: (found[url] != 200, found[url] >= 400))
            urls.append((language, name, best))
    return sorted(set(urls))


def database_fingerprint():
    """Row count and content checksum of every table: proof a request changed nothing."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        fingerprint = {}
        for table in tables:
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                    f" FROM {quoted} t"
                )
            else:
                cursor.execute(f"SELECT count(*), NULL FROM {quoted}")
            fingerprint[table] = cursor.fetchone()
    return fingerprint
