from django.utils import timezone

from api.models import ApiToken, token_hash


def token_create(*, user, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token and its key. The key is shown once and only its hash is kept."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, scope=scope, prefix=key[:12], key_hash=token_hash(key)
    )
    return token, key


def token_revoke(*, token: ApiToken) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token
