from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "lhh.national"
    label = "national"
    verbose_name = "Trung ương"
