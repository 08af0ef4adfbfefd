from django.apps import AppConfig


class NukeVietConfig(AppConfig):
    name = "cms.nukeviet"
    label = "nukeviet"
    verbose_name = "Nhập từ NukeViet"
