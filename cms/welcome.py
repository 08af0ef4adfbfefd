"""The union admin's first-login wizard and the checklist of next steps.

On a new union's first visit to its admin, whoever may edit the site settings is
sent to a short wizard (site name, logo, colour, introduction); its answers go
to the site settings and the home page, then the admin home shows a checklist
ticked from the union's real data.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail.admin.ui.components import Component
from wagtail.images.fields import WagtailImageField
from wagtail.models import Site

from cms.models import UnionSiteSettings
from cms.themes import DEFAULT_THEME, THEME_CHOICES, THEMES
from lhh.web.schema_scope import in_public_schema
from lhh.web.upload_forms import image_field_in_vietnamese

WELCOME_PATH = "/admin/bat-dau/"
_PERMISSION = "cms.change_unionsitesettings"


class ThemeRadioSelect(forms.RadioSelect):
    """The presets as radio buttons, each with a swatch of its colours."""

    option_template_name = "cms/admin/theme_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["theme"] = next((t for t in THEMES if t.key == value), None)
        return option


class WelcomeForm(forms.Form):
    site_name = forms.CharField(
        label="Tên trang thông tin",
        max_length=255,
        error_messages={"required": "Cần nhập tên trang thông tin."},
    )
    logo = image_field_in_vietnamese(WagtailImageField(label="Biểu trưng (logo)", required=False))
    theme = forms.ChoiceField(
        label="Mẫu giao diện",
        choices=THEME_CHOICES,
        widget=ThemeRadioSelect,
        error_messages={
            "required": "Cần chọn một mẫu giao diện.",
            "invalid_choice": "Mẫu giao diện này không có; hãy chọn một trong các mẫu.",
        },
    )
    primary_colour = forms.CharField(
        label="Màu chủ đạo riêng",
        max_length=7,
        required=False,
        # The settings model's own rule, so the wizard and the settings form agree.
        validators=UnionSiteSettings._meta.get_field("primary_colour").validators,
        help_text="Không bắt buộc: để trống để dùng màu của mẫu giao diện (dạng #RRGGBB).",
        widget=forms.TextInput(attrs={"placeholder": "#0b5394", "size": 8}),
    )
    intro = forms.CharField(
        label="Lời giới thiệu",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Cần viết vài dòng giới thiệu Liên hiệp Hội."},
    )


def _site_settings(request: HttpRequest) -> UnionSiteSettings:
    # Kept on the request: the middleware, the view and the checklist each ask.
    return UnionSiteSettings.for_request(request)


def welcome_view(request: HttpRequest) -> HttpResponse:
    from cms.services import site_welcome_apply

    if in_public_schema() or not request.user.has_perm(_PERMISSION):
        raise PermissionDenied
    site = Site.find_for_request(request)
    form = WelcomeForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "site_name": site.site_name,
            "theme": _site_settings(request).theme or DEFAULT_THEME,
            "primary_colour": _site_settings(request).primary_colour,
        },
    )
    if request.method == "POST" and form.is_valid():
        site_welcome_apply(site=site, user=request.user, **form.cleaned_data)
        messages.success(request, "Đã lưu thông tin ban đầu của trang. Mời xem các bước tiếp theo.")
        return redirect("wagtailadmin_home")
    return TemplateResponse(
        request,
        "cms/admin/welcome.html",
        {"form": form, "page_title": "Bắt đầu với trang thông tin", "header_icon": "home"},
        status=400 if form.errors else 200,
    )


class WelcomeMiddleware:
    """Sends a new union's admin from the admin home to the wizard until it is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path == "/admin/"
            and request.method == "GET"
            and request.user.is_authenticated
            and not in_public_schema()
            and request.user.has_perm(_PERMISSION)
            and _site_settings(request).welcome_done_at is None
        ):
            return redirect(WELCOME_PATH)
        return self.get_response(request)


class ChecklistPanel(Component):
    """The admin home's "next steps", ticked from real data."""

    name = "welcome_checklist"
    order = 50
    template_name = "cms/admin/welcome_checklist.html"

    def get_context_data(self, parent_context):
        from cms.selectors import welcome_checklist

        request = parent_context["request"]
        items = welcome_checklist(site_settings=_site_settings(request))
        return {"items": items, "remaining": sum(not item["done"] for item in items)}
