"""Article revisions (django-reversion): what is kept, and the differences between two.

Every admin save and every workflow step stores a revision of the article with its
gallery photos' texts. A revision keeps the texts and settings; image files are not
versioned (a replaced photo's files are deleted), so restoring brings back words, not files.
"""

import datetime

import reversion
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from core.diffs import word_diff
from news.models import LANGUAGE_CODES, Article, ArticlePhoto, Category

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
                    "diff": word_diff(before, after),
                }
            )
    for name, label in (("status", _("status")), ("published_at", _("publication time"))):
        if old.get(name) != new.get(name):
            before, after = _shown(name, old.get(name)), _shown(name, new.get(name))
            rows.append(
                {
                    "field": label,
                    "language": "",
                    "before": before,
                    "after": after,
                    "diff": word_diff(before, after),
                }
            )
    return rows


def _shown(name, value):
    """A status by its name, a time in Baku time and the admin's date format."""
    if value in (None, ""):
        return ""
    if name == "status":
        try:
            return str(Article.Status(value).label)
        except ValueError:
            return str(value)
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(moment, "DATETIME_FORMAT")
    return str(value)


def restore_preview(article, version):
    """What restoring `version` would change in `article` as it is now, as compare() rows."""
    data = version.field_dict
    rows = []
    for name, field, code in COMPARED_FIELDS:
        if name not in RESTORED_FIELDS or name not in data:
            continue
        now, then = getattr(article, name) or "", data.get(name) or ""
        if now != then:
            rows.append(
                {
                    "field": Article._meta.get_field(field).verbose_name,
                    "language": code,
                    "before": now,
                    "after": then,
                    "diff": word_diff(now, then),
                }
            )
    if "category_id" in data and data["category_id"] != article.category_id:
        rows.append(
            {
                "field": Article._meta.get_field("category").verbose_name,
                "language": "",
                "before": "",
                "after": "",
                "diff": word_diff(str(article.category or ""), _category_name(data["category_id"])),
            }
        )
    return rows


def _category_name(category_id):
    category = Category.objects.filter(pk=category_id).first()
    return str(category) if category else "—"
