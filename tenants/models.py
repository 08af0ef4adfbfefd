"""The tenant registry, in the public schema: provinces, unions and their hosts."""

import uuid
from datetime import date

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Region(models.Model):
    """A socio-economic region, for grouping statistics. National staff may edit them."""

    name = models.CharField("tên vùng", max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "vùng"
        verbose_name_plural = "các vùng"

    def __str__(self) -> str:
        return self.name


class Province(models.Model):
    """A province, current (one of the 34 since 1 July 2025) or former (one of the 63).

    A former province points at the current province that absorbed it, so figures
    can be shown either way for periods before and after the reorganisation.
    """

    name = models.CharField("tên tỉnh/thành phố", max_length=100)
    is_current = models.BooleanField("đơn vị hành chính hiện hành", default=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="sáp nhập vào",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="former_provinces",
        limit_choices_to={"is_current": True},
    )
    region = models.ForeignKey(
        Region, verbose_name="vùng", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "tỉnh/thành phố"
        verbose_name_plural = "các tỉnh/thành phố"
        constraints = [
            models.UniqueConstraint(fields=["name", "is_current"], name="province_name_unique"),
            models.CheckConstraint(
                condition=models.Q(is_current=True, successor__isnull=True)
                | models.Q(is_current=False, successor__isnull=False),
                name="province_former_has_successor",
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.is_current else f"{self.name} (cũ)"


class Union(TenantMixin):
    """A Liên hiệp Hội: one PostgreSQL schema, one site, one set of staff.

    The national union (VUSTA) owns the public schema, and the template whose
    schema every new union is cloned from is a row too, so `migrate_schemas`
    always keeps it current.
    """

    class Kind(models.TextChoices):
        NATIONAL = "national", "Trung ương"
        PROVINCIAL = "provincial", "Địa phương"
        TEMPLATE = "template", "Mẫu"

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ duyệt"
        PROVISIONING = "provisioning", "Đang khởi tạo"
        ACTIVE = "active", "Đang hoạt động"
        SUSPENDED = "suspended", "Tạm ngừng"
        ARCHIVED = "archived", "Lưu trữ"
        # Its content, records and staff now live in `merged_into`; its schema is kept,
        # untouched, and its hosts answer 301 to the absorbing union's site.
        MERGED = "merged", "Đã sáp nhập"

    name = models.CharField("tên đầy đủ", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    kind = models.CharField("loại", max_length=20, choices=Kind, default=Kind.PROVINCIAL)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    province = models.ForeignKey(
        Province,
        verbose_name="tỉnh/thành phố",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unions",
        limit_choices_to={"is_current": True},
    )
    # The former provinces (of the 63) whose figures and history the union carries: its
    # own from the start, and those of the unions it absorbed from the merger's date.
    former_provinces = models.ManyToManyField(
        Province,
        verbose_name="các tỉnh cũ",
        through="UnionFormerProvince",
        related_name="covering_unions",
        blank=True,
    )
    contact_name = models.CharField("người liên hệ", max_length=255, blank=True)
    contact_email = models.EmailField("thư điện tử", blank=True)
    contact_phone = models.CharField("điện thoại", max_length=50, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="đã sáp nhập vào",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed_unions",
    )
    merged_on = models.DateField("ngày sáp nhập", null=True, blank=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)
    # A copy restored beside its original (`union_restore --as`): suspended, out of the
    # national figures and holding no one's sessions or tokens until national staff
    # activate it (tenants.lifecycle.union_set_status).
    review_pending = models.BooleanField("bản khôi phục chờ Trung ương quyết định", default=False)

    # Schemas are made by `tenants.services.union_create` (warm pool or clone),
    # inside the same transaction as this row, never by a bare save().
    auto_create_schema = False

    class Meta:
        ordering = ["name"]
        verbose_name = "Liên hiệp Hội"
        verbose_name_plural = "các Liên hiệp Hội"

    def __str__(self) -> str:
        return self.name

    @property
    def former_provinces_label(self) -> str:
        """The former provinces it covers beyond its current province's namesake, with the
        date a merger added each: "Hải Dương (từ 01/01/2026)". Reads `coverage` (prefetch
        `coverage__province` for a list)."""
        current = self.province.name if self.province_id and self.province else None
        return ", ".join(
            row.province.name + (f" (từ {row.since:%d/%m/%Y})" if row.since else "")
            for row in self.coverage.all()
            if row.province.name != current
        )

    @property
    def is_routable(self) -> bool:
        return self.kind != self.Kind.TEMPLATE and self.status not in {
            self.Status.PENDING,
            self.Status.PROVISIONING,
        }


class UnionFormerProvince(models.Model):
    """A former province a union covers, from `since` (None: from the start).

    Sóc Trăng's union covers former Sóc Trăng; once merged into Cần Thơ's union, that
    union covers it from the merger's date. A period ending before `since` is not the
    union's to report for the province (its predecessor's figures stand for it), so
    the statistics by former province never count a figure twice.
    """

    union = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="coverage")
    province = models.ForeignKey(
        Province,
        verbose_name="tỉnh cũ",
        on_delete=models.PROTECT,
        related_name="coverage",
        limit_choices_to={"is_current": False},
    )
    since = models.DateField("từ ngày", null=True, blank=True)

    class Meta:
        ordering = [models.F("since").asc(nulls_first=True), "province__name"]
        verbose_name = "tỉnh cũ Liên hiệp Hội phụ trách"
        verbose_name_plural = "các tỉnh cũ Liên hiệp Hội phụ trách"
        constraints = [
            models.UniqueConstraint(
                fields=["union", "province"], name="one_coverage_per_union_province"
            )
        ]

    def __str__(self) -> str:
        since = f" từ {self.since:%d/%m/%Y}" if self.since else ""
        return f"{self.union_id}: {self.province.name}{since}"

    def covers_period_ending(self, ends_on: date) -> bool:
        return self.since is None or self.since <= ends_on


class Domain(DomainMixin):
    class Meta:
        verbose_name = "tên miền"
        verbose_name_plural = "các tên miền"


class SpareSchema(models.Model):
    """A schema cloned ahead of time from the template, renamed when a union is created.

    `fingerprint` names the migrations the clone was made with; a spare whose
    fingerprint differs from the running code's is stale and is never handed out.
    """

    schema_name = models.CharField(max_length=63, unique=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.schema_name


# Applications in these statuses hold their subdomain: no other may ask for it meanwhile.
_SIGNUP_OPEN_STATUSES = ("unverified", "verified", "approved", "provisioning")


class SignupApplication(models.Model):
    """A union's request for a site, from the sign-up page to its first day live.

    It lives in public and holds no schema: the schema is made only after approval,
    by `tenants.services.union_create`, so unverified sign-ups cost one row each.
    """

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", "Chờ xác minh thư điện tử"
        VERIFIED = "verified", "Chờ duyệt"
        APPROVED = "approved", "Đã duyệt"
        PROVISIONING = "provisioning", "Đang khởi tạo"
        LIVE = "live", "Đã hoạt động"
        REJECTED = "rejected", "Bị từ chối"
        FAILED = "failed", "Khởi tạo không thành công"
        EXPIRED = "expired", "Hết hạn xác minh"

    OPEN_STATUSES = _SIGNUP_OPEN_STATUSES

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    province = models.ForeignKey(
        Province,
        verbose_name="tỉnh/thành phố",
        on_delete=models.PROTECT,
        related_name="signup_applications",
        limit_choices_to={"is_current": True},
    )
    name = models.CharField("tên chính thức", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100)
    subdomain = models.CharField("tên miền con", max_length=31)
    contact_name = models.CharField("người liên hệ", max_length=255)
    email = models.EmailField("thư điện tử")
    phone = models.CharField("điện thoại", max_length=20)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.UNVERIFIED, db_index=True
    )
    # Only a SHA-256 of the link's token is kept; the token itself is only in the e-mail.
    email_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    email_token_sent_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField("xác minh lúc", null=True, blank=True)
    decided_at = models.DateTimeField("xử lý lúc", null=True, blank=True)
    decided_by = models.CharField("người xử lý", max_length=150, blank=True)
    reject_reason = models.TextField("lý do từ chối", blank=True)
    provisioning_started_at = models.DateTimeField(null=True, blank=True)
    live_at = models.DateTimeField("hoạt động từ", null=True, blank=True)
    failure_message = models.TextField(blank=True)
    union = models.OneToOneField(
        Union,
        verbose_name="Liên hiệp Hội",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signup_application",
    )
    created_at = models.DateTimeField("ngày đăng ký", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "đơn đăng ký"
        verbose_name_plural = "các đơn đăng ký"
        constraints = [
            models.UniqueConstraint(
                fields=["subdomain"],
                condition=models.Q(status__in=_SIGNUP_OPEN_STATUSES),
                name="signup_open_subdomain_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.subdomain})"


class OnboardingPolicy(models.Model):
    """The national union's rules for sign-ups: one row, edited in the national console."""

    auto_approve = models.BooleanField("tự động duyệt", default=False)
    auto_approve_domains = models.TextField(
        "tên miền thư điện tử được tự động duyệt",
        blank=True,
        help_text="Mỗi dòng một tên miền, ví dụ: vusta.vn",
    )
    several_unions_per_province = models.BooleanField(
        "cho phép nhiều Liên hiệp Hội trong một tỉnh", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "quy định đăng ký"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="policy_singleton")]

    def __str__(self) -> str:
        return "Quy định đăng ký"

    @classmethod
    def load(cls) -> "OnboardingPolicy":
        return cls.objects.get_or_create(pk=1)[0]

    def domains(self) -> set[str]:
        return {word.lower().lstrip("@") for word in self.auto_approve_domains.split()} - {""}


class UnionDeletion(models.Model):
    """A deletion asked for in the national console and carried out by the worker.

    The backup that comes first (pg_dump and the media) can take longer than a request
    may run. The row outlives the union, so the console can still show how it ended.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Đang sao lưu và xoá"
        DONE = "done", "Đã xoá"
        FAILED = "failed", "Chưa xoá được"

    union = models.ForeignKey(
        Union, null=True, blank=True, on_delete=models.SET_NULL, related_name="deletions"
    )
    schema_name = models.CharField(max_length=63)
    union_name = models.CharField(max_length=255)
    requested_by = models.CharField("người yêu cầu", max_length=150)
    requested_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    archive_name = models.CharField("bản sao lưu", max_length=255, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "yêu cầu xoá Liên hiệp Hội"
        verbose_name_plural = "các yêu cầu xoá Liên hiệp Hội"
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name"],
                condition=models.Q(state="queued"),
                name="one_open_deletion_per_union",
            )
        ]

    def __str__(self) -> str:
        return f"{self.schema_name}: {self.get_state_display()}"


class UnionMerge(models.Model):
    """One union absorbed into another (63 → 34), from the preview to the switch.

    The row lives in public and outlives the work: it holds the staff's conflict
    resolutions, the progress the console shows, the backup taken first, and the
    date from which the absorbing union reports for both in the national statistics.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Đang chờ thực hiện"
        RUNNING = "running", "Đang sáp nhập"
        DONE = "done", "Đã sáp nhập"
        FAILED = "failed", "Chưa sáp nhập được"

    OPEN_STATES = ("queued", "running")

    absorbed = models.ForeignKey(
        Union,
        verbose_name="Liên hiệp Hội được sáp nhập",
        on_delete=models.PROTECT,
        related_name="merges_out",
    )
    absorbing = models.ForeignKey(
        Union,
        verbose_name="Liên hiệp Hội tiếp nhận",
        on_delete=models.PROTECT,
        related_name="merges_in",
    )
    state = models.CharField(
        "trạng thái", max_length=10, choices=State, default=State.QUEUED, db_index=True
    )
    step = models.CharField("bước", max_length=100, blank=True)
    resolutions = models.JSONField("cách xử lý trùng lặp", default=dict, blank=True)
    # Figures of periods ending before this day stay the absorbed union's own.
    merge_date = models.DateField("ngày sáp nhập")
    requested_by = models.CharField("người yêu cầu", max_length=150)
    requested_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    backup_name = models.CharField("bản sao lưu", max_length=255, blank=True)
    # The absorbed union's pages become this section of the absorbing site.
    section_page_id = models.PositiveIntegerField(null=True, blank=True)
    section_path = models.CharField(max_length=255, blank=True)
    counts = models.JSONField("số lượng đã chuyển", default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "đợt sáp nhập"
        verbose_name_plural = "các đợt sáp nhập"
        constraints = [
            models.UniqueConstraint(
                fields=["absorbed"],
                condition=models.Q(state__in=("queued", "running", "done")),
                name="one_live_merge_per_absorbed",
            ),
            models.CheckConstraint(
                condition=~models.Q(absorbed=models.F("absorbing")), name="merge_not_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.absorbed} → {self.absorbing}: {self.get_state_display()}"


class UnionMergeMap(models.Model):
    """Old id in the absorbed schema → new id in the absorbing one, per table.

    Written in the copy's own transaction, so it always names rows that exist; every
    copied row can be traced back to where it came from.
    """

    merge = models.ForeignKey(UnionMerge, on_delete=models.CASCADE, related_name="id_map")
    table = models.CharField(max_length=100)
    old_id = models.BigIntegerField()
    new_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merge", "table", "old_id"], name="one_new_id_per_old_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.old_id} → {self.new_id}"


class MergeRedirect(models.Model):
    """A path of a merged union's site and where the same content now lives."""

    union = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="merge_redirects")
    old_path = models.CharField(max_length=700)
    new_path = models.CharField(max_length=1000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["union", "old_path"], name="one_redirect_per_old_path")
        ]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_path}"


class DomainClaim(models.Model):
    """A union's own domain (e.g. lienhiephoithanhhoa.vn), asked for in its admin.

    It routes to the union only once the union proved it controls the name: a DNS TXT
    record `_lienhiephoi.<domain>` or a file on the site the name serves today, both
    holding `token` (tenants.domains). Proved, it becomes a `Domain` row; until then
    it is only this row, which no request is ever routed by. Several unions may claim
    the same name while none has proved it: a first claim must not let anyone block
    the name's real owner, whose proof alone can succeed.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Chờ xác minh"
        VERIFIED = "verified", "Đã xác minh"

    class Method(models.TextChoices):
        DNS = "dns", "Bản ghi DNS TXT"
        FILE = "file", "Tệp trên trang cũ"

    union = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="domain_claims")
    domain = models.CharField("tên miền", max_length=253)
    token = models.CharField("mã xác minh", max_length=64)
    state = models.CharField(
        "trạng thái", max_length=10, choices=State, default=State.PENDING, db_index=True
    )
    method = models.CharField("cách xác minh", max_length=10, choices=Method, blank=True)
    requested_by = models.CharField("người yêu cầu", max_length=150)
    created_at = models.DateTimeField("ngày thêm", auto_now_add=True)
    checked_at = models.DateTimeField("kiểm tra lần cuối", null=True, blank=True)
    check_error = models.TextField("kết quả kiểm tra", blank=True)
    verified_at = models.DateTimeField("xác minh lúc", null=True, blank=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = "tên miền riêng"
        verbose_name_plural = "các tên miền riêng"
        constraints = [
            models.UniqueConstraint(fields=["union", "domain"], name="one_claim_per_union_domain")
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.get_state_display()})"
