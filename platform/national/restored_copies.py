"""Console page: restored copies awaiting national staff's decision.

`union_restore … --as <copy>` brings a union back beside its original, suspended and
out of the national figures (`review_pending`). Here national staff make it live
(only if its province is free), archive it, or go on to delete it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from lhh.national.models import AuditEntry
from lhh.national.views import console_view
from tenants.lifecycle import restored_copy_decide
from tenants.models import Union
from tenants.selectors import restored_copies


@console_view
def copy_list(request: HttpRequest) -> HttpResponse:
    copies = restored_copies()
    restored = {
        entry.union_id: entry
        for entry in AuditEntry.objects.filter(union__in=copies, action="restored").order_by("at")
    }
    rows = [(copy, restored.get(copy.pk)) for copy in copies]
    return TemplateResponse(
        request,
        "national/console/restored_copies.html",
        {
            "awaiting": [row for row in rows if row[0].status == Union.Status.SUSPENDED],
            "archived": [row for row in rows if row[0].status != Union.Status.SUSPENDED],
        },
    )


@console_view
def copy_decide(request: HttpRequest, schema_name: str) -> HttpResponse:
    if request.method != "POST" or not request.user.has_perm("tenants.change_union"):
        raise PermissionDenied
    # Only a copy awaiting a decision: any other union is not this page's to change.
    union = get_object_or_404(
        Union, schema_name=schema_name, kind=Union.Kind.PROVINCIAL, review_pending=True
    )
    activate = request.POST.get("decision") == "activate"
    try:
        restored_copy_decide(
            union=union,
            activate=activate,
            actor=request.user.get_username(),
            reason=request.POST.get("reason", "").strip()[:500],
        )
        messages.success(
            request,
            f"Đã kích hoạt {union.name}; số liệu và tin bài sẽ được tính vào toàn quốc."
            if activate
            else f"Đã lưu trữ bản khôi phục {union.name}.",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("national_copies:list")


urlpatterns = [
    path("", copy_list, name="list"),
    path("<str:schema_name>/quyet-dinh/", copy_decide, name="decide"),
]
