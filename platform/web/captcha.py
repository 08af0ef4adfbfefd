"""The anti-spam check (mã xác minh) of every public form: ALTCHA's proof of work
(django-altcha), self-hosted, no outside service.

- The page carries no challenge: the widget fetches one from `captcha_challenge` when
  the visitor uses the form, so a page from the page cache is the same for everyone
  and still every visitor solves a fresh challenge.
- A challenge is signed with a key of this union (derived from SECRET_KEY and the
  schema), so one solved on union A's site is worthless on union B's.
- A solved challenge is accepted once: the first use is recorded in the cache (keyed
  by schema) with an atomic add, and any later one is refused as a replay.
- Nothing readable in the page or the payload tells the answer; finding it takes the
  browser's work (about `CAPTCHA_MAX_NUMBER` / 2 hashes).
"""

import base64
import datetime as dt
import json

import altcha
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_altcha import AltchaField, AltchaWidget

CAPTCHA_FIELD = "altcha"
_EXPIRES = dt.timedelta(minutes=20)

# The widget's own words, in Vietnamese.
_WIDGET_STRINGS = {
    "label": "Tôi không phải là máy",
    "verifying": "Đang xác minh…",
    "verified": "Đã xác minh",
    "error": "Xác minh không thành công. Vui lòng thử lại.",
    "expired": "Mã xác minh đã hết hạn. Vui lòng thử lại.",
    "waitAlert": "Đang xác minh… vui lòng chờ.",
    "verificationRequired": "Vui lòng xác minh trước khi gửi.",
    "footer": "",
    "ariaLinkLabel": "",
}


def _union_key() -> str:
    """The signing key of this host's challenges: one per schema."""
    return salted_hmac("cms.captcha", connection.schema_name).hexdigest()


@never_cache
@require_GET
def captcha_challenge(request: HttpRequest) -> JsonResponse:
    """A fresh challenge for the widget; never cached, by the page cache or a browser."""
    challenge = altcha.create_challenge(
        altcha.ChallengeOptions(
            hmac_key=_union_key(),
            max_number=settings.CAPTCHA_MAX_NUMBER,
            expires=timezone.now() + _EXPIRES,
        )
    )
    return JsonResponse(challenge.to_dict())


class _ShownAltchaWidget(AltchaWidget):
    # django-altcha's widget is a hidden input, so forms would file its errors under
    # "hidden field altcha" or drop them; it is a visible field with a label here.
    is_hidden = False


class UnionCaptchaField(AltchaField):
    widget = _ShownAltchaWidget
    default_error_messages = {
        "error": "Không đọc được mã xác minh. Vui lòng thử lại.",
        "invalid": "Mã xác minh không đúng hoặc đã hết hạn. Vui lòng thử lại.",
        "required": "Vui lòng bấm «Tôi không phải là máy» trước khi gửi.",
        "replay": "Mã xác minh này đã được dùng. Vui lòng thử lại.",
    }

    def __init__(self, **kwargs):
        super().__init__(
            label="Xác minh",
            challengeurl=reverse("captcha-challenge"),
            strings=_WIDGET_STRINGS,
            hidefooter=True,
            hidelogo=True,
            **kwargs,
        )

    def validate(self, value: str) -> None:
        # django-altcha signs with one key for the whole site and checks replays with a
        # read then a write; here the key is the union's and the check is one atomic add.
        forms.Field.validate(self, value)
        try:
            verified, _error = altcha.verify_solution(
                payload=value, hmac_key=_union_key(), check_expires=True
            )
            challenge = json.loads(base64.b64decode(value))["challenge"]
        except (ValueError, TypeError, KeyError):
            raise forms.ValidationError(self.error_messages["error"], code="error") from None
        if not verified:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not cache.add(f"captcha:used:{challenge}", 1, timeout=_EXPIRES.total_seconds()):
            raise forms.ValidationError(self.error_messages["replay"], code="replay")


class CaptchaFormMixin(forms.Form):
    """Adds the check as the form's last field; `cleaned_data` then holds its payload,
    which is not part of what the visitor sent (see CAPTCHA_FIELD)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[CAPTCHA_FIELD] = UnionCaptchaField()
