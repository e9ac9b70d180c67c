"""Staff users in the groups the migrations create (Editor, Author, Translator), all with
one password."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from translators.models import TranslatorProfile

PASSWORD = "Newsroom-pass-2026!"
_numbers = itertools.count(1)


def staff_user(username, group=None, **extra):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.gov.az", PASSWORD, is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def editor(username=None):
    return staff_user(username or f"editor{next(_numbers)}", "Editor")


def author(username=None):
    return staff_user(username or f"author{next(_numbers)}", "Author")


def make_translator(username="translator", language="en"):
    """A staff user in the Translator group (created by the translators' migration)."""
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Translator"))
    TranslatorProfile.objects.create(user=user, target_language=language)
    return user
