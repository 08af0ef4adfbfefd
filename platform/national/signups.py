"""Console page: sign-up applications with approve/reject, and the sign-up policy."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from lhh.national.views import console_view
from tenants.models import OnboardingPolicy, SignupApplication
from tenants.onboarding import selectors, services


class PolicyForm(forms.ModelForm):
    class Meta:
        model = OnboardingPolicy
        fields = ["auto_approve", "auto_approve_domains", "several_unions_per_province"]
        widgets = {"auto_approve_domains": forms.Textarea(attrs={"rows": 3})}


def _may_decide(request: HttpRequest) -> None:
    if request.method != "POST" or not request.user.has_perm("tenants.change_signupapplication"):
        raise PermissionDenied


@console_view
def application_list(request: HttpRequest) -> HttpResponse:
    policy = OnboardingPolicy.load()
    form = PolicyForm(instance=policy)
    if request.method == "POST":
        _may_decide(request)
        form = PolicyForm(request.POST, instance=policy)
        if form.is_valid():
            form.save()
            messages.success(request, "Đã lưu quy định đăng ký.")
            return redirect("national_signups:list")
    context = {
        "applications": selectors.applications_for_console(),
        "policy_form": form,
        "may_decide": request.user.has_perm("tenants.change_signupapplication"),
    }
    return TemplateResponse(request, "national/console/signups.html", context)


@console_view
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _may_decide(request)
    application = get_object_or_404(SignupApplication, pk=pk)
    actor = request.user.get_username()
    try:
        if request.POST.get("decision") == "approve":
            services.signup_approve(application=application, actor=actor)
            messages.success(request, f"Đã duyệt {application.name}; trang đang được khởi tạo.")
        else:
            services.signup_reject(
                application=application, actor=actor, reason=request.POST.get("reason", "")
            )
            messages.success(request, f"Đã từ chối đơn của {application.name}.")
    except ValidationError as error:
        messages.error(request, f"{application.name}: {' '.join(error.messages)}")
    return redirect("national_signups:list")


urlpatterns = [
    path("", application_list, name="list"),
    path("<int:pk>/quyet-dinh/", application_decide, name="decide"),
]
