"""Reads of a union's site content, in the current union's schema."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from cms.models import (
    Banner,
    EventPage,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
    OfficialDocument,
    ReaderComment,
    WebsiteLink,
)
from lhh.web.search import fold


def news_latest(*, limit: int, excluding: list[int] | None = None) -> QuerySet[NewsArticlePage]:
    return (
        NewsArticlePage.objects.live()
        .public()
        .exclude(pk__in=excluding or [])
        .select_related("lead_image")
        .order_by("-published_on", "-id")[:limit]
    )


def news_in_index(index_page, *, category: str = "", tag: str = "") -> QuerySet[NewsArticlePage]:
    articles = (
        NewsArticlePage.objects.live()
        .public()
        .child_of(index_page)
        .select_related("lead_image", "category")
        .order_by("-published_on", "-id")
    )
    if category:
        articles = articles.filter(category__slug=category)
    if tag:
        articles = articles.filter(tags__slug=tag)
    return articles


def news_categories() -> list[NewsCategory]:
    """The news sections, in the union's order (the news page's section links)."""
    return list(NewsCategory.objects.only("name", "slug"))


def news_featured(*, limit: int) -> QuerySet[NewsArticlePage]:
    return (
        NewsArticlePage.objects.live()
        .public()
        .filter(is_featured=True)
        .select_related("lead_image")
        .order_by("-published_on", "-id")[:limit]
    )


def news_by_category(*, per_category: int) -> list[tuple[NewsCategory, list[NewsArticlePage]]]:
    """The newest articles of each category, in two queries whatever the number of categories."""
    categories = list(NewsCategory.objects.all())
    articles = (
        NewsArticlePage.objects.live()
        .public()
        .filter(category__in=categories)
        .order_by("-published_on", "-id")
        .only("title", "url_path", "published_on", "category_id", "path", "depth")
    )
    grouped: dict[int, list[NewsArticlePage]] = {c.pk: [] for c in categories}
    for article in articles:
        if len(grouped[article.category_id]) < per_category:
            grouped[article.category_id].append(article)
    return [(c, grouped[c.pk]) for c in categories if grouped[c.pk]]


def news_related(*, article: NewsArticlePage, limit: int) -> QuerySet[NewsArticlePage]:
    if article.category_id is None:
        return NewsArticlePage.objects.none()
    return (
        NewsArticlePage.objects.live()
        .public()
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)
        .order_by("-published_on", "-id")[:limit]
    )


def news_neighbours(
    *, article: NewsArticlePage
) -> tuple[NewsArticlePage | None, NewsArticlePage | None]:
    """The previous (older) and next (newer) article among the article's siblings."""
    siblings = NewsArticlePage.objects.live().public().sibling_of(article, inclusive=False)
    older = (
        siblings.filter(
            Q(published_on__lt=article.published_on)
            | Q(published_on=article.published_on, pk__lt=article.pk)
        )
        .order_by("-published_on", "-id")
        .first()
    )
    newer = (
        siblings.filter(
            Q(published_on__gt=article.published_on)
            | Q(published_on=article.published_on, pk__gt=article.pk)
        )
        .order_by("published_on", "id")
        .first()
    )
    return older, newer


def banners_active() -> QuerySet[Banner]:
    return Banner.objects.filter(is_active=True).select_related("image")


def links_quick() -> QuerySet[WebsiteLink]:
    return WebsiteLink.objects.filter(placement=WebsiteLink.Placement.QUICK)


def links_footer() -> QuerySet[WebsiteLink]:
    return WebsiteLink.objects.filter(placement=WebsiteLink.Placement.FOOTER)


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
        # A year no date can have (0, 10000, twenty digits) lists nothing, not an error.
        number = int(year) if len(year) <= 4 else 0
        documents = (
            documents.filter(issued_on__year=number) if 1 <= number <= 9999 else documents.none()
        )
    if query:
        # A number such as "156/BC-LHH" is matched as typed: the full-text parser would
        # split it into pieces that also match other documents' numbers.
        ids = [
            doc.pk
            for doc in get_search_backend().search(fold(query), OfficialDocument, operator="and")
        ]
        documents = documents.filter(Q(pk__in=ids) | Q(number__icontains=query.strip()))
    return documents


def document_years() -> list[int]:
    return sorted(
        {d.year for d in OfficialDocument.objects.dates("issued_on", "year")}, reverse=True
    )


def site_search_results(query: str):
    """Live public pages of the current union matching `query` (Wagtail's database backend)."""
    # Folded like the indexed text, so accents and case do not matter; every word must match.
    return Page.objects.live().public().specific().search(fold(query), operator="and")


def welcome_checklist(*, site_settings) -> list[dict]:
    """Next steps after the first-login wizard, each ticked from the union's real data."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from cms.nukeviet.models import NukeVietImport
    from cms.records.models import MemberOrganisation, ReportingPeriod

    return [
        {
            "label": "Tải biểu trưng và chọn màu chủ đạo",
            "done": site_settings.logo_id is not None,
            "url": f"/admin/settings/cms/unionsitesettings/{site_settings.site_id}/",
        },
        {
            "label": "Nhập từ trang NukeViet cũ (bài, văn bản, ảnh; giữ địa chỉ cũ)",
            "done": NukeVietImport.objects.filter(status=NukeVietImport.Status.DONE).exists(),
            "url": "/admin/nhap-nukeviet/",
        },
        {
            "label": "Đăng tin tức đầu tiên",
            "done": NewsArticlePage.objects.live().exists(),
            "url": "/admin/pages/",
        },
        {
            "label": "Thêm các tổ chức thành viên",
            "done": MemberOrganisation.objects.exists(),
            "url": "/admin/records/memberorganisation/",
        },
        {
            "label": "Mở kỳ báo cáo đầu tiên",
            "done": ReportingPeriod.objects.exists(),
            "url": "/admin/records/reportingperiod/",
        },
        {
            "label": "Mời cán bộ cùng quản trị trang",
            "done": get_user_model().objects.filter(is_active=True).count() > 1,
            "url": reverse("wagtailusers_users:add"),
        },
    ]


def menu_tree(root) -> list[tuple[Page, list[Page]]]:
    """The site's two menu levels: pages under `root` shown in menus, each with its own.

    Two queries whatever the number of sections.
    """
    top = list(root.get_children().live().public().in_menu())
    if not top:
        return []
    below: dict[str, list[Page]] = {item.path: [] for item in top}
    under_top = Q()
    for item in top:
        under_top |= Q(path__startswith=item.path)
    second = (
        Page.objects.live()
        .public()
        .in_menu()
        .filter(under_top, depth=root.depth + 2)
        .order_by("path")
    )
    for page in second:
        below[page.path[: -Page.steplen]].append(page)
    return [(item, below[item.path]) for item in top]


def section_children(section) -> list[Page]:
    """Live pages under a section page, in their menu order, with their own summaries."""
    return list(section.get_children().live().public().specific())


def news_index_main() -> NewsIndexPage | None:
    return NewsIndexPage.objects.live().public().order_by("path").first()
