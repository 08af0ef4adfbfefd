"""Reads for sign-up: availability of a subdomain or a province, progress, URLs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, QuerySet, Value, When

from tenants.models import OnboardingPolicy, Province, SignupApplication, Union
from tenants.readiness import union_ready
from tenants.selectors import (
    schema_name_check_free,
    site_url,
    union_host,
    unions_holding_province,
)

SUBDOMAIN_TAKEN = "Tên miền con “%(name)s” đã có Liên hiệp Hội khác sử dụng hoặc đang đăng ký."


def _other_than(
    applications: QuerySet[SignupApplication], application_id: int | None
) -> QuerySet[SignupApplication]:
    """All but the application whose own claim does not count, if one is named."""
    return applications if application_id is None else applications.exclude(pk=application_id)


def subdomain_check(subdomain: str, *, application_id: int | None = None) -> None:
    """Raise a Vietnamese ValidationError unless `subdomain` can be asked for now.

    The union registry's own rule first (name, unions, hosts, schemas), then the
    open applications; `application_id` names one whose own claim does not count.
    """
    schema_name_check_free(subdomain)
    if _other_than(
        SignupApplication.objects.filter(
            subdomain=subdomain, status__in=SignupApplication.OPEN_STATUSES
        ),
        application_id,
    ).exists():
        raise ValidationError(SUBDOMAIN_TAKEN, code="subdomain_taken", params={"name": subdomain})


def province_check(
    province: Province, *, policy: OnboardingPolicy, application_id: int | None = None
) -> None:
    """A province keeps one union unless the national union allows several; a union
    approved and still being made counts as its union. The union of a former province
    (Sóc Trăng's, now in Cần Thơ) does not take the current province's place, and a
    union merged into another holds none."""
    if not province.is_current:
        raise ValidationError(
            "Vui lòng chọn một trong 34 tỉnh, thành phố hiện hành.", code="province_former"
        )
    if policy.several_unions_per_province:
        return
    if (
        unions_holding_province(province)
        .exclude(status__in=[Union.Status.ARCHIVED, Union.Status.MERGED])
        .exists()
        or _other_than(
            SignupApplication.objects.filter(
                province=province,
                status__in=[
                    SignupApplication.Status.APPROVED,
                    SignupApplication.Status.PROVISIONING,
                ],
            ),
            application_id,
        ).exists()
    ):
        raise ValidationError(
            "%(province)s đã có Liên hiệp Hội hoạt động trên hệ thống. Liên hệ Liên hiệp Hội "
            "Việt Nam nếu cần mở thêm trang.",
            code="province_taken",
            params={"province": province.name},
        )


def current_provinces() -> QuerySet[Province]:
    return Province.objects.filter(is_current=True).order_by("name")


def national_url(path: str) -> str:
    return site_url(settings.PLATFORM_DOMAIN, path)


def union_url(schema_name: str, path: str = "/") -> str:
    return site_url(union_host(schema_name), path)


def application_progress(application: SignupApplication) -> dict:
    """What the progress page shows; `site_ready` is the host router's own test."""
    union = Union.objects.filter(pk=application.union_id).first() if application.union_id else None
    site_ready = bool(union and union.is_routable and union_ready(union))
    steps = [
        ("verified", "Xác minh thư điện tử", application.verified_at is not None),
        (
            "approved",
            "Liên hiệp Hội Việt Nam phê duyệt",
            application.decided_at is not None
            and application.status != SignupApplication.Status.REJECTED,
        ),
        ("provisioning", "Khởi tạo trang", application.status == SignupApplication.Status.LIVE),
        ("live", "Trang đã hoạt động", site_ready),
    ]
    return {
        "status": application.status,
        "status_label": application.get_status_display(),
        "steps": [{"key": k, "label": label, "done": done} for k, label, done in steps],
        "site_ready": site_ready,
        "site_url": union_url(application.subdomain) if site_ready else "",
        "admin_url": union_url(application.subdomain, "/admin/") if site_ready else "",
        "message": application.reject_reason or application.failure_message,
    }


# Awaiting a decision first, then creations in flight and failures, then the settled.
_CONSOLE_ORDER = ["verified", "failed", "provisioning", "approved", "unverified", "live"]
CONSOLE_ROWS = 200


def applications_for_console() -> list[SignupApplication]:
    """The newest applications, those awaiting national staff first; one query."""
    rank = Case(
        *(When(status=status, then=Value(i)) for i, status in enumerate(_CONSOLE_ORDER)),
        default=Value(len(_CONSOLE_ORDER)),
    )
    return list(
        SignupApplication.objects.select_related("province", "union").order_by(rank, "-created_at")[
            :CONSOLE_ROWS
        ]
    )
