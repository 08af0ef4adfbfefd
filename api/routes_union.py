"""The union API's routes, apart from its documentation, so the schema describes exactly these."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from api import union_views
from api.common import api_not_found

router = DefaultRouter(trailing_slash=True)
router.register("news", union_views.NewsViewSet, basename="news")
router.register("documents", union_views.DocumentViewSet, basename="documents")
router.register("events", union_views.EventViewSet, basename="events")
router.register("organisations", union_views.OrganisationViewSet, basename="organisations")
router.register("activities", union_views.ActivityViewSet, basename="activities")
router.register("congresses", union_views.CongressViewSet, basename="congresses")
router.register("member-counts", union_views.MemberCountViewSet, basename="member-counts")
router.register("reports", union_views.ReportViewSet, basename="reports")

routes = [
    path("statistics/", union_views.StatisticsView.as_view(), name="statistics"),
    path("", include(router.urls)),
    re_path(r"^[\s\S]*$", api_not_found),
]
urlpatterns = [path("api/v1/", include(routes))]
