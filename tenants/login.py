"""The Wagtail admin login of every host (unions and the national console).

Two guards, both counting the client by `lhh.web.ratelimit.client_address`:
- django-axes locks an account from one client after `AXES_FAILURE_LIMIT` failures
  (its tables are in every schema, so a union's lockouts are its own);
- a cache rate limit per client and per account slows guessing spread over many
  accounts or many clients. The cache is keyed by schema, so each union counts its own.
Login names are compared as `login_name_key` folds them, so spaces or capitals around
a name do not escape either guard.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from wagtail.admin.views.account import LoginView

from lhh.web.ratelimit import login_name_key, rate_limited

LOGIN_PER_ADDRESS = 30
LOGIN_PER_NAME = 10

_login = LoginView.as_view()


def admin_login(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and (
        rate_limited(request, scope="login", limit=LOGIN_PER_ADDRESS)
        or rate_limited(
            request,
            scope="login-name",
            limit=LOGIN_PER_NAME,
            key=login_name_key(request.POST.get("username", "")),
        )
    ):
        return TemplateResponse(request, "cms/rate_limited.html", status=429)
    return _login(request)


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """The name django-axes records and locks (AXES_USERNAME_CALLABLE)."""
    if credentials and credentials.get("username") is not None:
        name = credentials["username"]
    else:
        name = request.POST.get("username", "")
    return login_name_key(str(name))


def axes_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """What a locked-out client sees (AXES_LOCKOUT_CALLABLE), in Vietnamese."""
    return render(request, "tenants/account_locked.html", status=429)
