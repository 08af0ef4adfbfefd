"""What every endpoint shares: pagination, sparse fields, the period parameter."""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


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


def period_param(value: str | None, *, field: str | None = "period") -> tuple[str, int, int | None]:
    """`2021-1`, `2021-2` or `2021` → (kind, year, half); a clear error otherwise.

    With `field=None` the error is the field's own (inside a serializer's validator).
    """
    from lhh.national.selectors import PeriodKey

    period = PeriodKey.parse(value)
    if period is None or not 1990 <= period.year <= 2100:
        raise ValidationError({field: [PERIOD_ERROR]} if field else [PERIOD_ERROR])
    return period.kind, period.year, period.half


class PeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    year = serializers.IntegerField()
    half = serializers.IntegerField(allow_null=True)
    label = serializers.CharField(source="__str__")
