"""The content version's row, and on PostgreSQL the sequence its numbers come from.

The sequence starts at a random value, so two databases that share one Redis do not
hand out the same versions (scripts/restore.sh moves a restored one to a new range)."""

import random

from django.db import migrations, models
from django.utils import timezone


def create(apps, schema_editor):
    start = random.randrange(1, 2**40)  # noqa: S311 (uniqueness, not secrecy)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE SEQUENCE IF NOT EXISTS core_contentversion_seq START WITH {start}"
        )
        start = None
    ContentVersion = apps.get_model("core", "ContentVersion")
    if start is None:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT nextval('core_contentversion_seq')")
            start = cursor.fetchone()[0]
    ContentVersion.objects.update_or_create(
        id=1, defaults={"version": start, "changed_at": timezone.now()}
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS core_contentversion_seq")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField()),
                ("next_due", models.DateTimeField(blank=True, null=True)),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "content version",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="content_version_single_row"
                    )
                ],
            },
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
