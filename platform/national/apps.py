from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "lhh.national"
    label = "national"
    verbose_name = "Trung ương"

    def ready(self) -> None:
        from lhh.national import receivers  # noqa: F401  (connects the receivers)
