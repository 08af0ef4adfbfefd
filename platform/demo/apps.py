from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo unions and their content for a local run and the tests (`load_initial_data`).

    It sits above the tenant registry and the union's site: it creates unions and fills them.
    """

    name = "lhh.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
