from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Trang thông tin"

    def ready(self) -> None:
        from cms import page_cache  # noqa: F401  (connects the invalidation signals)
