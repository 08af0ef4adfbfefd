"""The union's roles (cms/roles.py) in every union schema, the template included."""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

from cms.roles import roles_ensure


def _roles(apps, schema_editor):
    # Permissions are made after the last migration of a run; a fresh schema has none yet.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    roles_ensure(
        Group=apps.get_model("auth", "Group"),
        Permission=apps.get_model("auth", "Permission"),
        GroupPagePermission=apps.get_model("wagtailcore", "GroupPagePermission"),
        GroupCollectionPermission=apps.get_model("wagtailcore", "GroupCollectionPermission"),
        Page=apps.get_model("wagtailcore", "Page"),
        Collection=apps.get_model("wagtailcore", "Collection"),
        Workflow=apps.get_model("wagtailcore", "Workflow"),
        Task=apps.get_model("wagtailcore", "Task"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_search_folded"),
        ("records", "0001_initial"),
        # Wagtail's Editors and Moderators groups, its page and collection permissions.
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(_roles, migrations.RunPython.noop)]
