from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Trang thông tin"

    def ready(self) -> None:
        from django.db import models
        from wagtail.admin.forms.models import register_form_field_override

        from cms import page_cache  # noqa: F401  (connects the invalidation signals)
        from cms.slugs import VietnameseSlugInput

        # Every slug input of the admin (pages, snippets, copy and move forms built on
        # SlugField) transliterates Vietnamese before Wagtail's script slugifies.
        register_form_field_override(models.SlugField, override={"widget": VietnameseSlugInput})
