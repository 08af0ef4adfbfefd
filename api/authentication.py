from django.utils import timezone
from rest_framework import authentication, exceptions

from api.models import ApiToken, token_hash


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>`, looked up in the current schema only."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] not in {self.keyword, "Token"}:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Mã truy cập không hợp lệ.")
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=token_hash(header[1]), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
        if (
            token.last_used_at is None
            or (timezone.now() - token.last_used_at).total_seconds() > 300
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
