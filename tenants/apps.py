from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Liên hiệp Hội"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from tenants import shared_views

        pre_migrate.connect(shared_views.before_migrate, dispatch_uid="shared_views_drop")
        post_migrate.connect(shared_views.after_migrate, dispatch_uid="shared_views_refresh")
