from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "cms.records"
    label = "records"
    verbose_name = "Hồ sơ hoạt động"

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from cms.records.services import contest_page_changed

        page_published.connect(contest_page_changed, dispatch_uid="records_contest_published")
        page_unpublished.connect(contest_page_changed, dispatch_uid="records_contest_unpublished")
