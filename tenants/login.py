"""The Wagtail admin login of every host, behind a rate limit per address and per login name.

The cache is keyed by schema, so each union (and the national host) counts its own.
"""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from wagtail.admin.views.account import LoginView

from lhh.web.ratelimit import rate_limited

LOGIN_PER_ADDRESS = 30
LOGIN_PER_NAME = 10

_login = LoginView.as_view()


def admin_login(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and (
        rate_limited(request, scope="login", limit=LOGIN_PER_ADDRESS)
        or rate_limited(
            request, scope="login-name", limit=LOGIN_PER_NAME, key=request.POST.get("username", "")
        )
    ):
        return TemplateResponse(request, "cms/rate_limited.html", status=429)
    return _login(request)
