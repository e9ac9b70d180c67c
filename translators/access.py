"""Who may translate, and into which languages."""

from django.conf import settings

from translators.models import TranslatorProfile

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
TRANSLATE = "translators.translate_content"
ANY_LANGUAGE = "translators.translate_any_language"


def can_translate(user):
    return user.is_active and user.is_staff and user.has_perm(TRANSLATE)


def target_languages(user):
    """Every language for superusers and holders of the "any language" permission;
    otherwise the one language of the user's translator profile (English by default)."""
    if user.has_perm(ANY_LANGUAGE):
        return list(LANGUAGE_CODES)
    profile = TranslatorProfile.objects.filter(user=user).only("target_language").first()
    return [
        profile.target_language
        if profile
        else TranslatorProfile._meta.get_field("target_language").default
    ]


def default_language(user):
    languages = target_languages(user)
    return "en" if "en" in languages else languages[0]
