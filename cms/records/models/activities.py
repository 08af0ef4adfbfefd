from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Activity(models.Model):
    """One piece of the union's work, of one kind, counted in one period.

    One table for every kind keeps the statistics a single GROUP BY; the columns
    that only some kinds use are empty for the others, and `clean` says which a
    kind requires.
    """

    class Kind(models.TextChoices):
        TVPB = "tvpb", "Tư vấn, phản biện và giám định xã hội"
        DISSEMINATION = "dissemination", "Phổ biến kiến thức"
        TRAINING = "training", "Lớp tập huấn, đào tạo"
        SEMINAR = "seminar", "Hội thảo, hội nghị, tọa đàm"
        PUBLICATION = "publication", "Ấn phẩm (đặc san, bản tin, tạp chí)"
        PROJECT = "project", "Đề tài, dự án KH&CN"
        CONTEST = "contest", "Cuộc thi, giải thưởng"
        HONOURING = "honouring", "Tôn vinh trí thức"
        LEGAL_ADVICE = "legal_advice", "Tư vấn pháp luật"
        REVIEW = "review", "Thẩm định (ví dụ báo cáo ĐTM)"
        OTHER = "other", "Hoạt động khác"

    class Status(models.TextChoices):
        PLANNED = "planned", "Được giao, chưa thực hiện"
        IN_PROGRESS = "in_progress", "Đang thực hiện"
        DONE = "done", "Đã hoàn thành"

    class ProjectLevel(models.TextChoices):
        NATIONAL = "national", "Cấp quốc gia"
        PROVINCIAL = "provincial", "Cấp tỉnh"
        GRASSROOTS = "grassroots", "Cấp cơ sở"

    kind = models.CharField("loại hoạt động", max_length=20, choices=Kind, db_index=True)
    title = models.CharField("tên hoạt động", max_length=500)
    period = models.ForeignKey(
        "records.ReportingPeriod",
        verbose_name="kỳ báo cáo",
        on_delete=models.PROTECT,
        related_name="activities",
    )
    held_on = models.DateField("ngày thực hiện", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=255, blank=True)
    # Empty: the union itself organised it; else the member organisation is credited.
    organiser = models.ForeignKey(
        "records.MemberOrganisation",
        verbose_name="đơn vị chủ trì",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    status = models.CharField("tình trạng", max_length=20, choices=Status, default=Status.DONE)
    participants = models.PositiveIntegerField("lượt người tham dự", null=True, blank=True)
    # TVPB tasks
    requested_by = models.CharField("cơ quan giao/đề nghị", max_length=255, blank=True)
    assigned_on = models.DateField("ngày giao", null=True, blank=True)
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    report_file = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="báo cáo kết quả",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Publications
    issue = models.CharField("số/kỳ phát hành", max_length=100, blank=True)
    copies = models.PositiveIntegerField("số bản", null=True, blank=True)
    # S&T projects
    level = models.CharField("cấp", max_length=20, choices=ProjectLevel, blank=True)
    budget_vnd = models.PositiveBigIntegerField("kinh phí (đồng)", null=True, blank=True)
    accepted_on = models.DateField("ngày nghiệm thu", null=True, blank=True)
    # Contests and awards
    entries = models.PositiveIntegerField("số giải pháp dự thi", null=True, blank=True)
    prizes = models.PositiveIntegerField("số giải", null=True, blank=True)
    national_entries = models.PositiveIntegerField(
        "số giải pháp gửi dự thi toàn quốc", null=True, blank=True
    )
    # Honouring, legal advice and reviews: how many people, cases or dossiers
    quantity = models.PositiveIntegerField(
        "số lượng (người được tôn vinh, vụ việc, hồ sơ)", null=True, blank=True
    )
    # Forms and the API refuse a longer note (the database does not need to).
    note = models.TextField("ghi chú", blank=True, max_length=5_000)
    # The schema of the union this row was moved from in a merger; empty for the union's own.
    moved_from = models.CharField(
        "chuyển từ Liên hiệp Hội", max_length=63, blank=True, db_index=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period__year", "kind", "-held_on", "-id"]
        verbose_name = "hoạt động"
        verbose_name_plural = "hoạt động"
        indexes = [models.Index(fields=["period", "kind", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="tvpb", status="done")
                | models.Q(completed_on__isnull=False),
                name="done_tvpb_has_completion_date",
            ),
            models.CheckConstraint(
                condition=models.Q(prizes__isnull=True)
                | models.Q(entries__isnull=True)
                | models.Q(prizes__lte=models.F("entries")),
                name="no_more_prizes_than_entries",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # What staff may edit in the admin.
    EDITABLE_FIELDS = (
        "kind",
        "title",
        "period",
        "held_on",
        "place",
        "organiser",
        "status",
        "participants",
        "requested_by",
        "assigned_on",
        "completed_on",
        "report_file",
        "issue",
        "copies",
        "level",
        "budget_vnd",
        "accepted_on",
        "entries",
        "prizes",
        "national_entries",
        "quantity",
        "note",
    )

    REQUIRED_BY_KIND = {
        Kind.TVPB: ("requested_by", "assigned_on"),
        Kind.TRAINING: ("participants",),
        Kind.PUBLICATION: ("issue",),
        Kind.PROJECT: ("level",),
        Kind.CONTEST: ("entries",),
        Kind.LEGAL_ADVICE: ("quantity",),
        Kind.REVIEW: ("quantity",),
    }

    def clean(self) -> None:
        errors = {}
        for name in self.REQUIRED_BY_KIND.get(self.kind, ()):
            if getattr(self, name) in (None, ""):
                label = self._meta.get_field(name).verbose_name
                errors[name] = f"Hoạt động loại “{self.get_kind_display()}” cần có {label}."
        if (
            self.kind == self.Kind.TVPB
            and self.status == self.Status.DONE
            and not self.completed_on
        ):
            errors["completed_on"] = "Nhiệm vụ đã hoàn thành cần có ngày hoàn thành."
        if self.prizes is not None and self.entries is not None and self.prizes > self.entries:
            errors["prizes"] = "Số giải không thể nhiều hơn số giải pháp dự thi."
        if self.held_on and self.period_id and not self.period.contains(self.held_on):
            errors["held_on"] = f"Ngày thực hiện không thuộc {self.period}."
        if errors:
            raise ValidationError(errors)


class ContestEntryQuerySet(models.QuerySet):
    def winners(self):
        """Entries with a prize, best prize first, then by jury score."""
        order = models.Case(
            *(
                models.When(prize=value, then=rank)
                for rank, value in enumerate(ContestEntry.Prize.values)
            ),
            output_field=models.IntegerField(),
        )
        return (
            self.exclude(prize="")
            .annotate(prize_rank=order)
            .order_by("prize_rank", models.F("score").desc(nulls_last=True), "title")
        )


class ContestEntry(models.Model):
    """An entry (giải pháp) of a contest the union runs: who, in which field, the jury's
    score and the prize, and whether it was sent on to the national contest."""

    class Prize(models.TextChoices):
        SPECIAL = "special", "Giải Đặc biệt"
        FIRST = "first", "Giải Nhất"
        SECOND = "second", "Giải Nhì"
        THIRD = "third", "Giải Ba"
        CONSOLATION = "consolation", "Giải Khuyến khích"

    contest = models.ForeignKey(
        "cms.ContestPage",
        verbose_name="cuộc thi",
        on_delete=models.CASCADE,
        related_name="entries",
    )
    title = models.CharField("tên giải pháp", max_length=500)
    author = models.CharField("tác giả, nhóm tác giả", max_length=500)
    field = models.CharField("lĩnh vực dự thi", max_length=255, blank=True)
    score = models.DecimalField(
        "điểm giám khảo",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, "Điểm giám khảo từ 0 đến 100."),
            MaxValueValidator(100, "Điểm giám khảo từ 0 đến 100."),
        ],
    )
    prize = models.CharField("giải", max_length=20, choices=Prize, blank=True)
    sent_to_national = models.BooleanField("gửi dự thi toàn quốc", default=False)

    objects = ContestEntryQuerySet.as_manager()

    class Meta:
        ordering = ["contest", "title"]
        verbose_name = "giải pháp dự thi"
        verbose_name_plural = "giải pháp dự thi"

    def __str__(self) -> str:
        return f"{self.title} ({self.author})"
