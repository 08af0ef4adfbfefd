"""The union API's routes, apart from its documentation, so the schema describes exactly these."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api import union_views

router = DefaultRouter(trailing_slash=True)
router.register("news", union_views.NewsViewSet, basename="news")
router.register("documents", union_views.DocumentViewSet, basename="documents")
router.register("events", union_views.EventViewSet, basename="events")
router.register("organisations", union_views.OrganisationViewSet, basename="organisations")
router.register("activities", union_views.ActivityViewSet, basename="activities")

routes = [
    path("statistics/", union_views.StatisticsView.as_view(), name="statistics"),
    path("", include(router.urls)),
]
urlpatterns = [path("api/v1/", include(routes))]
