"""The project stays consistent: migrations match models, catalogues are translated."""

import pathlib

import polib
import pytest
from django.core.management import call_command

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_azerbaijani_interface_string_is_translated():
    catalogue = polib.pofile(str(ROOT / "locale/az/LC_MESSAGES/django.po"))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, missing
    assert not fuzzy, fuzzy


@pytest.mark.parametrize("language", ["az", "en"])
def test_compiled_catalogue_is_current(language):
    po = polib.pofile(str(ROOT / f"locale/{language}/LC_MESSAGES/django.po"))
    mo = polib.mofile(str(ROOT / f"locale/{language}/LC_MESSAGES/django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, entry.msgid
