"""The API on a union's host: published content for anyone, records for the union's staff."""

import django_filters
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors
from api.common import (
    PERIOD_PARAMETER,
    FilterSet,
    IdFilter,
    Pagination,
    PeriodField,
    PeriodFilter,
    PeriodSerializer,
    SparseFieldsMixin,
    YearFilter,
    absolute_url,
    period_param,
)
from api.permissions import ModelPermissions
from cms.models import EventPage, NewsArticlePage, OfficialDocument
from cms.records import services
from cms.records.models import (
    Activity,
    Congress,
    MemberCount,
    MemberOrganisation,
    Report,
    ReportingPeriod,
)
from cms.records.models.reports import REPORT_SECTIONS
from cms.records.report_render import (
    DOCX_CONTENT_TYPE,
    report_download_response,
    report_filename,
    report_pdf_cached,
)
from cms.records.selectors import period_figures
from lhh.web.downloads import attachment_disposition


class UnionQuerysetMixin:
    """The OpenAPI schema is generated where a union's tables may not exist; the view then
    answers with an empty queryset of its model, and with `records()` otherwise."""

    model: type
    lookup_value_regex = r"\d+"
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.records()


class PublicContentViewSet(UnionQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Published content: readable by anyone, no credentials looked at."""

    permission_classes = [AllowAny]
    authentication_classes: list = []


# --- Published content --------------------------------------------------------------------


class NewsFilter(FilterSet):
    category = django_filters.CharFilter(field_name="category__slug")
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")

    class Meta(FilterSet.Meta):
        model = NewsArticlePage
        fields = ["category", "is_featured"]


_NEWS_FIELDS = [
    "id",
    "title",
    "url",
    "published_on",
    "author",
    "summary",
    "category",
    "tags",
    "is_featured",
]


class NewsViewSet(PublicContentViewSet):
    """Published news articles."""

    model = NewsArticlePage

    @extend_schema_serializer(component_name="NewsArticle")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        url = serializers.SerializerMethodField()
        category = serializers.CharField(source="category.name", default=None, allow_null=True)
        tags = serializers.SerializerMethodField()

        class Meta:
            model = NewsArticlePage
            fields = _NEWS_FIELDS

        def get_url(self, article) -> str:
            return absolute_url(self, article.url)

        def get_tags(self, article) -> list[str]:
            return [tag.name for tag in article.tags.all()]

    @extend_schema_serializer(component_name="NewsArticleDetail")
    class DetailSerializer(OutputSerializer):
        body_html = serializers.SerializerMethodField()

        class Meta:
            model = NewsArticlePage
            fields = [*_NEWS_FIELDS, "body_html"]

        def get_body_html(self, article) -> str:
            return str(article.body.render_as_block()) if article.body else ""

    filterset_class = NewsFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["published_on", "title"]
    ordering = ["-published_on", "-id"]

    def records(self):
        return (
            NewsArticlePage.objects.live()
            .public()
            .select_related("category")
            .prefetch_related("tags")
            .order_by("-published_on", "-id")
        )

    def get_serializer_class(self):
        return self.DetailSerializer if self.action == "retrieve" else self.OutputSerializer


class DocumentFilter(FilterSet):
    year = YearFilter(field_name="issued_on__year")

    class Meta(FilterSet.Meta):
        model = OfficialDocument
        fields = ["kind", "year"]


class DocumentViewSet(PublicContentViewSet):
    """The documents register (văn bản)."""

    model = OfficialDocument

    @extend_schema_serializer(component_name="OfficialDocument")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        file_url = serializers.SerializerMethodField()

        class Meta:
            model = OfficialDocument
            fields = [
                "id",
                "number",
                "kind",
                "issuing_body",
                "signatory",
                "issued_on",
                "effective_on",
                "abstract",
                "file_url",
            ]

        def get_file_url(self, document) -> str | None:
            return absolute_url(self, document.file.url) if document.file_id else None

    serializer_class = OutputSerializer
    filterset_class = DocumentFilter
    filter_backends = [
        django_filters.rest_framework.DjangoFilterBackend,
        filters.OrderingFilter,
        filters.SearchFilter,
    ]
    search_fields = ["number", "abstract", "issuing_body"]
    ordering_fields = ["issued_on", "number"]

    def records(self):
        return OfficialDocument.objects.select_related("file").order_by("-issued_on", "-id")


class EventViewSet(PublicContentViewSet):
    """Published events: seminars, conferences, ceremonies."""

    model = EventPage

    @extend_schema_serializer(component_name="Event")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        url = serializers.SerializerMethodField()

        class Meta:
            model = EventPage
            fields = [
                "id",
                "title",
                "url",
                "kind",
                "starts_at",
                "ends_at",
                "place",
                "summary",
                "registration_open",
            ]

        def get_url(self, event) -> str:
            return absolute_url(self, event.url)

    serializer_class = OutputSerializer
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["starts_at"]

    def records(self):
        return EventPage.objects.live().public().order_by("-starts_at")


# --- Records (the union's staff) ------------------------------------------------------------


class OrganisationFilter(FilterSet):
    class Meta(FilterSet.Meta):
        model = MemberOrganisation
        fields = ["kind", "status"]


class ServiceWritesMixin:
    """The one way the API writes. The InputSerializer checks the request; the view hands
    the service the validated data as plain values (`service_create`, `service_update`),
    never setting a model's fields itself; the answer has the OutputSerializer's shape, the
    shape the reads have (the schema says so: `api.schema.AutoSchema`). An update may
    take its own shape (`UpdateInputSerializer`). A viewset takes `ServiceCreateMixin`,
    `ServiceUpdateMixin` or both: each adds its route."""

    answers_with_output = True
    UpdateInputSerializer: type[serializers.Serializer] | None = None

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return self.UpdateInputSerializer or self.InputSerializer
        if self.action == "create":
            return self.InputSerializer
        return self.OutputSerializer

    def _answer(self, instance, http_status: int) -> Response:
        output = self.OutputSerializer(instance, context=self.get_serializer_context())
        return Response(output.data, status=http_status)


class ServiceCreateMixin(ServiceWritesMixin):
    def service_create(self, data: dict):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(self.service_create(serializer.validated_data), status.HTTP_201_CREATED)


class ServiceUpdateMixin(ServiceWritesMixin):
    def service_update(self, instance, data: dict):
        raise NotImplementedError

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.service_update(instance, serializer.validated_data)
        return self._answer(instance, status.HTTP_200_OK)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class OrganisationViewSet(
    ServiceCreateMixin,
    ServiceUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Member organisations. Deleting one that has history archives it instead."""

    @extend_schema_serializer(component_name="MemberOrganisation")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        class Meta:
            model = MemberOrganisation
            fields = [
                "id",
                "name",
                "kind",
                "field",
                "founding_decision",
                "founded_on",
                "leader",
                "status",
                "origin",
            ]

    @extend_schema_serializer(component_name="MemberOrganisationInput")
    class InputSerializer(serializers.ModelSerializer):
        class Meta:
            model = MemberOrganisation
            fields = ["id", *MemberOrganisation.EDITABLE_FIELDS]
            # The model says "name already in use" itself, in Vietnamese and on the field;
            # DRF's generated validator would say it in English.
            validators: list = []

    queryset = MemberOrganisation.objects.order_by("name")
    lookup_value_regex = r"\d+"
    permission_classes = [ModelPermissions]
    pagination_class = Pagination
    filter_backends = [
        django_filters.rest_framework.DjangoFilterBackend,
        filters.SearchFilter,
        filters.OrderingFilter,
    ]
    filterset_class = OrganisationFilter
    search_fields = ["name", "field"]
    ordering_fields = ["name"]

    def service_create(self, data: dict) -> MemberOrganisation:
        return services.organisation_create(data=data)

    def service_update(self, instance: MemberOrganisation, data: dict) -> MemberOrganisation:
        return services.organisation_update(organisation=instance, data=data)

    def perform_destroy(self, instance):
        services.organisation_delete(organisation=instance)


class ActivityFilter(FilterSet):
    period = PeriodFilter()

    class Meta(FilterSet.Meta):
        model = Activity
        fields = ["kind", "status", "period"]


class ActivityViewSet(
    ServiceCreateMixin, ServiceUpdateMixin, UnionQuerysetMixin, viewsets.ModelViewSet
):
    """Activities of every kind (TVPB, training, seminars, publications, projects, contests…)."""

    model = Activity

    @extend_schema_serializer(component_name="Activity")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        period = PeriodSerializer()
        organiser = serializers.CharField(source="organiser.name", default=None, allow_null=True)

        class Meta:
            model = Activity
            exclude = ["report_file", "created_at"]

    @extend_schema_serializer(component_name="ActivityInput")
    class InputSerializer(serializers.ModelSerializer):
        period = PeriodField()

        class Meta:
            model = Activity
            exclude = ["report_file", "created_at", "updated_at"]
            # DRF's Vietnamese catalogue lacks this message.
            extra_kwargs = {
                "note": {"error_messages": {"max_length": "Tối đa {max_length} ký tự."}}
            }

    permission_classes = [ModelPermissions]
    filterset_class = ActivityFilter
    filter_backends = [
        django_filters.rest_framework.DjangoFilterBackend,
        filters.SearchFilter,
        filters.OrderingFilter,
    ]
    search_fields = ["title", "place"]
    ordering_fields = ["held_on", "title", "id"]

    def records(self):
        return Activity.objects.select_related("period", "organiser").order_by("-id")

    def service_create(self, data: dict) -> Activity:
        return services.activity_create(data=data)

    def service_update(self, instance: Activity, data: dict) -> Activity:
        return services.activity_update(activity=instance, data=data)

    def perform_destroy(self, instance):
        services.activity_delete(activity=instance)


class StatisticsView(APIView):
    """The union's own figures for one period: the same figures its reports use."""

    permission_classes = [ModelPermissions]
    queryset = ReportingPeriod.objects.none()

    @extend_schema(
        parameters=[PERIOD_PARAMETER],
        responses={200: dict},
    )
    def get(self, request):
        kind, year, half = period_param(request.query_params.get("period"))
        period = get_object_or_404(ReportingPeriod, kind=kind, year=year, half=half)
        return Response(period_figures(period))


# --- Governance, member counts, reports (the union's staff) -------------------------------


@extend_schema_serializer(component_name="Position")
class PositionOutputSerializer(serializers.Serializer):
    name = serializers.CharField(source="person.name")
    title = serializers.CharField(source="person.title")
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    from_on = serializers.DateField(allow_null=True)
    to_on = serializers.DateField(allow_null=True)


@extend_schema_serializer(component_name="Committee")
class CommitteeOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    positions = PositionOutputSerializer(many=True)


class CongressViewSet(UnionQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Terms (nhiệm kỳ) with their committees and who holds which position.

    People appear with their name, academic title and role only: what the union's own
    organisation page already publishes. Their e-mail, phone and workplace stay in the
    admin, where access to and erasure of personal data are handled; a long-lived token
    in some script is the wrong place for them. Read-only: terms and positions are kept
    in the admin, which has no service layer to write them through.
    """

    model = Congress

    @extend_schema_serializer(component_name="Congress")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        committees = CommitteeOutputSerializer(many=True)

        class Meta:
            model = Congress
            fields = [
                "id",
                "term_number",
                "starts_year",
                "ends_year",
                "held_on",
                "note",
                # The schema of the predecessor union a merger moved the term from; empty
                # for the union's own terms.
                "moved_from",
                "committees",
            ]

    serializer_class = OutputSerializer
    permission_classes = [ModelPermissions]

    def records(self):
        return selectors.congresses_with_leadership()


class MemberCountFilter(FilterSet):
    organisation = IdFilter()
    period = PeriodFilter()

    class Meta(FilterSet.Meta):
        model = MemberCount
        fields = ["organisation", "period"]


class MemberCountPermissions(ModelPermissions):
    # Posting a count replaces the one already set for that organisation and period.
    perms_map = {
        **ModelPermissions.perms_map,
        "POST": ["%(app_label)s.add_%(model_name)s", "%(app_label)s.change_%(model_name)s"],
    }


class MemberCountViewSet(
    ServiceCreateMixin,
    UnionQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """How many individual members each organisation reported, per period.

    POST sets the count of one organisation for one period, replacing any count it had.
    """

    model = MemberCount

    @extend_schema_serializer(component_name="MemberCount")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        organisation_name = serializers.CharField(source="organisation.name")
        period = PeriodSerializer()

        class Meta:
            model = MemberCount
            fields = ["id", "organisation", "organisation_name", "period", "members"]

    @extend_schema_serializer(component_name="MemberCountInput")
    class InputSerializer(serializers.Serializer):
        organisation = serializers.PrimaryKeyRelatedField(queryset=MemberOrganisation.objects.all())
        period = PeriodField()
        members = serializers.IntegerField(min_value=0, max_value=2_147_483_647)

    permission_classes = [MemberCountPermissions]
    filterset_class = MemberCountFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def records(self):
        return selectors.member_counts()

    def service_create(self, data: dict) -> MemberCount:
        count = services.member_count_set(**data)
        return selectors.member_counts().get(pk=count.pk)


class ReportPermissions(ModelPermissions):
    # Sending a report to the national union changes it; it creates nothing.
    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) == "submit":
            return super().has_permission(request, view) and request.user.has_perm(
                "records.change_report"
            )
        return super().has_permission(request, view)


class ReportFilter(FilterSet):
    class Meta(FilterSet.Meta):
        model = Report
        fields = ["status"]


@extend_schema_field(
    {
        "type": "object",
        "description": "Nội dung từng phần của báo cáo; phần nào không gửi thì giữ nguyên.",
        "properties": {
            key: {"type": "string", "maxLength": 50_000, "description": label}
            for key, label in REPORT_SECTIONS
        },
        "additionalProperties": False,
    }
)
class NarrativeField(serializers.DictField):
    # Unknown section names are refused by the service, in Vietnamese.
    child = serializers.CharField(allow_blank=True, max_length=50_000)


_DOWNLOAD_RESPONSES = {
    # octet-stream as well: the form client generators know for bytes of any kind.
    "docx": {
        (200, DOCX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
        (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
    },
    "pdf": {
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
        (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
        202: OpenApiResponse(
            inline_serializer(
                "ReportPdfPending",
                {"status": serializers.CharField(), "message": serializers.CharField()},
            ),
            description="The PDF is being printed in the background; ask again shortly.",
        ),
    },
}


class ReportViewSet(
    ServiceCreateMixin,
    ServiceUpdateMixin,
    UnionQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The 6-month and annual reports: figures from the records, narrative by staff.

    POST opens the report of a period (or returns the one already open); PATCH edits its
    narrative until it is submitted; `submit` freezes its figures and sends it to the
    national union; `docx` and `pdf` download it.
    """

    model = Report
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema_serializer(component_name="Report")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        period = PeriodSerializer()
        title = serializers.CharField(source="__str__")
        narrative = serializers.DictField(child=serializers.CharField(allow_blank=True))
        figures = serializers.JSONField(allow_null=True)

        class Meta:
            model = Report
            fields = [
                "id",
                "title",
                "period",
                "status",
                "narrative",
                "figures",
                "submitted_at",
                "decided_at",
                "national_comment",
                "updated_at",
            ]

    @extend_schema_serializer(component_name="ReportInput")
    class InputSerializer(serializers.Serializer):
        period = PeriodField()

    @extend_schema_serializer(component_name="ReportNarrativeInput")
    class UpdateInputSerializer(serializers.Serializer):
        narrative = NarrativeField(required=False)

    permission_classes = [ReportPermissions]
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = ReportFilter

    def records(self):
        return selectors.reports()

    def service_create(self, data: dict) -> Report:
        return services.report_get_or_create(**data)

    def service_update(self, instance: Report, data: dict) -> Report:
        return services.report_narrative_update(
            report=instance, narrative=data.get("narrative", {})
        )

    @extend_schema(request=None, responses={200: OutputSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = services.report_submit(report=self.get_object())
        return Response(self.OutputSerializer(report).data)

    @extend_schema(responses=_DOWNLOAD_RESPONSES["docx"])
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        return report_download_response(self.get_object(), request.tenant.name, "docx")

    @extend_schema(responses=_DOWNLOAD_RESPONSES["pdf"])
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        # LibreOffice takes seconds: the worker prints it, the client asks again.
        report = self.get_object()
        pdf = report_pdf_cached(report, request.tenant.name)
        if pdf is None:
            return Response(
                {
                    "status": "pending",
                    "message": "Đang dựng tệp PDF, vui lòng thử lại sau ít giây.",
                },
                status=status.HTTP_202_ACCEPTED,
                headers={"Retry-After": "5"},
            )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = attachment_disposition(report_filename(report, "pdf"))
        return response
