"""Appeals: status, history and retention; the "Appeals" group that hears of new ones."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

STATUS_CHOICES = [
    ("received", "Received"),
    ("in_progress", "In progress"),
    ("answered", "Answered"),
]
APPEALS_GROUP = "Appeals"


def statuses_from_handled(apps, schema_editor):
    Appeal = apps.get_model("portal", "Appeal")
    Appeal.objects.filter(is_handled=True).update(status="answered")


def first_status_changes(apps, schema_editor):
    # After the last ALTER TABLE of appeal: PostgreSQL refuses one with rows pending
    # their deferred foreign-key checks.
    Appeal = apps.get_model("portal", "Appeal")
    AppealStatusChange = apps.get_model("portal", "AppealStatusChange")
    AppealStatusChange.objects.bulk_create(
        AppealStatusChange(appeal_id=pk, status=status)
        for pk, status in Appeal.objects.values_list("pk", "status")
    )


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=APPEALS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="portal", codename__in=["view_appeal", "change_appeal"]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_newsroom")]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="personal data erased"),
        ),
        migrations.AddField(
            model_name="appeal",
            name="status",
            field=models.CharField(
                choices=STATUS_CHOICES, default="received", max_length=12, verbose_name="status"
            ),
        ),
        migrations.CreateModel(
            name="AppealStatusChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(choices=STATUS_CHOICES, max_length=12, verbose_name="status"),
                ),
                ("changed_at", models.DateTimeField(auto_now_add=True, verbose_name="changed")),
                (
                    "appeal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="status_changes",
                        to="portal.appeal",
                    ),
                ),
            ],
            options={
                "verbose_name": "appeal status change",
                "verbose_name_plural": "appeal status changes",
                "ordering": ["changed_at", "id"],
            },
        ),
        migrations.RunPython(statuses_from_handled, migrations.RunPython.noop),
        migrations.RemoveField(model_name="appeal", name="is_handled"),
        migrations.RunPython(first_status_changes, migrations.RunPython.noop),
        migrations.RunPython(create_group, migrations.RunPython.noop),
    ]
