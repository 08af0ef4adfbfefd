from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.admin_scope import UNION_ONLY_ADMIN_URLS
from cms.models import (
    Banner,
    EventRegistration,
    NewsCategory,
    OfficialDocument,
    PersonalDataBreach,
    PersonalDataRequest,
    ReaderComment,
    WebsiteLink,
)
from cms.services import comment_moderate
from lhh.web.downloads import attachment_disposition
from lhh.web.schema_scope import in_public_schema
from lhh.web.spreadsheet import SafeSnippetIndexView


class OfficialDocumentViewSet(SnippetViewSet):
    model = OfficialDocument
    icon = "doc-full"
    menu_label = "Văn bản"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["number", "kind", "issued_on", "issuing_body"]
    list_filter = ["kind"]
    search_fields = ["number", "abstract"]


class ReaderCommentViewSet(SnippetViewSet):
    """The moderation queue: newest first, pending ones filtered by default in the menu link."""

    model = ReaderComment
    icon = "comment"
    menu_label = "Ý kiến bạn đọc"
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "body", "article", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "body"]
    inspect_view_enabled = True

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("moderate/<int:pk>/<str:decision>/", self.moderate, name="moderate"),
        ]

    def moderate(self, request, pk: int, decision: str):
        if decision not in {"approve", "reject"}:
            raise Http404
        if not request.user.has_perm("cms.change_readercomment"):
            raise PermissionDenied
        comment = get_object_or_404(ReaderComment, pk=pk)
        if request.method == "POST":
            comment_moderate(comment=comment, approve=decision == "approve")
            messages.success(request, f"Đã cập nhật ý kiến của {comment.name}.")
            return redirect(self.get_url_name("list"))
        return TemplateResponse(
            request,
            "cms/admin/comment_moderate.html",
            {"comment": comment, "approve": decision == "approve", "header_icon": "comment"},
        )


class NewsCategoryViewSet(SnippetViewSet):
    model = NewsCategory
    icon = "folder-open-inverse"
    menu_label = "Chuyên mục tin"


class BannerViewSet(SnippetViewSet):
    model = Banner
    icon = "image"
    menu_label = "Băng rôn"
    list_display = ["title", "is_active", "sort_order"]


class WebsiteLinkViewSet(SnippetViewSet):
    model = WebsiteLink
    icon = "link"
    menu_label = "Liên kết website"
    list_display = ["title", "url", "placement"]


class EventRegistrationViewSet(SnippetViewSet):
    """Who registered for which event; registrations arrive from the site only."""

    model = EventRegistration
    icon = "group"
    menu_label = "Đăng ký sự kiện"
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["name", "organisation", "email", "phone", "event", "created_at"]
    list_filter = ["event"]
    search_fields = ["name", "email", "organisation"]
    list_export = ["name", "organisation", "email", "phone", "event", "created_at"]
    export_filename = "dang-ky-su-kien"
    # Names and organisations come from anonymous visitors.
    index_view_class = SafeSnippetIndexView


class SiteFurnitureGroup(SnippetViewSetGroup):
    items = (NewsCategoryViewSet, BannerViewSet, WebsiteLinkViewSet)
    menu_icon = "cogs"
    menu_label = "Giao diện trang"
    menu_name = "giao-dien-trang"
    menu_order = 240


class PersonalDataRequestViewSet(SnippetViewSet):
    """People's requests to see or erase their data, with their deadlines; "Thực hiện"
    carries one out (cms.personal_data)."""

    model = PersonalDataRequest
    icon = "user"
    menu_label = "Yêu cầu của chủ thể dữ liệu"
    list_display = ["kind", "email", "received_at", "due_at", "completed_at"]
    list_filter = ["kind"]
    search_fields = ["email"]
    form_fields = ["kind", "email", "note", "received_at", "due_at"]
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("carry-out/<int:pk>/", self.carry_out, name="carry_out"),
        ]

    def carry_out(self, request, pk: int):
        from django.http import JsonResponse

        from cms.personal_data import personal_data_request_complete

        if not request.user.has_perm("cms.change_personaldatarequest"):
            raise PermissionDenied
        data_request = get_object_or_404(PersonalDataRequest, pk=pk)
        if request.method != "POST":
            return redirect(self.get_url_name("list"))
        data_request = personal_data_request_complete(request=data_request)
        if data_request.kind == PersonalDataRequest.Kind.EXPORT:
            response = JsonResponse(data_request.summary, json_dumps_params={"ensure_ascii": False})
            response["Content-Disposition"] = attachment_disposition(
                f"du-lieu-ca-nhan-{data_request.pk}.json"
            )
            return response
        messages.success(request, f"Đã xóa dữ liệu của {data_request.email}.")
        return redirect(self.get_url_name("list"))


