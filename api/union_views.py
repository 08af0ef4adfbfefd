"""The API on a union's host: published content for anyone, records for the union's staff."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import filters, mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import (
    PERIOD_PARAMETER,
    FilterSet,
    Pagination,
    PeriodSerializer,
    SparseFieldsMixin,
    YearFilter,
    period_param,
)
from api.permissions import ModelPermissions
from cms.models import EventPage, NewsArticlePage, OfficialDocument
from cms.records import services
from cms.records.models import Activity, MemberOrganisation, ReportingPeriod
from cms.records.selectors import period_figures


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

    class Meta:
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
    model = NewsArticlePage
    """Published news articles."""

    @extend_schema_serializer(component_name="NewsArticle")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        url = serializers.SerializerMethodField()
        category = serializers.CharField(source="category.name", default=None, allow_null=True)
        tags = serializers.SerializerMethodField()

        class Meta:
            model = NewsArticlePage
            fields = _NEWS_FIELDS

        def get_url(self, article) -> str:
            return article.url

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

    class Meta:
        model = OfficialDocument
        fields = ["kind", "year"]


class DocumentViewSet(PublicContentViewSet):
    model = OfficialDocument
    """The documents register (văn bản)."""

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
            return document.file.url if document.file_id else None

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
    model = EventPage
    """Published events: seminars, conferences, ceremonies."""

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
            return event.url

    serializer_class = OutputSerializer
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["starts_at"]

    def records(self):
        return EventPage.objects.live().public().order_by("-starts_at")


# --- Records (the union's staff) ------------------------------------------------------------


class OrganisationFilter(FilterSet):
    class Meta:
        model = MemberOrganisation
        fields = ["kind", "status"]


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
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

    def get_serializer_class(self):
        return (
            self.InputSerializer
            if self.action in {"create", "update", "partial_update"}
            else self.OutputSerializer
        )

    def perform_create(self, serializer):
        serializer.instance = services.organisation_save(
            organisation=MemberOrganisation(**serializer.validated_data)
        )

    def perform_update(self, serializer):
        organisation = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(organisation, name, value)
        serializer.instance = services.organisation_save(organisation=organisation)

    def perform_destroy(self, instance):
        services.organisation_delete(organisation=instance)


class ActivityFilter(FilterSet):
    period = django_filters.CharFilter(method="filter_period")

    class Meta:
        model = Activity
        fields = ["kind", "status", "period"]

    def filter_period(self, queryset, name, value):
        kind, year, half = period_param(value)
        return queryset.filter(period__kind=kind, period__year=year, period__half=half)


class ActivityViewSet(UnionQuerysetMixin, viewsets.ModelViewSet):
    model = Activity
    """Activities of every kind (TVPB, training, seminars, publications, projects, contests…)."""

    @extend_schema_serializer(component_name="Activity")
    class OutputSerializer(SparseFieldsMixin, serializers.ModelSerializer):
        period = PeriodSerializer()
        organiser = serializers.CharField(source="organiser.name", default=None, allow_null=True)

        class Meta:
            model = Activity
            exclude = ["report_file", "created_at"]

    @extend_schema_serializer(component_name="ActivityInput")
    class InputSerializer(serializers.ModelSerializer):
        period = serializers.CharField(help_text="Kỳ báo cáo: 2021-1, 2021-2 hoặc 2021")

        class Meta:
            model = Activity
            exclude = ["report_file", "created_at", "updated_at"]

        def validate_period(self, value):
            kind, year, half = period_param(value, field=None)
            return services.period_get_or_create(kind=kind, year=year, half=half)

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

    def get_serializer_class(self):
        return (
            self.InputSerializer
            if self.action in {"create", "update", "partial_update"}
            else self.OutputSerializer
        )

    def perform_create(self, serializer):
        serializer.instance = services.activity_save(activity=Activity(**serializer.validated_data))

    def perform_update(self, serializer):
        activity = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(activity, name, value)
        serializer.instance = services.activity_save(activity=activity)

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
