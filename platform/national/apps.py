from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "lhh.national"
    label = "national"
    verbose_name = "Trung ương"

    def ready(self) -> None:
        from cms.records.official_document import template_loader_register
        from lhh.national import receivers  # noqa: F401  (connects the receivers)
        from lhh.national.services import report_template_content

        # Union reports and the national report use the templates national staff upload.
        template_loader_register(report_template_content)
