from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Liên hiệp Hội"

    def ready(self) -> None:
        from tenants.models import Domain, Union
        from tenants.routing import host_cache_forget

        # This process forgets at once what it writes itself; other processes hear it
        # from PostgreSQL when it commits (tenants.routing).
        for model in (Union, Domain):
            post_save.connect(host_cache_forget, sender=model, dispatch_uid=f"routing-{model}")
            post_delete.connect(host_cache_forget, sender=model, dispatch_uid=f"routing-d{model}")
