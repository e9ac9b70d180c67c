"""Translators' workspace: translation memory (pg_trgm and a GIN index of MinHash bands on
PostgreSQL), the glossary seeded with the demo content's terms, and the Editor group's
right to edit it."""

from django.contrib.auth.management import create_permissions
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

MEMORY_INDEX = "translators_memory_bands"
EDITOR = "Editor"
GLOSSARY_PERMISSIONS = [
    "add_glossaryterm",
    "change_glossaryterm",
    "delete_glossaryterm",
    "view_glossaryterm",
]
TERMS = [
    ("Xankəndi", "Khankendi", "place", ""),
    ("Laçın", "Lachin", "place", ""),
    ("Şuşa", "Shusha", "place", ""),
    ("Füzuli", "Fuzuli", "place", ""),
    ("Qarabağ", "Karabakh", "place", ""),
    ("Şərqi Zəngəzur", "East Zangezur", "place", ""),
    ("Bakı", "Baku", "place", ""),
    ("Böyük Qayıdış", "Great Return", "programme", "The state programme of return."),
    ("Dövlət Komitəsi", "State Committee", "title", "The State Committee for Affairs of Refugees and IDPs."),
    ("məcburi köçkün", "internally displaced", "title", "Or “IDP”."),
]


def create_memory_index(apps, schema_editor):
    # Fuzzy candidates come from this index, on PostgreSQL only: SQLite (make run) matches
    # exactly. The expression is the one translators.memory queries with.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {MEMORY_INDEX} ON translators_memorysegment "
        "USING gin (string_to_array(bands, ' '))"
    )


def drop_memory_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {MEMORY_INDEX}")


def seed_glossary(apps, schema_editor):
    GlossaryTerm = apps.get_model("translators", "GlossaryTerm")
    for term_az, term_en, category, note in TERMS:
        GlossaryTerm.objects.get_or_create(
            term_az=term_az, term_en=term_en, defaults={"category": category, "note": note}
        )
    app_config = apps.get_app_config("translators")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    editor = apps.get_model("auth", "Group").objects.filter(name=EDITOR).first()
    if editor is not None:
        Permission = apps.get_model("auth", "Permission")
        editor.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="translators", codename__in=GLOSSARY_PERMISSIONS
            )
        )


def unseed_glossary(apps, schema_editor):
    GlossaryTerm = apps.get_model("translators", "GlossaryTerm")
    for term_az, term_en, _category, _note in TERMS:
        GlossaryTerm.objects.filter(term_az=term_az, term_en=term_en).delete()


class Migration(migrations.Migration):
    dependencies = [("translators", "0002_translator_group")]

    operations = [
        # CreateExtension does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.CreateModel(
            name="GlossaryTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term_az", models.CharField(max_length=200, verbose_name="term in Azerbaijani")),
                ("term_en", models.CharField(max_length=200, verbose_name="term in English")),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("place", "place name"),
                            ("programme", "programme"),
                            ("title", "title or body"),
                            ("other", "other"),
                        ],
                        default="other",
                        max_length=12,
                        verbose_name="category",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                (
                    "required",
                    models.BooleanField(
                        default=True,
                        help_text="A translation that leaves the term out gets a warning.",
                        verbose_name="required",
                    ),
                ),
            ],
            options={
                "verbose_name": "glossary term",
                "verbose_name_plural": "glossary",
                "ordering": ["term_az"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("term_az", "term_en"), name="glossary_term_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MemorySegment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source_language", models.CharField(max_length=2)),
                ("target_language", models.CharField(max_length=2)),
                ("source_hash", models.CharField(max_length=64)),
                ("target_hash", models.CharField(max_length=64)),
                ("source_text", models.TextField()),
                ("source_html", models.TextField()),
                ("target_html", models.TextField()),
                ("bands", models.TextField(blank=True, default="")),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "translation memory segment",
                "verbose_name_plural": "translation memory",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source_language", "target_language", "source_hash", "target_hash"),
                        name="memory_segment_unique",
                    )
                ],
            },
        ),
        migrations.RunPython(create_memory_index, drop_memory_index),
        migrations.RunPython(seed_glossary, unseed_glossary),
    ]
