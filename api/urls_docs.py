from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


def docs_urls(routes_module: str) -> list:
    """The OpenAPI schema and its docs UI, describing only `routes_module`'s endpoints."""
    return [
        path("schema/", SpectacularAPIView.as_view(urlconf=routes_module), name="schema"),
        path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    ]
