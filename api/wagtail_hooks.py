from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.views.generic import CreateView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from api.models import ApiToken
from api.services import token_create, token_revoke


class TokenIndexView(IndexView):
    def get_base_queryset(self):
        # Each person manages their own tokens.
        return ApiToken.objects.filter(user=self.request.user)


# The new key waits in the server-side session (never in the readable messages cookie)
# until the one-time page takes it out.
_NEW_KEY_SESSION = "api_token_new_key"


class TokenCreateView(CreateView):
    def save_instance(self):
        token, key = token_create(
            user=self.request.user,
            name=self.form.cleaned_data["name"],
            scope=self.form.cleaned_data["scope"],
        )
        self.request.session[_NEW_KEY_SESSION] = {"token": token.pk, "key": key}
        return token

    def get_success_url(self):
        return reverse("api_tokens:shown", args=[self.object.pk])

    def get_success_message(self, instance):
        return None


def token_shown(request: HttpRequest, pk: int) -> HttpResponse:
    """The new key, once, to the person who made it; then it is gone from the server."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    pending = request.session.get(_NEW_KEY_SESSION)
    key = None
    if pending and pending["token"] == token.pk:
        key = request.session.pop(_NEW_KEY_SESSION)["key"]
    response = TemplateResponse(request, "api/token_shown.html", {"token": token, "key": key})
    response["Cache-Control"] = "no-store"
    return response


class ApiTokenViewSet(ModelViewSet):
    model = ApiToken
    icon = "key"
    menu_label = "Mã truy cập API"
    menu_order = 900
    add_to_settings_menu = True
    form_fields = ["name", "scope"]
    list_display = ["name", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    index_view_class = TokenIndexView
    add_view_class = TokenCreateView
    edit_view_enabled = False
    copy_view_enabled = False
    inspect_view_enabled = False
    url_prefix = "api-tokens"
    name = "api_tokens"

    def get_urlpatterns(self):
        from django.shortcuts import redirect
        from django.urls import path

        def revoke(request, pk: int):
            token = get_object_or_404(ApiToken, pk=pk, user=request.user)
            if request.method == "POST":
                token_revoke(token=token)
                messages.success(request, f"Đã thu hồi mã {token}.")
            return redirect(self.get_url_name("index"))

        return [
            *super().get_urlpatterns(),
            path("revoke/<int:pk>/", revoke, name="revoke"),
            path("shown/<int:pk>/", token_shown, name="shown"),
        ]


@hooks.register("register_admin_viewset")
def register_api_tokens():
    return ApiTokenViewSet()
