"""The Translator group: the workspace and the import log, no content model at all.

Editors may translate too (into every language), so the Editor group gets the same
workspace permissions when it exists.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRANSLATOR = "Translator"
EDITOR = "Editor"
TRANSLATOR_PERMISSIONS = ["translate_content", "view_importlog"]
EDITOR_PERMISSIONS = ["translate_content", "translate_any_language", "view_importlog"]


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(content_type__app_label="translators", codename__in=codenames)
    )


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    app_config = apps.get_app_config("translators")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    translator, _created = Group.objects.get_or_create(name=TRANSLATOR)
    translator.permissions.add(*_permissions(apps, TRANSLATOR_PERMISSIONS))
    editor = Group.objects.filter(name=EDITOR).first()
    if editor is not None:
        editor.permissions.add(*_permissions(apps, EDITOR_PERMISSIONS))


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=TRANSLATOR).delete()
    editor = Group.objects.filter(name=EDITOR).first()
    if editor is not None:
        editor.permissions.remove(*_permissions(apps, EDITOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("translators", "0001_initial"),
        ("portal", "0002_newsroom_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
