"""The union admin's "Tên miền riêng" (Cài đặt): add a domain, prove it, remove it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_POST

from cms.roles import UNION_ADMIN
from lhh.web.ratelimit import rate_limited
from lhh.web.schema_scope import in_public_schema
from tenants import domains
from tenants.models import DomainClaim, Union

# Each check reaches out to the Internet for a few seconds: a union's admins get a
# handful a minute, enough to retry after fixing a record.
CHECKS_PER_MINUTE = 6


def may_manage(request: HttpRequest) -> bool:
    user = request.user
    return not in_public_schema() and (
        user.is_superuser or user.groups.filter(name=UNION_ADMIN).exists()
    )


def _union(request: HttpRequest) -> Union:
    if in_public_schema():
        raise Http404  # the national host has no own domains of a union to manage
    if not may_manage(request):
        raise PermissionDenied
    union = connection.tenant
    assert isinstance(union, Union)
    return union


class DomainForm(forms.Form):
    domain = forms.CharField(
        label="Tên miền",
        max_length=300,
        help_text="Ví dụ: lienhiephoithanhhoa.vn (không gồm http:// hay đường dẫn).",
        error_messages={"required": "Cần nhập tên miền."},
    )


def _claim_or_404(union: Union, claim_id: int) -> DomainClaim:
    # Only this union's claims: another union's id is "not found", never "forbidden".
    claim = DomainClaim.objects.filter(pk=claim_id, union=union).first()
    if claim is None:
        raise Http404
    return claim


def domain_list(request: HttpRequest) -> HttpResponse:
    union = _union(request)
    form = DomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domains.domain_claim_add(
                union=union,
                domain=form.cleaned_data["domain"],
                requested_by=request.user.get_username(),
            )
        except ValidationError as exc:
            form.add_error("domain", exc)
        else:
            messages.success(request, "Đã thêm tên miền; hãy làm theo hướng dẫn để xác minh.")
            return redirect("own_domains:list")
    return TemplateResponse(
        request,
        "tenants/domains/list.html",
        {
            "form": form,
            "claims": domains.domain_claims(union),
            "txt_prefix": domains.TXT_PREFIX,
            "file_path": domains.FILE_PATH,
            "header_title": "Tên miền riêng",
        },
        status=400 if form.errors else 200,
    )


@require_POST
def domain_verify(request: HttpRequest, claim_id: int) -> HttpResponse:
    union = _union(request)
    claim = _claim_or_404(union, claim_id)
    if rate_limited(request, scope="own-domain-check", limit=CHECKS_PER_MINUTE, key=str(union.pk)):
        messages.error(request, "Đã kiểm tra quá nhiều lần trong một phút; hãy thử lại sau.")
        return redirect("own_domains:list")
    try:
        domains.domain_claim_verify(
            union=union, claim_id=claim.pk, method=request.POST.get("method", "")
        )
    except ValidationError as exc:
        messages.error(request, f"Chưa xác minh được {claim.domain}: {' '.join(exc.messages)}")
    else:
        messages.success(
            request,
            f"Đã xác minh {claim.domain}. Khi tên miền trỏ về nền tảng, trang của Liên hiệp Hội "
            "sẽ hiện ở địa chỉ này; chứng chỉ HTTPS được cấp tự động sau ít phút.",
        )
    return redirect("own_domains:list")


@require_POST
def domain_remove(request: HttpRequest, claim_id: int) -> HttpResponse:
    union = _union(request)
    claim = _claim_or_404(union, claim_id)
    domains.domain_claim_remove(union=union, claim_id=claim.pk)
    messages.success(request, f"Đã xoá tên miền {claim.domain}.")
    return redirect("own_domains:list")


urlpatterns = [
    path("", domain_list, name="list"),
    path("<int:claim_id>/xac-minh/", domain_verify, name="verify"),
    path("<int:claim_id>/xoa/", domain_remove, name="remove"),
]
