"""What an import from NukeViet keeps in the union's schema."""

from django.db import models


class NukeVietLink(models.Model):
    """One NukeViet object and what the import made of it.

    Re-running an import finds its earlier objects here by NukeViet id, so it updates
    instead of duplicating; the redirects of old addresses read the same rows.
    """

    class Kind(models.TextChoices):
        MODULE = "module", "Mô-đun"
        CATEGORY = "category", "Chuyên mục"
        ARTICLE = "article", "Bài tin"
        PAGE = "page", "Trang tĩnh"
        LAW = "law", "Văn bản"
        COMMENT = "comment", "Bình luận"
        IMAGE = "image", "Ảnh"
        DOCUMENT = "document", "Tệp"

    kind = models.CharField(max_length=20, choices=Kind)
    # The module's name in NukeViet's URLs (news, about, laws…); "" for files.
    module = models.CharField(max_length=100, blank=True)
    # The NukeViet id, or the path under uploads/ for files.
    nv_id = models.CharField(max_length=500)
    # What old URLs use besides the id: a category's or a page's alias, a module's file.
    alias = models.CharField(max_length=255, blank=True)
    object_id = models.BigIntegerField()
    # Of the source rows last imported: an unchanged object is not written again.
    checksum = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "module", "nv_id"], name="nukeviet_link_unique")
        ]
        indexes = [models.Index(fields=["kind", "module", "alias"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.module}:{self.nv_id} → {self.object_id}"


class NukeVietImport(models.Model):
    """One import run: its uploaded files, its preview and its final report."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Đã tải lên"
        PREVIEWED = "previewed", "Đã xem trước"
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang nhập"
        DONE = "done", "Hoàn tất"
        FAILED = "failed", "Thất bại"

    status = models.CharField(max_length=20, choices=Status, default=Status.UPLOADED)
    dump_name = models.CharField(max_length=255)
    uploads_name = models.CharField(max_length=255, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # A login name, not a key: the user model serves public and every union, and a key from
    # this union-only table would make deleting a national user cascade into a table that
    # public does not have.
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "lần nhập từ NukeViet"
        verbose_name_plural = "các lần nhập từ NukeViet"

    def __str__(self) -> str:
        return f"{self.dump_name} ({self.get_status_display()})"
