"""Article revisions (django-reversion): what is kept, and the differences between two.

Every admin save and every workflow step stores a revision of the article with its
gallery photos' texts. A revision keeps the texts and settings; image files are not
versioned (a replaced photo's files are deleted), so restoring brings back words, not files.
"""

import difflib
import re

import reversion
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from news.models import LANGUAGE_CODES, Article, ArticlePhoto

# The fields a revision restores; status, publication time and images stay as they are.
RESTORED_FIELDS = [
    f"{field}_{code}"
    for field in ("title", "slug", "lead", "body", "photo_alt", "change_note")
    for code in LANGUAGE_CODES
] + ["category_id", "source_language", "change_noted_at"]

COMPARED_FIELDS = [
    (f"{field}_{code}", field, code)
    for field in ("title", "slug", "lead", "body", "photo_alt", "change_note", "withdrawn_reason")
    for code in LANGUAGE_CODES
]

if not reversion.is_registered(Article):
    reversion.register(Article, follow=["photos"], exclude=["view_count", "search_az", "search_en"])
if not reversion.is_registered(ArticlePhoto):
    reversion.register(ArticlePhoto)


def versions_of(article):
    """The article's versions, newest first, with who saved them."""
    return Version.objects.get_for_object(article).select_related("revision__user")


# Words, runs of white space and whole HTML tags are the units a body diff works on.
_TOKENS = re.compile(r"<[^>]*>|\s+|[^\s<]+")


def _diff(old, new):
    """Word-level difference as HTML: <del> and <ins> around changed words, all escaped."""
    old_tokens = _TOKENS.findall(old or "")
    new_tokens = _TOKENS.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape("".join(old_tokens[a0:a1])))
            continue
        if tag in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(old_tokens[a0:a1]))}</del>")
        if tag in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(new_tokens[b0:b1]))}</ins>")
    return mark_safe("".join(parts))


def compare(old_version, new_version):
    """The changed translated fields between two versions, as rows for a template."""
    old = old_version.field_dict
    new = new_version.field_dict
    rows = []
    for name, field, code in COMPARED_FIELDS:
        before, after = old.get(name) or "", new.get(name) or ""
        if before != after:
            rows.append(
                {
                    "field": Article._meta.get_field(field).verbose_name,
                    "language": code,
                    "before": before,
                    "after": after,
                    "diff": _diff(before, after),
                }
            )
    for name, label in (("status", _("status")), ("published_at", _("publication time"))):
        if old.get(name) != new.get(name):
            rows.append(
                {
                    "field": label,
                    "language": "",
                    "before": old.get(name),
                    "after": new.get(name),
                    "diff": _diff(str(old.get(name) or ""), str(new.get(name) or "")),
                }
            )
    return rows
