"""What every endpoint shares: pagination, sparse fields, the period parameter."""

import django_filters
from django import forms
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def get_page_size(self, request) -> int:
        # DRF silently ignores a bad page_size; an API people build on says so instead.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise ValidationError(
                {self.page_size_query_param: [f"Phải là số nguyên từ 1 đến {self.max_page_size}."]}
            )
        return super().get_page_size(request)


class StrictFilterForm(forms.Form):
    """A typed filter (choice, date, number, yes/no) given but empty or unreadable is an
    error, not a silent "no filter"; free-text filters may be empty."""

    _BOOLEANS = {"true", "false", "True", "False", "1", "0"}

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if name not in self.data or type(field) is forms.CharField:
                continue
            raw = self.data.get(name)
            if raw == "":
                self.add_error(name, "Không được để trống.")
            elif isinstance(field, forms.NullBooleanField) and raw not in self._BOOLEANS:
                self.add_error(name, "Chỉ nhận true hoặc false.")
        return cleaned


class FilterSet(django_filters.FilterSet):
    """Subclasses declare `class Meta(FilterSet.Meta)`, or they lose the strict form."""

    class Meta:
        form = StrictFilterForm


class _IntegerFilter(django_filters.NumberFilter):
    """A whole number between `bounds`, refused (not ignored) outside them."""

    field_class = forms.IntegerField
    bounds: tuple[int, int]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", self.bounds[0])
        kwargs.setdefault("max_value", self.bounds[1])
        super().__init__(*args, **kwargs)


def _integer_schema(low: int, high: int) -> dict:
    return {"type": "integer", "minimum": low, "maximum": high}


@extend_schema_field(_integer_schema(1900, 2100))
class YearFilter(_IntegerFilter):
    bounds = (1900, 2100)


@extend_schema_field(_integer_schema(1, 2_147_483_647))
class IdFilter(_IntegerFilter):
    """A row by its id; an id that matches nothing gives an empty list, as any filter does."""

    bounds = (1, 2_147_483_647)


class SparseFieldsMixin:
    """`?fields=id,title` returns only those fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        wanted = request.query_params.get("fields") if request else None
        if wanted:
            keep = {name.strip() for name in wanted.split(",") if name.strip()}
            for name in set(self.fields) - keep:
                self.fields.pop(name)


PERIOD_ERROR = "Kỳ báo cáo phải có dạng 2021-1, 2021-2 hoặc 2021."
PERIOD_HELP = "Kỳ báo cáo: 2021-1, 2021-2 hoặc 2021"
# The years a period may have (1990–2100, as the records allow).
PERIOD_PATTERN = r"^(199\d|20\d\d|2100)(-[12])?$"
_PERIOD_SCHEMA = {"type": "string", "pattern": PERIOD_PATTERN, "description": PERIOD_HELP}


PERIOD_PARAMETER = OpenApiParameter(
    "period",
    str,
    required=True,
    pattern=PERIOD_PATTERN,
    allow_blank=False,
    description=PERIOD_HELP,
)


def period_param(value: str | None, *, field: str | None = "period") -> tuple[str, int, int | None]:
    """`2021-1`, `2021-2` or `2021` → (kind, year, half); a clear error otherwise.

    With `field=None` the error is the field's own (inside a serializer's validator).
    """
    from lhh.national.selectors import PeriodKey

    period = PeriodKey.parse(value)
    if period is None or not 1990 <= period.year <= 2100:
        raise ValidationError({field: [PERIOD_ERROR]} if field else [PERIOD_ERROR])
    return period.kind, period.year, period.half


class _PeriodFormField(forms.CharField):
    """Its own class, so the strict form treats an empty period as an error, not free text."""


@extend_schema_field(_PERIOD_SCHEMA)
class PeriodFilter(django_filters.CharFilter):
    """`?period=2021-1`: the rows of that period."""

    field_class = _PeriodFormField

    def filter(self, queryset, value):
        if value in ("", None):
            return queryset
        kind, year, half = period_param(value, field=self.field_name)
        prefix = self.field_name
        return queryset.filter(
            **{f"{prefix}__kind": kind, f"{prefix}__year": year, f"{prefix}__half": half}
        )


@extend_schema_field(_PERIOD_SCHEMA)
class PeriodField(serializers.CharField):
    """A period written as 2021-1, 2021-2 or 2021; the period itself once validated (made
    when it was not recorded yet, as the admin does)."""

    def to_internal_value(self, data):
        from cms.records.services import period_get_or_create

        kind, year, half = period_param(super().to_internal_value(data), field=None)
        return period_get_or_create(kind=kind, year=year, half=half)


class PeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    year = serializers.IntegerField()
    half = serializers.IntegerField(allow_null=True)
    label = serializers.CharField(source="__str__")


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: the API's own 404, never a web page."""
    from django.http import JsonResponse

    from api.exceptions import MESSAGES

    return JsonResponse(
        {"error": {"code": "not_found", "message": MESSAGES["not_found"], "details": None}},
        status=404,
    )


def absolute_url(serializer: serializers.Serializer, url: str) -> str:
    """A page's or file's address with its host: API clients follow it from anywhere."""
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request is not None else url
