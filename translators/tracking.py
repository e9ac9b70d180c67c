"""Keeps translation fingerprints true on every save, wherever the save comes from.

Rules (the same for the translators' workspace, XLIFF imports and the regular admin):

- A target field whose text changed in this save is a fresh translation: it gets the
  fingerprint of the source text as saved. So an editor who fixes both languages in one
  save leaves nothing outdated, and one who fixes only the source flags the translation.
- Callers can also confirm fields without changing them ("still correct") by setting
  ``instance._translations_confirmed = {language: {field, ...}}`` before saving.
- A filled translation that has no fingerprint yet (made before tracking began) gets one
  from the source as it was *before* this save, so a change made now still shows up.
- An empty target drops its fingerprint; a changed original language starts afresh.

Each save also stores the summary the status board reads (see translators.state).
Saves limited by ``update_fields`` that leave out ``translation_fingerprints`` (view
counts, status changes, photo renditions) are left alone.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from translators import state
from translators.fingerprints import fingerprint, is_blank, normalise
from translators.registry import ARTICLE, PHOTO, kind_for_model
from translators.services import store_snapshots

TRACKED_MODELS = ("news.Article", "news.Category", "portal.StaticPage", "portal.SiteSettings")


def source_language_of(instance, kind):
    if kind is PHOTO:
        return instance.article.source_language
    return instance.source_language


def _previous_values(model, instance, kind, languages):
    if instance.pk is None:
        return None
    columns = [f"{field}_{code}" for field in kind.fields for code in languages]
    if kind is not PHOTO:
        columns.append("source_language")
    return model._default_manager.filter(pk=instance.pk).values(*columns).first()


def _photos_of(article):
    if article.pk is None:
        return []
    columns = [f"{field}_{code}" for field in PHOTO.fields for code in state.LANGUAGE_CODES]
    return list(article.photos.only("id", "translation_fingerprints", *columns))


def update_fingerprints(instance, kind):
    """Set fingerprints for fresh, confirmed and first-seen translations; return snapshots."""
    source_language = source_language_of(instance, kind)
    previous = _previous_values(type(instance), instance, kind, state.LANGUAGE_CODES)
    restart = previous is not None and previous.get("source_language", source_language) != (
        source_language
    )
    confirmed = getattr(instance, "_translations_confirmed", None) or {}
    fingerprints = dict(instance.translation_fingerprints or {})
    snapshots = []
    for language in state.LANGUAGE_CODES:
        known = {} if restart else dict(fingerprints.get(language) or {})
        if language == source_language:
            fingerprints.pop(language, None)
            continue
        for field in kind.fields:
            source = state.text(instance, field, source_language)
            target = state.text(instance, field, language)
            if is_blank(source) or is_blank(target):
                known.pop(field, None)
                continue
            fresh = (
                previous is None
                or restart
                or field in confirmed.get(language, ())
                or normalise(previous.get(f"{field}_{language}")) != normalise(target)
            )
            if fresh:
                known[field] = fingerprint(source)
                snapshots.append((language, field, source))
            elif field not in known:
                baseline = previous.get(f"{field}_{source_language}") or ""
                known[field] = fingerprint(baseline)
                snapshots.append((language, field, baseline))
        if known:
            fingerprints[language] = known
        else:
            fingerprints.pop(language, None)
    instance.translation_fingerprints = fingerprints
    return snapshots


def store_summary(instance, kind, photos=None):
    source_language = source_language_of(instance, kind)
    if photos is None:
        photos = _photos_of(instance) if kind is ARTICLE else []
    fingerprints = dict(instance.translation_fingerprints or {})
    fingerprints[state.STATE_KEY] = state.summarise(instance, kind, source_language, photos)
    instance.translation_fingerprints = fingerprints


def _wants_tracking(raw, update_fields):
    if raw:
        return False
    return update_fields is None or "translation_fingerprints" in update_fields


def before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not _wants_tracking(raw, update_fields):
        return
    kind = kind_for_model(sender)
    instance._translation_snapshots = update_fingerprints(instance, kind)
    if kind is not PHOTO:
        store_summary(instance, kind)


def after_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not _wants_tracking(raw, update_fields):
        return
    kind = kind_for_model(sender)
    snapshots = getattr(instance, "_translation_snapshots", None)
    if snapshots:
        store_snapshots(kind, instance, snapshots, getattr(instance, "_translated_by", None))
    instance._translation_snapshots = []
    instance._translations_confirmed = {}
    if kind is PHOTO:
        refresh_article_summary(instance.article_id)


def photo_deleted(sender, instance, **kwargs):
    refresh_article_summary(instance.article_id)


def refresh_article_summary(article_id):
    """An article's state includes its photos': store it again without a full save."""
    Article = ARTICLE.model  # noqa: N806 (a model class)

    columns = [f"{field}_{code}" for field in ARTICLE.fields for code in state.LANGUAGE_CODES]
    article = (
        Article.objects.filter(pk=article_id)
        .only(
            "id",
            "source_language",
            "translation_fingerprints",
            *ARTICLE.condition_columns,
            *columns,
        )
        .first()
    )
    if article is None:
        return
    store_summary(article, ARTICLE)
    Article.objects.filter(pk=article_id).update(
        translation_fingerprints=article.translation_fingerprints
    )


def connect():
    for label in (*TRACKED_MODELS, PHOTO.model_label):
        model = apps.get_model(label)
        uid = f"translators:{label}"
        pre_save.connect(before_save, sender=model, dispatch_uid=f"{uid}:pre")
        post_save.connect(after_save, sender=model, dispatch_uid=f"{uid}:post")
    post_delete.connect(
        photo_deleted, sender=apps.get_model(PHOTO.model_label), dispatch_uid="tr:pd"
    )
