"""Appeals: status, history and retention."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_newsroom")]

    operations = []
