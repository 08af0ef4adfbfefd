from django.contrib import messages
from wagtail import hooks
from wagtail.admin.views.generic import CreateView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from api.models import ApiToken
from api.services import token_create, token_revoke


class TokenIndexView(IndexView):
    def get_base_queryset(self):
        # Each person manages their own tokens.
        return ApiToken.objects.filter(user=self.request.user)


class TokenCreateView(CreateView):
    def save_instance(self):
        token, key = token_create(
            user=self.request.user,
            name=self.form.cleaned_data["name"],
            scope=self.form.cleaned_data["scope"],
        )
        messages.warning(
            self.request,
            f"Mã truy cập mới: {key} — hãy lưu lại ngay, mã này sẽ không hiển thị lần nữa.",
        )
        return token


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
        from django.shortcuts import get_object_or_404, redirect
        from django.urls import path

        def revoke(request, pk: int):
            token = get_object_or_404(ApiToken, pk=pk, user=request.user)
            if request.method == "POST":
                token_revoke(token=token)
                messages.success(request, f"Đã thu hồi mã {token}.")
            return redirect(self.get_url_name("index"))

        return [*super().get_urlpatterns(), path("revoke/<int:pk>/", revoke, name="revoke")]


@hooks.register("register_admin_viewset")
def register_api_tokens():
    return ApiTokenViewSet()
