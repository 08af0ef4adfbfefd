"""An offline captcha (mã bảo mật): a small sum, its answer signed into the form.

No outside service is called; the signature makes the answer tamper-proof and
the timestamp makes an old challenge expire.
"""

import secrets

from django import forms
from django.core import signing

# The salt keeps its first name: challenges already shown stay answerable across a deploy.
_SALT = "cms.captcha"
CAPTCHA_FIELDS = ("captcha_token", "captcha_answer")
_MAX_AGE_SECONDS = 2 * 60 * 60


def captcha_challenge() -> tuple[str, str]:
    """A question to show and a signed token that carries its answer."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return f"{a} + {b} = ?", signing.dumps(a + b, salt=_SALT)


def captcha_verify(token: str, answer: str) -> bool:
    try:
        expected = signing.loads(token, salt=_SALT, max_age=_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return False
    return answer.strip() == str(expected)


class CaptchaFormMixin(forms.Form):
    captcha_token = forms.CharField(widget=forms.HiddenInput)
    captcha_answer = forms.CharField(label="Mã bảo mật", max_length=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._new_challenge()

    def _new_challenge(self) -> None:
        question, token = captcha_challenge()
        self.fields["captcha_answer"].label = f"Mã bảo mật: {question}"
        self.fields["captcha_token"].initial = token
        self.captcha_question = question

    def clean(self):
        cleaned = super().clean()
        if not captcha_verify(cleaned.get("captcha_token", ""), cleaned.get("captcha_answer", "")):
            self.add_error("captcha_answer", "Mã bảo mật không đúng, vui lòng thử lại.")
        return cleaned

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self._errors:
            # Show a fresh challenge with the errors; the old one must not be reused.
            self.data = self.data.copy()
            self._new_challenge()
            self.data[self.add_prefix("captcha_token")] = self.fields["captcha_token"].initial
            self.data[self.add_prefix("captcha_answer")] = ""
            # Bound fields made before this point still carry the old question.
            self._bound_fields_cache.clear()
