"""The national API's routes apart from its docs, so the schema describes exactly these."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from api import national_views
from api.common import api_not_found

router = DefaultRouter(trailing_slash=True)
router.register("unions", national_views.UnionDirectoryViewSet, basename="unions")
router.register(
    "report-submissions", national_views.ReportSubmissionViewSet, basename="report-submissions"
)

routes = [
    path("statistics/", national_views.NationalStatisticsView.as_view(), name="statistics"),
    path(
        "public/unions/",
        national_views.PublicUnionDirectoryView.as_view(),
        name="public-unions",
    ),
    path("", include(router.urls)),
    re_path(r"^[\s\S]*$", api_not_found),
]
urlpatterns = [path("api/v1/", include(routes))]
