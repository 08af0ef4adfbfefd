"""Writes of self-service onboarding: sign up, verify, decide, create, reconcile.

No schema exists before approval: a sign-up is one row in public. The union is
made by the one creation service, `tenants.services.union_create`, inside the
same transaction that marks the application live, so an application is live
exactly when its union (rows and schema) exists.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants.models import OnboardingPolicy, Province, SignupApplication
from tenants.onboarding.selectors import SUBDOMAIN_TAKEN, province_check, subdomain_check
from tenants.services import union_create

logger = logging.getLogger(__name__)

Status = SignupApplication.Status
VERIFICATION_TTL = timedelta(hours=48)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signup_submit(
    *,
    province: Province,
    name: str,
    short_name: str,
    subdomain: str,
    contact_name: str,
    email: str,
    phone: str,
) -> SignupApplication:
    """Record a sign-up and queue its verification e-mail.

    Raises ValidationError keyed by field, with Vietnamese messages; then nothing
    is written.
    """
    subdomain = subdomain.strip().lower()
    errors: dict[str, ValidationError] = {}
    try:
        subdomain_check(subdomain)
    except ValidationError as error:
        errors["subdomain"] = error
    try:
        province_check(province, policy=OnboardingPolicy.load())
    except ValidationError as error:
        errors["province"] = error
    if errors:
        raise ValidationError(errors)
    application = SignupApplication(
        province=province,
        name=name.strip(),
        short_name=short_name.strip(),
        subdomain=subdomain,
        contact_name=contact_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Another sign-up took the subdomain between the check and the insert.
        raise ValidationError(
            {"subdomain": ValidationError(SUBDOMAIN_TAKEN, params={"name": subdomain})}
        ) from None
    from tenants.onboarding.tasks import signup_verification_send

    transaction.on_commit(lambda: signup_verification_send.delay(application.pk))
    return application


def verification_token_issue(*, application: SignupApplication) -> str:
    """A fresh single-use token for the e-mail; any earlier link stops working."""
    token = secrets.token_urlsafe(32)
    application.email_token_hash = _token_hash(token)
    application.email_token_sent_at = timezone.now()
    application.save(update_fields=["email_token_hash", "email_token_sent_at", "updated_at"])
    return token


def verification_resend(*, application: SignupApplication) -> None:
    if application.status != Status.UNVERIFIED:
        raise ValidationError("Địa chỉ thư điện tử của đơn này đã được xác minh.")
    from tenants.onboarding.tasks import signup_verification_send

    transaction.on_commit(lambda: signup_verification_send.delay(application.pk))


@transaction.atomic
def signup_verify(*, token: str) -> SignupApplication:
    """Mark the address verified (once); approve at once if the policy says so."""
    application = (
        SignupApplication.objects.select_for_update()
        .filter(email_token_hash=_token_hash(token), status=Status.UNVERIFIED)
        .first()
        if token
        else None
    )
    if application is None:
        raise ValidationError(
            "Liên kết xác minh không hợp lệ hoặc đã được sử dụng.", code="token_invalid"
        )
    sent_at = application.email_token_sent_at
    if sent_at is None or sent_at + VERIFICATION_TTL < timezone.now():
        raise ValidationError(
            "Liên kết xác minh đã hết hạn. Vui lòng yêu cầu gửi lại thư xác minh.",
            code="token_expired",
        )
    application.status = Status.VERIFIED
    application.verified_at = timezone.now()
    application.email_token_hash = ""
    application.save(update_fields=["status", "verified_at", "email_token_hash", "updated_at"])
    policy = OnboardingPolicy.load()
    domain = application.email.rsplit("@", 1)[-1]
    if policy.auto_approve and domain in policy.domains():
        try:
            signup_approve(application=application, actor="", automatic=True)
        except ValidationError as error:
            # Left for national staff, who see why it could not go through alone.
            logger.info("auto-approval refused: %s", "; ".join(error.messages))
    return application


def signup_approve(
    *, application: SignupApplication, actor: str, automatic: bool = False
) -> SignupApplication:
    """Approve a verified application and queue the creation of its union."""
    with transaction.atomic():
        application = SignupApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != Status.VERIFIED:
            raise ValidationError(
                "Chỉ duyệt được đơn đã xác minh thư điện tử và đang chờ duyệt.",
                code="not_verified",
            )
        # Re-checked now: a union may have been created by hand since the sign-up. The
        # province row is locked so that two approvals for one province go one at a time.
        subdomain_check(application.subdomain, application_id=application.pk)
        province = Province.objects.select_for_update().get(pk=application.province_id)
        province_check(province, policy=OnboardingPolicy.load(), application_id=application.pk)
        application.status = Status.APPROVED
        application.decided_at = timezone.now()
        application.decided_by = "tự động" if automatic else actor
        application.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
        from tenants.onboarding.tasks import signup_provision_run

        transaction.on_commit(lambda: signup_provision_run.delay(application.pk))
    return application


@transaction.atomic
def signup_reject(*, application: SignupApplication, actor: str, reason: str) -> SignupApplication:
    if not reason.strip():
        raise ValidationError("Vui lòng ghi lý do từ chối.", code="reason_required")
    # Locked and read again: an approval (or the auto-approval of a verification) may
    # have gone through since the page was shown, and a live union must stay live.
    application = SignupApplication.objects.select_for_update().get(pk=application.pk)
    if application.status not in (Status.UNVERIFIED, Status.VERIFIED):
        raise ValidationError("Đơn này đã được xử lý.", code="already_decided")
    application.status = Status.REJECTED
    application.reject_reason = reason.strip()
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.email_token_hash = ""
    application.save(
        update_fields=[
            "status",
            "reject_reason",
            "decided_at",
            "decided_by",
            "email_token_hash",
            "updated_at",
        ]
    )
    from tenants.onboarding.tasks import signup_rejection_send

    transaction.on_commit(lambda: signup_rejection_send.delay(application.pk))
    return application


def signup_provision(
    *, application_id: int, use_warm_pool: bool = True
) -> SignupApplication | None:
    """Create the approved application's union. Idempotent and safe to run twice.

    The application row stays locked for the whole creation, so a second run (a
    duplicate message, the reconciler) skips it instead of waiting; the union and
    the application's `live` status commit together, so a worker killed mid-way
    leaves the application `provisioning` with no union, for the reconciler.
    Returns None when another run holds the application.
    """
    SignupApplication.objects.filter(pk=application_id, status=Status.APPROVED).update(
        status=Status.PROVISIONING, provisioning_started_at=timezone.now()
    )
    with transaction.atomic():
        application = (
            SignupApplication.objects.select_for_update(skip_locked=True)
            .select_related("province")
            .filter(pk=application_id)
            .first()
        )
        if application is None or application.status != Status.PROVISIONING:
            return application
        try:
            with transaction.atomic():
                union = union_create(
                    schema_name=application.subdomain,
                    name=application.name,
                    short_name=application.short_name,
                    province=application.province,
                    contact_name=application.contact_name,
                    contact_email=application.email,
                    contact_phone=application.phone,
                    admin_email=application.email,
                    use_warm_pool=use_warm_pool,
                )
        except ValidationError as error:
            application.status = Status.FAILED
            application.failure_message = " ".join(error.messages)
            application.save(update_fields=["status", "failure_message", "updated_at"])
            return application
        application.union = union
        application.status = Status.LIVE
        application.live_at = timezone.now()
        application.save(update_fields=["union", "status", "live_at", "updated_at"])
        from tenants.onboarding.tasks import signup_welcome_send

        transaction.on_commit(lambda: signup_welcome_send.delay(application.pk))
    return application
