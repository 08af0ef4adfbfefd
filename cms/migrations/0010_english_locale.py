"""English beside Vietnamese in every union schema, the template (and so its clones and the
warm pool) included: a union can translate a page without asking for a locale first."""

from django.db import migrations


def _english(apps, schema_editor):
    apps.get_model("wagtailcore", "Locale").objects.get_or_create(language_code="en")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0009_personal_data"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(_english, migrations.RunPython.noop)]
