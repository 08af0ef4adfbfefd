"""English beside Vietnamese in every union schema, the template (and so its clones and the
warm pool) included: a union can translate a page without asking for a locale first.

The tree's root page and the root collection, which Wagtail names "Root" and shows on the
group and collection screens, are named in Vietnamese.
"""

from django.db import migrations


def _english(apps, schema_editor):
    apps.get_model("wagtailcore", "Locale").objects.get_or_create(language_code="en")


def _root_names(apps, schema_editor):
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title="Root").update(
        title="Gốc", draft_title="Gốc"
    )
    apps.get_model("wagtailcore", "Collection").objects.filter(depth=1, name="Root").update(
        name="Tất cả"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0010_theme_presets_gallery_embed"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(_english, migrations.RunPython.noop),
        migrations.RunPython(_root_names, migrations.RunPython.noop),
    ]
