"""Which content translators work on, and which of its fields they translate.

One entry per kind of object on the status board; the article's gallery photos
are part of the article (their alt texts and captions travel with it).
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    model_label: str
    verbose_name: str
    # Fields whose translation the board tracks (missing / outdated / complete).
    fields: tuple
    # Tracked fields edited as rich text (sanitised HTML) and as several lines.
    rich: frozenset = field(default_factory=frozenset)
    multiline: frozenset = field(default_factory=frozenset)
    # Untracked fields the translator may also set (slugs are decoration).
    extra: tuple = ()
    # Fields readers see only in a state: {field: (attribute, value)}. Elsewhere their
    # translation never makes the object missing or outdated.
    shown_when: dict = field(default_factory=dict)
    # (attribute, value) of the objects whose translation matters first.
    published_when: tuple = ()

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def editable(self):
        return self.fields + self.extra

    @property
    def condition_columns(self):
        """The columns `shown()` reads, to load with the text."""
        return sorted({attribute for attribute, _value in self.shown_when.values()})

    def shown(self, obj, name):
        """Whether readers see field `name` of `obj` now."""
        condition = self.shown_when.get(name)
        return condition is None or getattr(obj, condition[0], None) == condition[1]


ARTICLE = Kind(
    key="article",
    model_label="news.Article",
    verbose_name=_("article"),
    fields=("title", "lead", "body", "photo_alt", "change_note", "withdrawn_reason"),
    rich=frozenset({"body"}),
    multiline=frozenset({"lead"}),
    extra=("slug",),
    # A reason for withdrawal is shown only on a withdrawn article.
    shown_when={"withdrawn_reason": ("status", "withdrawn")},
    published_when=("status", "published"),
)
CATEGORY = Kind(
    key="category",
    model_label="news.Category",
    verbose_name=_("category"),
    fields=("name",),
    extra=("slug",),
)
PAGE = Kind(
    key="page",
    model_label="portal.StaticPage",
    verbose_name=_("static page"),
    fields=("title", "body"),
    rich=frozenset({"body"}),
    extra=("slug",),
)
SETTINGS = Kind(
    key="settings",
    model_label="portal.SiteSettings",
    verbose_name=_("quote banner and contacts"),
    fields=("quote_text", "quote_attribution", "address"),
    multiline=frozenset({"quote_text"}),
)
# Gallery photos are not on the board themselves: their state is part of the article's.
PHOTO = Kind(
    key="photo",
    model_label="news.ArticlePhoto",
    verbose_name=_("gallery photo"),
    fields=("alt", "caption"),
)

BOARD_KINDS = {kind.key: kind for kind in (ARTICLE, CATEGORY, PAGE, SETTINGS)}
ALL_KINDS = {**BOARD_KINDS, PHOTO.key: PHOTO}


def kind_for_model(model):
    label = model._meta.label_lower
    for kind in ALL_KINDS.values():
        if kind.model_label.lower() == label:
            return kind
    return None
