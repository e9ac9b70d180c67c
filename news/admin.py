"""The admin's discovery looks for `news.admin`; the newsroom lives in news.newsroom.

Here, above both features, the newsroom's article search is given the site's folded
full-text search (news.search), which the newsroom itself may not import.
"""

from core.i18n import LANGUAGE_CODES
from news import search
from news.newsroom import admin


def published_search(query):
    """(folded terms, ids of the newest published matches in either language)."""
    ids = []
    for language in LANGUAGE_CODES:
        results = search.search(query, language, sort="newest")
        # Every match found (at most search.MAX_RESULTS), not only the first page's.
        ids.extend(row[0] for row in results.page.paginator.object_list)
    return search.query_terms(query), ids


admin.ArticleAdmin.published_search = staticmethod(published_search)
