"""Index the folded (accent-free) text of every page and document already there.

This uses the current models, not historical ones: index entries are built from a
model's `search_fields`, which only the real classes carry. Pages and documents
saved later are indexed on save as before.
"""

from django.db import migrations


def _reindex_folded(apps, schema_editor):
    from django.apps import apps as live_apps
    from wagtail.search.backends import get_search_backend

    from cms.models import OfficialDocument
    from lhh.web.schema_scope import UnionPageMixin

    backend = get_search_backend()
    for model in live_apps.get_app_config("cms").get_models():
        if issubclass(model, UnionPageMixin) or model is OfficialDocument:
            objects = model.objects.all()
            if objects.exists():
                backend.add_bulk(model, objects)


class Migration(migrations.Migration):
    dependencies = [("cms", "0005_contest_awarded_on")]

    operations = [migrations.RunPython(_reindex_folded, migrations.RunPython.noop)]
