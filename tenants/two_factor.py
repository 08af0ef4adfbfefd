"""Two-step login (xác thực hai bước) for every admin: a TOTP app code after the password,
with single-use recovery codes (django-otp, no outside service).

- Any union admin may switch it on; national staff (users of the public schema) must:
  until they have, the console only offers them the set-up page.
- django-otp's tables are in every schema, beside the users, so a device of union A is
  unknown to union B (the same login name there is another person).
- A session that has passed the password but not the code is anonymous everywhere but
  the two-step pages: the admin, the API over the session and the site see no one.
"""

import base64
import io
from collections.abc import Callable
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
_TOTP_NAME = "Ứng dụng xác thực"
_RECOVERY_NAME = "Mã dự phòng"
_SESSION_RECOVERY = "two_factor_new_codes"


def two_factor_required(user) -> bool:
    """National staff must use it; a union's admins may."""
    return connection.schema_name == settings.PUBLIC_SCHEMA_NAME and user.is_authenticated


def _needs_code(user) -> bool:
    if not user.is_authenticated or user.is_verified():
        return False
    return two_factor_required(user) or user_has_device(user, confirmed=True)


class TwoFactorMiddleware:
    """After django-otp's middleware: a session past the password only reaches the
    two-step pages (and logout); elsewhere in the admin it is sent there, and anywhere
    else it is nobody."""

    _OPEN = ("/admin/xac-thuc-2-buoc/", "/admin/logout/", "/admin/login/", "/static/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie no one is signed in; asking request.user would touch
        # the session and mark every anonymous page "Vary: Cookie", out of the page cache.
        if (
            settings.SESSION_COOKIE_NAME not in request.COOKIES
            or request.path.startswith(self._OPEN)
            or not _needs_code(request.user)
        ):
            return self.get_response(request)
        if request.path.startswith("/admin/"):
            has_device = user_has_device(request.user, confirmed=True)
            target = reverse("two-factor-verify" if has_device else "two-factor-setup")
            return redirect(f"{target}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
        request.user = AnonymousUser()
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        error_messages={"required": "Vui lòng nhập mã."},
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/admin/"


def _login_required(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"/admin/login/?{urlencode({REDIRECT_FIELD_NAME: request.path})}")
    return None


def verify(request: HttpRequest) -> HttpResponse:
    """The code after the password: from the app, or one recovery code."""
    if (refused := _login_required(request)) is not None:
        return refused
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Each device keeps its own failure count and slows down guessing (django-otp);
        # the devices are locked while checked, so a code cannot be used twice at once.
        with transaction.atomic():
            matched = next(
                (
                    device
                    for device in devices_for_user(request.user, confirmed=True, for_verify=True)
                    if device.verify_token(form.cleaned_data["code"])
                ),
                None,
            )
        if matched is not None:
            otp_login(request, matched)
            return redirect(_next_url(request))
        form.add_error("code", "Mã không đúng hoặc đã hết hạn. Vui lòng thử lại.")
    return TemplateResponse(
        request,
        "tenants/two_factor/verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.is_bound else 200,
    )


def _qr_data_uri(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@transaction.atomic
def _recovery_codes_issue(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=_RECOVERY_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def setup(request: HttpRequest) -> HttpResponse:
    """Switch two-step login on (or renew the app's key): scan, type the first code, then
    keep the recovery codes, shown this once."""
    if (refused := _login_required(request)) is not None:
        return refused
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        # Changing the key takes the current second step first.
        return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': request.path})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_TOTP_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _recovery_codes_issue(request.user)
            otp_login(request, device)
            request.session[_SESSION_RECOVERY] = codes
            return redirect("two-factor-recovery")
        form.add_error("code", "Mã không đúng. Hãy nhập mã đang hiện trong ứng dụng.")
    secret = base64.b32encode(device.bin_key).decode()
    return TemplateResponse(
        request,
        "tenants/two_factor/setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr": _qr_data_uri(device.config_url),
            "required": two_factor_required(request.user),
            "enabled": user_has_device(request.user, confirmed=True),
        },
        status=400 if form.is_bound else 200,
    )


def recovery(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, once: read from the session and forgotten there."""
    if (refused := _login_required(request)) is not None:
        return refused
    codes = request.session.pop(_SESSION_RECOVERY, None)
    if codes is None:
        return redirect("/admin/")
    response = TemplateResponse(request, "tenants/two_factor/recovery.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("admin/xac-thuc-2-buoc/", verify, name="two-factor-verify"),
    path("admin/xac-thuc-2-buoc/thiet-lap/", setup, name="two-factor-setup"),
    path("admin/xac-thuc-2-buoc/ma-du-phong/", recovery, name="two-factor-recovery"),
]


def totp_issuer(device: TOTPDevice) -> str:
    """The name an authenticator app shows beside the code: the site it is for."""
    return f"Liên hiệp Hội Cloud ({connection.schema_name})"
