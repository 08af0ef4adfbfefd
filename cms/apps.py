from django.apps import AppConfig, apps


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Trang thông tin"

    def ready(self) -> None:
        from django.db import models
        from wagtail.admin.forms.models import register_form_field_override

        from cms import page_cache  # noqa: F401  (connects the invalidation signals)
        from lhh.web.slugs import VietnameseSlugInput

        # Every slug input of the admin (pages, snippets, copy and move forms built on
        # SlugField) transliterates Vietnamese before Wagtail's script slugifies.
        register_form_field_override(models.SlugField, override={"widget": VietnameseSlugInput})

        _form_types_per_schema()

        from django.db.models.signals import post_migrate

        # Sent per app in INSTALLED_APPS order: by the records app, every permission exists.
        post_migrate.connect(_roles_complete, sender=apps.get_app_config("records"))


def _form_types_per_schema() -> None:
    """Wagtail keeps the form page types' ContentTypes once per process (`get_form_types`
    is lru_cached), but their ids differ between public and the unions: once the national
    admin had asked, a union's admins were refused their own form submissions. The same
    answer, kept per schema."""
    from django.db import connection
    from wagtail.contrib.forms import utils, views

    compute = utils.get_form_types.__wrapped__
    kept: dict[str, list] = {}

    def get_form_types() -> list:
        schema = connection.schema_name
        if schema not in kept:
            kept[schema] = compute()
        return kept[schema]

    utils.get_form_types = views.get_form_types = get_form_types


def _roles_complete(sender, **kwargs) -> None:
    """After a union's migrate, the roles get the permissions of models added since."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
        Task,
        Workflow,
    )

    from cms.roles import roles_ensure
    from lhh.web.schema_scope import in_public_schema

    if in_public_schema():
        return
    roles_ensure(
        Group=Group,
        Permission=Permission,
        GroupPagePermission=GroupPagePermission,
        GroupCollectionPermission=GroupCollectionPermission,
        Page=Page,
        Collection=Collection,
        Workflow=Workflow,
        Task=Task,
    )
