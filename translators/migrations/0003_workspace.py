"""Translators' workspace: memory, glossary."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("translators", "0002_translator_group")]

    operations = []
