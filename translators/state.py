"""Per-field translation state, computed from an object's loaded fields alone.

A field is *missing* when its target text is empty, *outdated* when the fingerprint
stored with the translation differs from the fingerprint of today's source text, and
*complete* otherwise. A field with no source text has nothing to translate and no
state. A filled translation with no fingerprint at all (made before tracking began)
counts as complete: there is nothing to compare it with.

The per-language summary is also stored under the reserved key ``"_state"`` of
``translation_fingerprints`` on every save, so the status board can read the state of
thousands of articles without loading their bodies.
"""

from django.conf import settings
from django.utils.translation import pgettext_lazy

from translators.fingerprints import fingerprint, is_blank
from translators.registry import PHOTO

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
STATE_KEY = "_state"

MISSING = "missing"
OUTDATED = "outdated"
COMPLETE = "complete"
ORIGINAL = "original"
STATES = (MISSING, OUTDATED, COMPLETE)
LABELS = {
    MISSING: pgettext_lazy("translation state", "missing"),
    OUTDATED: pgettext_lazy("translation state", "outdated"),
    COMPLETE: pgettext_lazy("translation state", "complete"),
    ORIGINAL: pgettext_lazy("translation state", "original"),
}


def text(obj, field, language):
    return getattr(obj, f"{field}_{language}", None) or ""


def stored_fingerprint(obj, language, field):
    fingerprints = obj.translation_fingerprints or {}
    return (fingerprints.get(language) or {}).get(field)


def field_state(obj, field, language, source_language):
    """The state of one field's translation into `language`, or None if there is no source."""
    source = text(obj, field, source_language)
    if is_blank(source):
        return None
    if is_blank(text(obj, field, language)):
        return MISSING
    stored = stored_fingerprint(obj, language, field)
    if stored and stored != fingerprint(source):
        return OUTDATED
    return COMPLETE


def field_states(obj, kind, language, source_language):
    """{field: state} for the kind's tracked fields that have source text and that
    readers see (a withdrawal reason of an article that is not withdrawn has no state)."""
    states = {}
    for field in kind.fields:
        if not kind.shown(obj, field):
            continue
        state = field_state(obj, field, language, source_language)
        if state is not None:
            states[field] = state
    return states


def photo_field_name(photo, field):
    return f"photo:{photo.pk}:{field}"


def summarise(obj, kind, source_language, photos=()):
    """{language: {"missing": [...], "outdated": [...]}} for every target language."""
    summary = {}
    for language in LANGUAGE_CODES:
        if language == source_language:
            continue
        found = {MISSING: [], OUTDATED: []}
        for field, state in field_states(obj, kind, language, source_language).items():
            if state in found:
                found[state].append(field)
        for photo in photos:
            for field, state in field_states(photo, PHOTO, language, source_language).items():
                if state in found:
                    found[state].append(photo_field_name(photo, field))
        summary[language] = {"state": overall(found), **found}
    return summary


def overall(found):
    """One word for an object in one language from its missing and outdated fields."""
    if found.get(MISSING):
        return MISSING
    if found.get(OUTDATED):
        return OUTDATED
    return COMPLETE


def stored_summary(obj):
    return (obj.translation_fingerprints or {}).get(STATE_KEY)


def state_lookup(language):
    """The ORM lookup of an object's stored state in `language` (a JSON key path)."""
    return f"translation_fingerprints__{STATE_KEY}__{language}__state"


def is_blank_source(obj, field, source_language):
    return is_blank(text(obj, field, source_language))
