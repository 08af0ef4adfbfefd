"""Reads of a union's site content, in the current union's schema."""

from django.db.models import QuerySet
from django.utils import timezone
from wagtail.search.backends import get_search_backend

from cms.models import (
    EventPage,
    NewsArticlePage,
    OfficialDocument,
    ReaderComment,
)


def news_latest(*, limit: int) -> QuerySet[NewsArticlePage]:
    return (
        NewsArticlePage.objects.live()
        .public()
        .select_related("lead_image")
        .order_by("-published_on", "-id")[:limit]
    )


def news_in_index(index_page) -> QuerySet[NewsArticlePage]:
    return (
        NewsArticlePage.objects.live()
        .public()
        .child_of(index_page)
        .select_related("lead_image")
        .order_by("-published_on", "-id")
    )


def news_other(*, article: NewsArticlePage, limit: int) -> QuerySet[NewsArticlePage]:
    return (
        NewsArticlePage.objects.live()
        .public()
        .exclude(pk=article.pk)
        .order_by("-published_on", "-id")[:limit]
    )


def events_upcoming(*, limit: int) -> QuerySet[EventPage]:
    return (
        EventPage.objects.live()
        .public()
        .filter(starts_at__gte=timezone.now())
        .order_by("starts_at")[:limit]
    )


def events_in_index(index_page) -> QuerySet[EventPage]:
    return EventPage.objects.live().public().child_of(index_page).order_by("-starts_at")


def comments_published(*, article: NewsArticlePage) -> QuerySet[ReaderComment]:
    return article.comments.filter(status=ReaderComment.Status.APPROVED).order_by("created_at")


def documents_filtered(*, kind: str, year: str, query: str) -> QuerySet[OfficialDocument]:
    documents = OfficialDocument.objects.select_related("file")
    if kind in OfficialDocument.Kind.values:
        documents = documents.filter(kind=kind)
    if year.isdigit():
        documents = documents.filter(issued_on__year=int(year))
    if query:
        ids = [doc.pk for doc in get_search_backend().search(query, OfficialDocument)]
        documents = documents.filter(pk__in=ids)
    return documents


def document_years() -> list[int]:
    return sorted(
        {d.year for d in OfficialDocument.objects.dates("issued_on", "year")}, reverse=True
    )
