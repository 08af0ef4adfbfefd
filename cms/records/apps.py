from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "cms.records"
    label = "records"
    verbose_name = "Hồ sơ hoạt động"
