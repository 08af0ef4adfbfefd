"""The sign-up pages, on the national host only (404 on every union host)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_GET

from lhh.web.captcha import CAPTCHA_FIELD
from lhh.web.ratelimit import rate_limited
from lhh.web.schema_scope import national_only
from tenants.models import SignupApplication
from tenants.onboarding import selectors, services
from tenants.onboarding.forms import SignupForm

# Per client address and per e-mail address, in a 10-minute window (lhh.web.ratelimit).
SIGNUP_PER_ADDRESS = 10
SIGNUP_PER_EMAIL = 3
VERIFY_PER_ADDRESS = 20
RESEND_PER_EMAIL = 3
CHECKS_PER_ADDRESS = 300


def _too_many(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "cms/rate_limited.html", status=429)


@national_only
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if rate_limited(request, scope="signup", limit=SIGNUP_PER_ADDRESS):
            return _too_many(request)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != CAPTCHA_FIELD}
            if rate_limited(
                request, scope="signup-email", limit=SIGNUP_PER_EMAIL, key=data["email"]
            ):
                return _too_many(request)
            try:
                application = services.signup_submit(**data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("onboarding:progress", public_id=application.public_id)
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request, "tenants/onboarding/signup.html", {"form": form}, status=status
    )


@national_only
@require_GET
def subdomain_availability(request: HttpRequest) -> JsonResponse:
    """The live check behind the sign-up form; the form checks again on submit."""
    if rate_limited(request, scope="signup-check", limit=CHECKS_PER_ADDRESS):
        return JsonResponse({"available": False, "message": "Bạn kiểm tra quá nhanh."}, status=429)
    name = request.GET.get("ten", "").strip().lower()
    try:
        selectors.subdomain_check(name)
    except ValidationError as error:
        return JsonResponse({"available": False, "message": " ".join(error.messages)})
    host = selectors.union_url(name).split("//", 1)[1].rstrip("/")
    return JsonResponse({"available": True, "message": f"{host} chưa có ai sử dụng."})


@national_only
def verify(request: HttpRequest, token: str) -> HttpResponse:
    if rate_limited(request, scope="signup-verify", limit=VERIFY_PER_ADDRESS):
        return _too_many(request)
    # A GET only shows a button: mail scanners that open links must not use the token.
    if request.method != "POST":
        return TemplateResponse(request, "tenants/onboarding/verify.html", {"token": token})
    try:
        application = services.signup_verify(token=token)
    except ValidationError as error:
        return TemplateResponse(
            request, "tenants/onboarding/verify.html", {"error": error.messages[0]}, status=400
        )
    return redirect("onboarding:progress", public_id=application.public_id)


@national_only
def progress(request: HttpRequest, public_id: str) -> HttpResponse:
    application = get_object_or_404(SignupApplication, public_id=public_id)
    context = {"application": application, "progress": selectors.application_progress(application)}
    if request.method == "POST":
        # "Send the verification e-mail again"
        if rate_limited(request, scope="signup-verify", limit=VERIFY_PER_ADDRESS) or rate_limited(
            request, scope="signup-resend", limit=RESEND_PER_EMAIL, key=application.email
        ):
            return _too_many(request)
        try:
            services.verification_resend(application=application)
            context["resent"] = True
        except ValidationError as error:
            context["error"] = error.messages[0]
    return TemplateResponse(request, "tenants/onboarding/progress.html", context)


@national_only
@require_GET
def progress_status(request: HttpRequest, public_id: str) -> JsonResponse:
    application = get_object_or_404(SignupApplication, public_id=public_id)
    return JsonResponse(selectors.application_progress(application))


urlpatterns = [
    path("", signup, name="signup"),
    path("kiem-tra-ten-mien/", subdomain_availability, name="subdomain_availability"),
    path("xac-minh/<str:token>/", verify, name="verify"),
    path("tien-do/<uuid:public_id>/", progress, name="progress"),
    path("tien-do/<uuid:public_id>/trang-thai.json", progress_status, name="progress_status"),
]