class PersonalDataBreachViewSet(SnippetViewSet):
    model = PersonalDataBreach
    icon = "warning"
    menu_label = "Sổ theo dõi vi phạm"
    list_display = ["discovered_at", "description", "people_affected", "authority_notified_at"]


class PersonalDataGroup(SnippetViewSetGroup):
    items = (PersonalDataRequestViewSet, PersonalDataBreachViewSet)
    menu_icon = "lock"
    menu_label = "Dữ liệu cá nhân"
    menu_name = "du-lieu-ca-nhan"
    menu_order = 250


register_snippet(OfficialDocumentViewSet)
register_snippet(EventRegistrationViewSet)
register_snippet(SiteFurnitureGroup)
register_snippet(PersonalDataGroup)
comment_viewset = ReaderCommentViewSet()
register_snippet(comment_viewset)


@hooks.register("register_snippet_listing_buttons")
def personal_data_request_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, PersonalDataRequest) or snippet.completed_at is not None:
        return []
    return [
        ListingButton(
            "Thực hiện",
            reverse("wagtailsnippets_cms_personaldatarequest:carry_out", args=[snippet.pk]),
            attrs={"data-carry-out": str(snippet.pk)},
            priority=5,
        )
    ]


@hooks.register("register_snippet_listing_buttons")
def comment_moderation_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, ReaderComment) or snippet.status != ReaderComment.Status.PENDING:
        return []
    url_name = comment_viewset.get_url_name("moderate")
    return [
        ListingButton(
            "Duyệt",
            reverse(url_name, args=[snippet.pk, "approve"]),
            attrs={"data-moderate": "approve"},
            priority=5,
        ),
        ListingButton(
            "Từ chối",
            reverse(url_name, args=[snippet.pk, "reject"]),
            attrs={"data-moderate": "reject"},
            priority=6,
        ),
    ]


# The national admin runs in public, where a union's tables do not exist.
_UNION_ONLY_URLS = UNION_ONLY_ADMIN_URLS
_UNION_ONLY_GROUPS = {"giao-dien-trang", "ho-so-hoat-dong", "du-lieu-ca-nhan"}


def _union_only(item) -> bool:
    return item.name in _UNION_ONLY_GROUPS or (item.url or "").startswith(_UNION_ONLY_URLS)


@hooks.register("construct_main_menu")
def hide_union_menus_on_national_host(request, menu_items):
    if in_public_schema():
        menu_items[:] = [item for item in menu_items if not _union_only(item)]


@hooks.register("construct_settings_menu")
def hide_union_settings_on_national_host(request, menu_items):
    if in_public_schema():
        menu_items[:] = [item for item in menu_items if not _union_only(item)]


@hooks.register("register_admin_urls")
def _welcome_urls():
    from cms.welcome import welcome_view

    return [path("bat-dau/", welcome_view, name="cms_welcome")]


def _site_columns_labelled() -> None:
    """Wagtail's list of sites heads three columns with the bare field names ("Port",
    "Site name", "Root page"), which no catalogue translates: give them the fields' own
    (translated) names, as its other lists have."""
    from django.utils.text import capfirst
    from wagtail.models import Site
    from wagtail.sites.views import IndexView

    for column in IndexView.columns:
        if column.name in {"port", "site_name", "root_page"}:
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)


_site_columns_labelled()


@hooks.register("register_admin_urls")
def _english_urls():
    from cms.views import page_english

    return [path("ban-tieng-anh/<int:page_id>/", page_english, name="cms_page_english")]


@hooks.register("register_page_header_buttons")
def english_version_button(page, user, view_name=None, next_url=None):
    """ "Bản tiếng Anh" on a union's Vietnamese pages, for whoever may edit them."""
    from django.conf import settings
    from wagtail.admin.widgets import Button

    if (
        in_public_schema()
        or page.depth < 2
        or page.locale.language_code != settings.LANGUAGE_CODE
        or not page.permissions_for_user(user).can_edit()
    ):
        return []
    return [
        Button(
            "Bản tiếng Anh",
            reverse("cms_page_english", args=[page.pk]),
            icon_name="globe",
            attrs={"data-english-version": ""},
            priority=80,
        )
    ]


@hooks.register("construct_homepage_panels")
def _welcome_checklist(request, panels) -> None:
    from cms.welcome import ChecklistPanel

    if not in_public_schema():
        panels.insert(0, ChecklistPanel())


@hooks.register("construct_help_menu")
def _no_wagtail_release_notes(request, menu_items) -> None:
    # An English page about Wagtail's releases, on a site no union staff member upgrades.
    menu_items[:] = [item for item in menu_items if not item.name.startswith("whats-new-in-")]
