"""How the API's own pieces appear in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Mã truy cập cá nhân, tạo trong trang quản trị "
            "(Cài đặt → Mã truy cập API).",
        }


class ErrorDetail(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField(allow_null=True)
    retry_after = serializers.IntegerField(required=False)


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    error = ErrorDetail()


class AutoSchema(BaseAutoSchema):
    """Every operation documents the errors the API can answer with, in its one error body."""

    def get_response_serializers(self):
        # Views that take one shape and answer with another (union_views.ServiceWritesMixin).
        if getattr(self.view, "answers_with_output", False) and self.method in {
            "POST",
            "PUT",
            "PATCH",
        }:
            return self.view.OutputSerializer
        return super().get_response_serializers()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # DRF trims text before it checks it is not blank, so "at least one character" is
        # really "at least one that is not a space".
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and not field.allow_blank
            and field.trim_whitespace
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "enum" not in schema
            and "format" not in schema
        ):
            schema["pattern"] = r"\S"
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "405", "422", "429"]
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses


def servers_from_request(result: dict, generator, request, public: bool) -> dict:
    """Name the host that served the schema as its server (a drf-spectacular postprocessing
    hook): each union's API lives on its own host, and generated clients take their base
    URL from here."""
    if request is not None:
        result["servers"] = [{"url": request.build_absolute_uri("/").rstrip("/")}]
    return result
