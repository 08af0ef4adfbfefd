"""Sign-up work in the background: e-mails, the creation of a union, the reconciler.

All of it runs in public (NationalTask); the welcome e-mail enters the new union's
schema only to make its administrator's set-password token.
"""

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import schema_context

from lhh.celery import NationalTask, app
from tenants.models import SignupApplication
from tenants.onboarding import reconciler, services
from tenants.onboarding.selectors import national_url, union_url


def _mail(application: SignupApplication, template: str, subject: str, **context) -> None:
    body = render_to_string(
        f"tenants/onboarding/mail/{template}", {"application": application, **context}
    )
    send_mail(subject, body, None, [application.email])


@app.task(base=NationalTask)
def signup_verification_send(application_id: int) -> None:
    application = SignupApplication.objects.get(pk=application_id)
    if application.status != SignupApplication.Status.UNVERIFIED:
        return
    token = services.verification_token_issue(application=application)
    _mail(
        application,
        "verify.txt",
        "Xác minh đăng ký trang Liên hiệp Hội",
        verify_url=national_url(f"/dang-ky/xac-minh/{token}/"),
        progress_url=national_url(f"/dang-ky/tien-do/{application.public_id}/"),
        hours=int(services.VERIFICATION_TTL.total_seconds() // 3600),
    )


@app.task(base=NationalTask)
def signup_provision_run(application_id: int) -> None:
    services.signup_provision(application_id=application_id)


@app.task(base=NationalTask)
def signup_welcome_send(application_id: int) -> None:
    """The new administrator's login, with a set-password link and no password."""
    from django.contrib.auth import get_user_model

    application = SignupApplication.objects.get(pk=application_id)
    with schema_context(application.subdomain):
        user = get_user_model().objects.get(username=application.email)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
    _mail(
        application,
        "welcome.txt",
        f"Trang {application.short_name or application.name} đã hoạt động",
        site_url=union_url(application.subdomain),
        admin_url=union_url(application.subdomain, "/admin/"),
        set_password_url=union_url(
            application.subdomain, f"/admin/password_reset/confirm/{uid}/{token}/"
        ),
    )


@app.task(base=NationalTask)
def signup_rejection_send(application_id: int) -> None:
    application = SignupApplication.objects.get(pk=application_id)
    _mail(application, "rejected.txt", "Kết quả xét đơn đăng ký trang Liên hiệp Hội")


@app.task(base=NationalTask)
def onboarding_reconcile() -> dict:
    return reconciler.onboarding_reconcile().as_dict()
