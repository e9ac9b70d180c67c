"""The newsroom's groups: Editors publish, Authors write drafts and submit them for review."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Editor"
AUTHOR = "Author"

GROUP_PERMISSIONS = {
    EDITOR: [
        "news.add_article",
        "news.change_article",
        "news.delete_article",
        "news.view_article",
        "news.publish_article",
        "news.add_articlephoto",
        "news.change_articlephoto",
        "news.delete_articlephoto",
        "news.view_articlephoto",
        "news.add_category",
        "news.change_category",
        "news.view_category",
        "news.add_tag",
        "news.change_tag",
        "news.delete_tag",
        "news.view_tag",
    ],
    AUTHOR: [
        "news.add_article",
        "news.change_article",
        "news.view_article",
        "news.add_articlephoto",
        "news.change_articlephoto",
        "news.delete_articlephoto",
        "news.view_articlephoto",
        "news.view_category",
        "news.view_tag",
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("news", "0002_article_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
