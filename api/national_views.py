"""The API on the national host: the union directory, statistics from the rollups, reports."""

import django_filters
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import generics, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import (
    PERIOD_PARAMETER,
    FilterSet,
    Pagination,
    SparseFieldsMixin,
    YearFilter,
    period_param,
)
from api.models import ApiSettings
from api.permissions import NationalStaff
from lhh.national.models import ReportSubmission, Rollup
from lhh.national.selectors import (
    STATISTICS_GROUPINGS,
    PeriodKey,
    statistics,
    union_site_url,
)
from tenants.models import Union


class UnionFilter(FilterSet):
    class Meta(FilterSet.Meta):
        model = Union
        fields = ["status"]


class SubmissionFilter(FilterSet):
    year = YearFilter()
    half = django_filters.ChoiceFilter(choices=[(1, "1"), (2, "2")])

    class Meta(FilterSet.Meta):
        model = ReportSubmission
        fields = ["status", "year", "half", "period_kind"]


class UnionDirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Every provincial union with its status, province and domains."""

    @extend_schema_serializer(component_name="Union")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        province = serializers.CharField(source="province.name", default=None, allow_null=True)
        former_provinces = serializers.SerializerMethodField()
        region = serializers.CharField(source="province.region.name", default=None, allow_null=True)
        domains = serializers.SerializerMethodField()
        last_login_at = serializers.DateTimeField(
            source="health.last_login_at", default=None, allow_null=True
        )

        class Meta:
            model = Union
            fields = [
                "schema_name",
                "name",
                "short_name",
                "status",
                "province",
                "former_provinces",
                "region",
                "domains",
                "created_at",
                "last_login_at",
            ]

        def get_domains(self, union) -> list[str]:
            return [domain.domain for domain in union.domains.all()]

        @extend_schema_field(
            {
                "type": "array",
                "description": "Các tỉnh cũ Liên hiệp Hội phụ trách; since: từ ngày sáp nhập "
                "(null: từ đầu).",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "since": {"type": "string", "format": "date", "nullable": True},
                    },
                },
            }
        )
        def get_former_provinces(self, union) -> list[dict]:
            return [
                {"name": row.province.name, "since": row.since.isoformat() if row.since else None}
                for row in union.coverage.all()
            ]

    serializer_class = OutputSerializer
    permission_classes = [NationalStaff]
    pagination_class = Pagination
    lookup_field = "schema_name"
    lookup_value_regex = r"[a-z][a-z0-9]{1,30}"
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = UnionFilter

    def get_queryset(self):
        return (
            Union.objects.filter(kind=Union.Kind.PROVINCIAL)
            .select_related("province__region", "health")
            .prefetch_related("domains", "coverage__province")
            .order_by("schema_name")
        )


class NationalStatisticsView(APIView):
    """Sums of the unions' figures for one period, grouped; read from the rollups only."""

    permission_classes = [NationalStaff]
    queryset = Rollup.objects.none()

    @extend_schema(
        parameters=[
            PERIOD_PARAMETER,
            OpenApiParameter(
                "group_by", str, enum=list(STATISTICS_GROUPINGS), description="mặc định: province"
            ),
            OpenApiParameter(
                "metric", str, description="tiền tố chỉ số, ví dụ members hoặc activities.tvpb"
            ),
        ],
        responses={200: dict},
    )
    def get(self, request):
        kind, year, half = period_param(request.query_params.get("period"))
        group_by = request.query_params.get("group_by", "province")
        if group_by not in STATISTICS_GROUPINGS:
            raise serializers.ValidationError(
                {"group_by": f"Chỉ nhận: {', '.join(STATISTICS_GROUPINGS)}."}
            )
        groups = statistics(
            PeriodKey(kind, year, half),
            group_by,
            request.query_params.get("metric", "")[:80],
        )
        return Response(
            {
                "period": {"kind": kind, "year": year, "half": half},
                "group_by": group_by,
                "groups": groups,
            }
        )


class ReportSubmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """The 6-month and annual reports the unions have submitted."""

    @extend_schema_serializer(component_name="ReportSubmission")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        union = serializers.CharField(source="union.schema_name")

        class Meta:
            model = ReportSubmission
            fields = [
                "id",
                "union",
                "period_kind",
                "year",
                "half",
                "period_label",
                "status",
                "submitted_at",
                "decided_at",
                "comment",
                "figures",
            ]

    serializer_class = OutputSerializer
    lookup_value_regex = r"\d+"
    permission_classes = [NationalStaff]
    pagination_class = Pagination
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = SubmissionFilter

    def get_queryset(self):
        return ReportSubmission.objects.select_related("union").order_by("-submitted_at")


class PublicUnionDirectoryView(generics.ListAPIView):
    """Active unions with their province and site: open to anyone, but only while the
    national union has enabled it (Cài đặt → Cài đặt API toàn quốc); off, it is a 404.

    Only what the national home page already shows; status, contacts and activity stay
    in the staff directory.
    """

    @extend_schema_serializer(component_name="PublicUnion")
    class OutputSerializer(serializers.ModelSerializer):
        province = serializers.CharField(source="province.name", default=None, allow_null=True)
        site_url = serializers.SerializerMethodField()

        class Meta:
            model = Union
            fields = ["schema_name", "name", "short_name", "province", "site_url"]

        def get_site_url(self, union) -> str | None:
            return union_site_url(union) or None

    serializer_class = OutputSerializer
    permission_classes = [AllowAny]
    # Credentials are not looked at: a bad token must not lock anyone out of public data.
    authentication_classes: list = []
    pagination_class = Pagination

    def get_queryset(self):
        if not getattr(self, "swagger_fake_view", False):
            if not ApiSettings.load().public_union_directory:
                raise NotFound()
        return (
            Union.objects.filter(kind=Union.Kind.PROVINCIAL, status=Union.Status.ACTIVE)
            .select_related("province")
            .prefetch_related("domains")
            .order_by("name", "schema_name")
        )
