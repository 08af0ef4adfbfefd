"""Merging unions (63 → 34): one union takes in another's site, records, people and history.

The flow is `merge_preview` → `merge_request` (queued on commit) → `merge_carry_out` in
the worker:

1. the absorbed union is backed up (always first; the archive's name is kept on the row);
2. its media files are copied into the absorbing union's folder, under
   `sap-nhap/<absorbed>/` (idempotent: a re-run copies over the same names);
3. one transaction copies every row, schema to schema, in SQL, with new ids allocated
   from the absorbing schema's sequences and the old → new id map written to
   `UnionMergeMap`; the same transaction switches the absorbed union to "merged", so
   the absorbing site shows the moved content only once all of it is there, and a
   worker killed half-way leaves both unions as they were (PostgreSQL rolls back the
   dead connection's transaction). Running the merge again then starts the copy anew,
   without duplicates.

What is kept of the site: every page's current content (no revision history), news
with dates, categories, tags, authors, comments and featured flags, events and their
registrations, contests, the contact form and its submissions, banners, links, the
documents register, images and documents with their files, titles and collections.
Search entries are derived and written for the moved pages after the switch; Wagtail's
reference index (the admin's "usage" counts) is not, until `rebuild_references_index`.
Visit counters stay with the absorbed union's statistics.
"""

import logging
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from lhh.web.pause_points import pause_point
from tenants import backups
from tenants.citus import citus_active, schema_placements
from tenants.migration_state import schemas_behind
from tenants.models import (
    Domain,
    MergeRedirect,
    Province,
    Union,
    UnionFormerProvince,
    UnionMerge,
    UnionMergeMap,
)
from tenants.placement import union_move
from tenants.readiness import schema_complete
from tenants.selectors import schema_name_check_free
from tenants.services import union_create
from tenants.signals import union_merged

logger = logging.getLogger(__name__)

MEDIA_PREFIX = "sap-nhap"
_MERGE_LOCK = 7_310_015  # pg advisory lock key: one merge copies at a time
# On a Citus cluster, the copy's id map while it runs: a table in the absorbing schema.
_CLUSTER_MAP = "lhh_merge_map"


# --- Checks ---------------------------------------------------------------------------


def _open_merges() -> models.QuerySet[UnionMerge]:
    return UnionMerge.objects.filter(state__in=UnionMerge.OPEN_STATES)


def merge_check(*, absorbed: Union, absorbing: Union) -> None:
    """Refuse a merge that cannot be carried out, saying why in Vietnamese."""
    if absorbed.pk == absorbing.pk:
        raise ValidationError(
            "Không thể sáp nhập một Liên hiệp Hội vào chính nó.", code="merge_into_itself"
        )
    _provincial_check(absorbed)
    _provincial_check(absorbing)
    _absorbed_check(absorbed)
    if absorbing.status != Union.Status.ACTIVE:
        raise ValidationError(
            "“%(name)s” đang ở trạng thái “%(status)s”: chỉ Liên hiệp Hội đang hoạt động mới "
            "tiếp nhận được sáp nhập.",
            code="absorbing_not_active",
            params={"name": absorbing.name, "status": absorbing.get_status_display()},
        )
    _idle_and_current_check([absorbed, absorbing])


def _provincial_check(union: Union) -> None:
    if union.kind != Union.Kind.PROVINCIAL:
        raise ValidationError(
            "Chỉ sáp nhập được các Liên hiệp Hội địa phương (“%(name)s” thì không).",
            code="not_provincial",
            params={"name": union.name},
        )


def _absorbed_check(absorbed: Union) -> None:
    if absorbed.status == Union.Status.MERGED:
        raise ValidationError(
            "“%(name)s” đã được sáp nhập vào Liên hiệp Hội khác.",
            code="already_merged",
            params={"name": absorbed.name},
        )
    if absorbed.status not in (Union.Status.ACTIVE, Union.Status.SUSPENDED):
        raise ValidationError(
            "“%(name)s” đang ở trạng thái “%(status)s”, không sáp nhập được.",
            code="absorbed_not_working",
            params={"name": absorbed.name, "status": absorbed.get_status_display()},
        )


def _idle_and_current_check(unions: list[Union]) -> None:
    """No union here is in another open merge, and every schema is there and current."""
    busy = _open_merges().filter(models.Q(absorbed__in=unions) | models.Q(absorbing__in=unions))
    if busy.exists():
        raise ValidationError(
            "Một trong hai Liên hiệp Hội đang trong một đợt sáp nhập khác; hãy chờ đợt đó xong.",
            code="merge_in_progress",
        )
    behind, missing = schemas_behind([union.schema_name for union in unions])
    for schema_name in missing:
        raise ValidationError(
            "Dữ liệu của “%(schema)s” không còn trên máy chủ (lược đồ bị thiếu); chưa sáp nhập.",
            code="schema_missing",
            params={"schema": schema_name},
        )
    for schema_name in behind:
        raise ValidationError(
            "Dữ liệu của “%(schema)s” chưa được cập nhật theo phiên bản mới (thiếu migration); "
            "hãy chạy `manage.py migrate_platform` rồi sáp nhập.",
            code="schema_behind",
            params={"schema": schema_name},
        )
    for union in unions:
        # A schema left half-made (a failed clone or restore) lacks tables its ledger
        # does not show: the copy would fail half-way, so it is refused up front.
        if not schema_complete(union.schema_name):
            raise ValidationError(
                "Dữ liệu của “%(schema)s” không đầy đủ (thiếu bảng); hãy khôi phục Liên hiệp "
                "Hội này từ bản sao lưu rồi sáp nhập.",
                code="schema_incomplete",
                params={"schema": union.schema_name},
            )


@dataclass(frozen=True)
class NewUnion:
    """The absorbing union of a merge, created in the same step (the merged province's)."""

    schema_name: str
    name: str
    province: Province | None


def merge_check_new(*, absorbed: Union, new: NewUnion) -> None:
    """`merge_check` for an absorbing union not created yet."""
    if not new.name.strip():
        raise ValidationError("Cần tên của Liên hiệp Hội mới.", code="new_name_missing")
    if new.province is not None and not new.province.is_current:
        raise ValidationError("Tỉnh hiện hành phải là một trong 34 tỉnh, thành phố.")
    schema_name_check_free(new.schema_name)
    _provincial_check(absorbed)
    _absorbed_check(absorbed)
    _idle_and_current_check([absorbed])


# --- Preview --------------------------------------------------------------------------


def name_normalise(name: str) -> str:
    """A Vietnamese name for matching: no diacritics, no case, no punctuation."""
    text = name.replace("đ", "d").replace("Đ", "d")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass
class Conflict:
    kind: str  # organisation, category, user, tag, slug, document, period
    key: str  # what a resolution is keyed by
    label: str  # what staff read
    choices: tuple[tuple[str, str], ...] = ()
    proposed: str = ""


@dataclass
class MergePreview:
    counts: dict[str, int]
    conflicts: list[Conflict] = field(default_factory=list)

    def resolutions(self) -> dict[str, dict[str, str]]:
        """The proposed resolutions, in the shape `merge_request` takes."""
        chosen: dict[str, dict[str, str]] = {}
        for conflict in self.conflicts:
            if conflict.choices:
                chosen.setdefault(conflict.kind, {})[conflict.key] = conflict.proposed
        return chosen


_ORG_CHOICES = (
    ("merge", "Hợp nhất thành một (giữ lịch sử của cả hai)"),
    ("keep", "Giữ cả hai tổ chức"),
)
_CATEGORY_CHOICES = (("merge", "Dùng chung một chuyên mục"), ("keep", "Giữ riêng hai chuyên mục"))
_USER_CHOICES = (("merge", "Gộp thành một tài khoản"), ("keep", "Giữ hai tài khoản riêng"))


def _rows(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


# What the preview counts, per kind: (label, table, filter).
_COUNTED = (
    ("Trang", "wagtailcore_page", "depth > 2"),
    ("Bài tin", "cms_newsarticlepage", "TRUE"),
    ("Sự kiện", "cms_eventpage", "TRUE"),
    ("Văn bản", "cms_officialdocument", "TRUE"),
    ("Ảnh", "wagtailimages_image", "TRUE"),
    ("Tệp tài liệu", "wagtaildocs_document", "TRUE"),
    ("Ý kiến bạn đọc", "cms_readercomment", "TRUE"),
    ("Tổ chức thành viên", "records_memberorganisation", "TRUE"),
    ("Số hội viên theo kỳ", "records_membercount", "TRUE"),
    ("Hoạt động", "records_activity", "TRUE"),
    ("Nhiệm kỳ", "records_congress", "TRUE"),
    ("Báo cáo", "records_report", "TRUE"),
    ("Tài khoản cán bộ", "auth_user", "TRUE"),
)


def merge_preview(*, absorbed: Union, absorbing: Union) -> MergePreview:
    """What will move, and every conflict with its proposed resolution. Reads only the
    two unions' schemas.

    Each comparison reads the absorbing side in a materialised CTE: on a Citus cluster the
    two schemas may sit on different workers, and Citus runs such a CTE first and ships
    its rows to the other side's worker (a plain join of the two it refuses)."""
    merge_check(absorbed=absorbed, absorbing=absorbing)
    src, dst = _q(absorbed.schema_name), _q(absorbing.schema_name)
    counts = {
        label: _rows(f"SELECT count(*) FROM {src}.{table} WHERE {where}")[0][0]
        for label, table, where in _COUNTED
    }
    preview = MergePreview(counts=counts)
    conflicts = preview.conflicts

    theirs = _rows(f"SELECT id, name FROM {dst}.records_memberorganisation WHERE status='active'")
    by_name = {name_normalise(name): name for _id, name in theirs}
    for org_id, name in _rows(
        f"SELECT id, name FROM {src}.records_memberorganisation WHERE status='active' ORDER BY name"
    ):
        if name_normalise(name) in by_name:
            conflicts.append(
                Conflict(
                    kind="organisations",
                    key=str(org_id),
                    label=f"Tổ chức “{name}” trùng với “{by_name[name_normalise(name)]}”",
                    choices=_ORG_CHOICES,
                    proposed="merge",
                )
            )
    for slug, name in _rows(
        f"WITH d AS MATERIALIZED (SELECT slug, name FROM {dst}.cms_newscategory) "
        f"SELECT s.slug, s.name FROM {src}.cms_newscategory s "
        f"JOIN d ON d.slug = s.slug OR d.name = s.name ORDER BY s.name"
    ):
        conflicts.append(
            Conflict(
                kind="categories",
                key=slug,
                label=f"Chuyên mục tin “{name}” có ở cả hai trang",
                choices=_CATEGORY_CHOICES,
                proposed="merge",
            )
        )
    for user_id, email in _rows(
        f"WITH d AS MATERIALIZED (SELECT lower(email) AS email FROM {dst}.auth_user) "
        f"SELECT s.id, s.email FROM {src}.auth_user s JOIN d "
        f"ON d.email = lower(s.email) WHERE s.email <> '' ORDER BY s.email"
    ):
        conflicts.append(
            Conflict(
                kind="users",
                key=str(user_id),
                label=f"Tài khoản {email} có ở cả hai Liên hiệp Hội",
                choices=_USER_CHOICES,
                proposed="merge",
            )
        )
    for (username,) in _rows(
        f"WITH d AS MATERIALIZED (SELECT username, lower(email) AS email FROM {dst}.auth_user) "
        f"SELECT s.username FROM {src}.auth_user s JOIN d "
        f"ON d.username = s.username AND d.email IS DISTINCT FROM lower(s.email) ORDER BY 1"
    ):
        conflicts.append(
            Conflict(
                kind="usernames",
                key=username,
                label=f"Tên đăng nhập “{username}” đã có người dùng: tài khoản chuyển sang sẽ "
                f"đăng nhập bằng “{username}.{absorbed.schema_name}”",
            )
        )
    for (name,) in _rows(
        f"WITH d AS MATERIALIZED (SELECT name FROM {dst}.taggit_tag) "
        f"SELECT s.name FROM {src}.taggit_tag s JOIN d ON d.name = s.name ORDER BY 1"
    ):
        conflicts.append(
            Conflict(kind="tags", key=name, label=f"Thẻ “{name}” dùng chung cho cả hai trang")
        )
    for (number,) in _rows(
        f"WITH d AS MATERIALIZED (SELECT number FROM {dst}.cms_officialdocument) "
        f"SELECT s.number FROM {src}.cms_officialdocument s "
        f"JOIN d ON d.number = s.number GROUP BY 1 ORDER BY 1"
    ):
        conflicts.append(
            Conflict(
                kind="documents",
                key=number,
                label=f"Văn bản số {number} có ở cả hai danh mục: giữ cả hai, ghi rõ cơ quan "
                "ban hành",
            )
        )
    section_slug = _section_slug(absorbed, absorbing)
    if section_slug != absorbed.schema_name:
        conflicts.append(
            Conflict(
                kind="slugs",
                key=absorbed.schema_name,
                label=f"Đường dẫn /{absorbed.schema_name}/ đã có trên trang tiếp nhận: các trang "
                f"chuyển sang nằm dưới /{section_slug}/",
            )
        )
    for kind, year, half in _rows(
        f"WITH d AS MATERIALIZED (SELECT kind, year, half FROM {dst}.records_reportingperiod) "
        f"SELECT s.kind, s.year, s.half FROM {src}.records_reportingperiod s "
        f"JOIN d ON d.kind = s.kind AND d.year = s.year "
        f"AND d.half IS NOT DISTINCT FROM s.half ORDER BY 2, 1, 3"
    ):
        label = (
            f"Năm {year}" if kind == "year" else f"6 tháng {'đầu' if half == 1 else 'cuối'} {year}"
        )
        conflicts.append(
            Conflict(
                kind="periods",
                key=f"{kind}-{year}-{half or ''}",
                label=f"Kỳ báo cáo {label} có số liệu ở cả hai: kỳ kết thúc trước ngày sáp nhập "
                "giữ số liệu riêng của từng Liên hiệp Hội, kỳ sau đó do Liên hiệp Hội tiếp nhận "
                "báo cáo chung",
            )
        )
    return preview


def _section_slug(absorbed: Union, absorbing: Union) -> str:
    """The slug of the absorbing site's section for the absorbed union's pages."""
    dst = _q(absorbing.schema_name)
    taken = {
        slug
        for (slug,) in _rows(
            f"SELECT p.slug FROM {dst}.wagtailcore_page p JOIN {dst}.wagtailcore_page h "
            f"ON p.path LIKE h.path || '%%' AND p.depth = h.depth + 1 "
            f"JOIN {dst}.cms_homepage hp ON hp.page_ptr_id = h.id"
        )
    }
    slug, n = absorbed.schema_name, 1
    while slug in taken:
        n += 1
        slug = f"{absorbed.schema_name}-{n}"
    return slug


# --- Request --------------------------------------------------------------------------


def _resolutions_clean(resolutions: dict | None) -> dict[str, dict[str, str]]:
    allowed = {
        "organisations": _ORG_CHOICES,
        "categories": _CATEGORY_CHOICES,
        "users": _USER_CHOICES,
    }
    cleaned: dict[str, dict[str, str]] = {}
    for kind, choices in (resolutions or {}).items():
        if kind not in allowed or not isinstance(choices, dict):
            raise ValidationError(
                "Cách xử lý trùng lặp không hợp lệ: %(kind)s.", params={"kind": kind}
            )
        values = {value for value, _label in allowed[kind]}
        for value in choices.values():
            if value not in values:
                raise ValidationError(
                    "Cách xử lý “%(value)s” không hợp lệ.", params={"value": value}
                )
        cleaned[kind] = {str(key): value for key, value in choices.items()}
    return cleaned


def merge_request(
    *,
    absorbed: Union,
    absorbing: Union,
    actor: str,
    resolutions: dict | None = None,
    merge_date: date | None = None,
    queue: bool = True,
) -> UnionMerge:
    """Record a merge and queue it for the worker (after commit). Nothing moves yet.

    Resolutions not given take the preview's proposals."""
    from django.db import IntegrityError

    preview = merge_preview(absorbed=absorbed, absorbing=absorbing)
    chosen = {**preview.resolutions()}
    for kind, values in _resolutions_clean(resolutions).items():
        chosen[kind] = {**chosen.get(kind, {}), **values}
    try:
        with transaction.atomic():
            # Two requests at once: the second waits here and then sees the first.
            list(Union.objects.select_for_update().filter(pk__in=[absorbed.pk, absorbing.pk]))
            merge_check(absorbed=absorbed, absorbing=absorbing)
            merge = UnionMerge.objects.create(
                absorbed=absorbed,
                absorbing=absorbing,
                resolutions=chosen,
                merge_date=merge_date or timezone.localdate(),
                requested_by=actor,
                step="Đang chờ máy chủ thực hiện",
            )
            if queue:
                from tenants.tasks import union_merge_run

                transaction.on_commit(lambda: union_merge_run.delay(merge.pk))
    except IntegrityError:
        raise ValidationError(
            "Một trong hai Liên hiệp Hội đang trong một đợt sáp nhập khác; hãy chờ đợt đó xong.",
            code="merge_in_progress",
        ) from None
    return merge


def merge_preview_new(*, absorbed: Union, new: NewUnion) -> MergePreview:
    """What will move into a union not created yet: everything, with no conflict (its
    site is the template's; the request proposes any resolution once it exists)."""
    merge_check_new(absorbed=absorbed, new=new)
    src = _q(absorbed.schema_name)
    return MergePreview(
        counts={
            label: _rows(f"SELECT count(*) FROM {src}.{table} WHERE {where}")[0][0]
            for label, table, where in _COUNTED
        }
    )


def merge_request_new(
    *,
    absorbed: Union,
    new: NewUnion,
    actor: str,
    merge_date: date | None = None,
    queue: bool = True,
) -> UnionMerge:
    """Create the absorbing union and request the merge into it, all or nothing: a
    refused merge leaves no new union behind. (One merge into a union at a time: a
    second absorbed union follows, into the union now made, once this one is done.)"""
    merge_check_new(absorbed=absorbed, new=new)
    with transaction.atomic():
        absorbing = union_create(schema_name=new.schema_name, name=new.name, province=new.province)
        return merge_request(
            absorbed=absorbed, absorbing=absorbing, actor=actor, merge_date=merge_date, queue=queue
        )


# --- Progress -------------------------------------------------------------------------


def _progress_key(merge_id: int) -> str:
    return f"union-merge-progress:{merge_id}"


def merge_progress(merge: UnionMerge) -> dict:
    """What the progress page shows: the committed step, and the copy's finer progress."""
    detail = None
    if merge.state == UnionMerge.State.RUNNING:
        with schema_context(settings.PUBLIC_SCHEMA_NAME):
            detail = cache.get(_progress_key(merge.pk))
    done, total = (detail or {}).get("done", 0), (detail or {}).get("total", len(_STEPS))
    if merge.state == UnionMerge.State.DONE:
        done = total
    return {
        "state": merge.state,
        "state_label": merge.get_state_display(),
        "step": (detail or {}).get("step") or merge.step,
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 100,
        "error": merge.error,
    }


def _progress(merge: UnionMerge, step: str, done: int) -> None:
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        cache.set(_progress_key(merge.pk), {"step": step, "done": done, "total": len(_STEPS)}, 3600)


def _step_commit(merge: UnionMerge, step: str) -> None:
    UnionMerge.objects.filter(pk=merge.pk).update(step=step)
    merge.step = step


# --- The job --------------------------------------------------------------------------


def merge_carry_out(*, merge_id: int) -> UnionMerge | None:
    """Carry out a queued merge; again after a crash, it finishes without duplicates."""
    # The registry rows are written from public, whatever schema the caller was in.
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        return _carry_out(merge_id)


def _carry_out(merge_id: int) -> UnionMerge | None:
    with transaction.atomic():
        merge = (
            UnionMerge.objects.select_for_update(of=("self",))
            .select_related("absorbed", "absorbing")
            .filter(pk=merge_id)
            .first()
        )
        if merge is None or merge.state not in UnionMerge.OPEN_STATES:
            return merge
        merge.state = UnionMerge.State.RUNNING
        merge.started_at = merge.started_at or timezone.now()
        merge.save(update_fields=["state", "started_at"])
    try:
        if not merge.backup_name:
            _step_commit(merge, "Đang sao lưu Liên hiệp Hội được sáp nhập")
            merge.backup_name = backups.union_backup(union=merge.absorbed).name
            UnionMerge.objects.filter(pk=merge.pk).update(backup_name=merge.backup_name)
        _step_commit(merge, "Đang sao chép ảnh và tệp tài liệu")
        _media_copy(merge)
        _schemas_gather(merge)
        _step_commit(merge, "Đang chuyển trang, văn bản, hồ sơ và tài khoản")
        _copy_and_switch(merge)
    except (ValidationError, backups.BackupError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        _failed(merge, f"Chưa sáp nhập: {' '.join(messages)}")
    except Exception:
        logger.exception("union merge failed", extra={"merge": merge_id})
        _failed(merge, "Chưa sáp nhập: lỗi ngoài dự kiến, chi tiết trong nhật ký máy chủ.")
        raise
    merge.refresh_from_db()
    return merge


def _schemas_gather(merge: UnionMerge) -> None:
    """On a Citus cluster, the absorbed union's schema moves (live, `citus_schema_move`) to
    the worker holding the absorbing union's, so that the copy's statements, which join
    the two schemas, each go whole to that one worker (`_Copier.cluster_prepare`).

    Why not the other ways: between two workers Citus refuses the copy's joins and
    correlated subqueries ("complex joins are only supported when…"); bringing both
    schemas back to the coordinator (`citus_schema_undistribute`) fails on Django's
    identity columns. The absorbed union's site keeps working during the move (writes
    wait for its switch-over only). A re-run finds it already there."""
    if not citus_active():
        return
    names = [merge.absorbed.schema_name, merge.absorbing.schema_name]
    placements = schema_placements(names)
    if len(placements) < 2 or placements[names[0]].node == placements[names[1]].node:
        return  # a schema not distributed is refused in the copy, with why
    _step_commit(merge, "Đang chuyển dữ liệu sang cùng máy chủ với Liên hiệp Hội tiếp nhận")
    union_move(union=merge.absorbed, to=placements[names[1]].node)


def _failed(merge: UnionMerge, message: str) -> None:
    UnionMerge.objects.filter(pk=merge.pk, state__in=UnionMerge.OPEN_STATES).update(
        state=UnionMerge.State.FAILED, error=message, finished_at=timezone.now()
    )


def _media_copy(merge: UnionMerge) -> None:
    source = backups.media_folder(merge.absorbed.schema_name)
    target = (
        backups.media_folder(merge.absorbing.schema_name)
        / MEDIA_PREFIX
        / merge.absorbed.schema_name
    )
    if not source.exists():
        return
    for path in source.rglob("*"):
        if not path.is_file() or path.relative_to(source).parts[0] == "images":
            continue  # renditions are made again on demand
        copy = target / path.relative_to(source)
        if copy.exists() and copy.stat().st_size == path.stat().st_size:
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)


_STEPS = (
    "Khoá dữ liệu",
    "Tài khoản cán bộ",
    "Ảnh và tài liệu",
    "Trang và bài tin",
    "Văn bản, chuyên mục, liên kết",
    "Hồ sơ hoạt động",
    "Liên kết trong bài",
    "Chuyển địa chỉ",
)



def _copy_and_switch(merge: UnionMerge) -> None:
    absorbed, absorbing = merge.absorbed, merge.absorbing
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MERGE_LOCK])
        merge = (
            UnionMerge.objects.select_for_update(of=("self",))
            .select_related("absorbed", "absorbing")
            .get(pk=merge.pk)
        )
        if merge.state != UnionMerge.State.RUNNING:
            return
        absorbed = Union.objects.select_for_update().get(pk=absorbed.pk)
        merge_check_switchable(absorbed=absorbed, absorbing=absorbing)
        copier = _Copier(merge)
        _progress(merge, _STEPS[0], 0)
        copier.cluster_prepare()
        copier.lock_source()
        _progress(merge, _STEPS[1], 1)
        copier.users()
        _progress(merge, _STEPS[2], 2)
        copier.media()
        pause_point("union_merge")
        _progress(merge, _STEPS[3], 3)
        copier.categories_and_tags()
        copier.pages()
        _progress(merge, _STEPS[4], 4)
        copier.site_furniture()
        _progress(merge, _STEPS[5], 5)
        copier.records()
        _progress(merge, _STEPS[6], 6)
        copier.links_rewrite()
        _progress(merge, _STEPS[7], 7)
        copier.redirects()
        copier.predecessor_record()
        copier.map_publish()
        _switch(merge, copier)
        transaction.on_commit(lambda: _after_switch(merge.pk))


def merge_check_switchable(*, absorbed: Union, absorbing: Union) -> None:
    """What must still hold when the copy starts (the request was checked long before)."""
    absorbing.refresh_from_db()
    if absorbing.status != Union.Status.ACTIVE:
        raise ValidationError(
            "“%(name)s” không còn hoạt động; chưa sáp nhập.", params={"name": absorbing.name}
        )
    if absorbed.status == Union.Status.MERGED:
        raise ValidationError("“%(name)s” đã được sáp nhập.", params={"name": absorbed.name})
    if not (schema_exists(absorbed.schema_name) and schema_exists(absorbing.schema_name)):
        raise ValidationError("Lược đồ dữ liệu bị thiếu; chưa sáp nhập.", code="schema_missing")


def _switch(merge: UnionMerge, copier: "_Copier") -> None:
    absorbed = merge.absorbed
    absorbed.status = Union.Status.MERGED
    absorbed.merged_into = merge.absorbing
    absorbed.merged_on = merge.merge_date
    absorbed.save(update_fields=["status", "merged_into", "merged_on", "updated_at"])
    # From the merger's date the absorbing union reports for the absorbed one's former
    # provinces too (the statistics by former province read this).
    UnionFormerProvince.objects.bulk_create(
        [
            UnionFormerProvince(
                union=merge.absorbing, province_id=province_id, since=merge.merge_date
            )
            for province_id in absorbed.coverage.values_list("province_id", flat=True)
        ],
        ignore_conflicts=True,
    )
    src = _q(absorbed.schema_name)
    with connection.cursor() as cursor:
        # Nothing signed in on the old host keeps working: its sessions go, its tokens are
        # revoked (the host answers 301 to everything anyway).
        cursor.execute(f"DELETE FROM {src}.django_session")
        cursor.execute(f"UPDATE {src}.api_apitoken SET revoked_at = now() WHERE revoked_at IS NULL")
    merge.state = UnionMerge.State.DONE
    merge.step = "Đã sáp nhập"
    merge.finished_at = timezone.now()
    merge.counts = copier.counts
    merge.section_page_id = copier.section_id
    merge.section_path = copier.section_path
    merge.save(
        update_fields=[
            "state", "step", "finished_at", "counts", "section_page_id", "section_path"
        ]
    )  # fmt: skip


def _after_switch(merge_id: int) -> None:
    """Derived data of the absorbing site, then the national layer's turn."""
    merge = UnionMerge.objects.select_related("absorbing").get(pk=merge_id)
    from tenants.tasks import merged_pages_index

    with schema_context(merge.absorbing.schema_name):
        from cms.page_cache import page_cache_clear

        page_cache_clear()
        # Derived, and page by page in Wagtail: in a task of its own, in the absorbing
        # union's schema, so the merge does not wait for it.
        merged_pages_index.delay(merge.section_path)
    union_merged.send(sender=UnionMerge, merge_id=merge_id)


def merged_pages_index(section_path: str) -> int:
    """Search entries for the moved pages, in the current (absorbing) union's schema."""
    from wagtail.models import Page
    from wagtail.search.index import insert_or_update_object

    pages = Page.objects.filter(path__startswith=section_path).specific()
    count = 0
    for page in pages.iterator(chunk_size=200):
        insert_or_update_object(page)
        count += 1
    return count


# --- The copy, schema to schema ---------------------------------------------------------


class _Copier:
    """Copies the absorbed schema's rows into the absorbing schema, inside one transaction.

    New ids come from the absorbing schema's sequences; each foreign key is rewritten
    through the map, and a key to a row that was not copied (a revision, a lock holder)
    becomes NULL. Only these two schemas are named in any statement, and the id map:
    public's `UnionMergeMap` on one PostgreSQL; on a Citus cluster a work table in the
    absorbing schema, so each statement stays on the one worker holding both schemas,
    copied to public at the end (`map_publish`).
    """

    def __init__(self, merge: UnionMerge) -> None:
        self.merge = merge
        self.absorbed = merge.absorbed
        self.absorbing = merge.absorbing
        self.src = _q(self.absorbed.schema_name)
        self.dst = _q(self.absorbing.schema_name)
        self.map_table = UnionMergeMap._meta.db_table
        self.map_ref = f"public.{self.map_table}"
        self.counts: dict[str, int] = {}
        self.section_id: int | None = None
        self.section_path = ""
        self.label = self.absorbed.short_name or self.absorbed.name
        # Named by its own former province (the first it covers), else by its name.
        own = self.absorbed.coverage.select_related("province").first()
        self.origin = own.province.name if own else self.absorbed.name
        # Rows left from an earlier attempt cannot exist (they commit with the switch),
        # but a map is never trusted blindly.
        UnionMergeMap.objects.filter(merge=merge).delete()

    def cluster_prepare(self) -> None:
        """On a Citus cluster: both schemas on one worker (`_schemas_gather` put them
        there), statements joining them sent whole to it, and the work map made there."""
        if not citus_active():
            return
        names = [self.absorbed.schema_name, self.absorbing.schema_name]
        nodes = {p.node for p in schema_placements(names).values()}
        if len(nodes) != 1 or len(schema_placements(names)) != 2:
            raise ValidationError(
                "Hai Liên hiệp Hội không nằm trên cùng một máy chủ của cụm (có thể do đang "
                "cân bằng lại); hãy chạy lại việc sáp nhập.",
                code="not_colocated",
            )
        # Citus plans a statement over two distributed schemas on the same worker as one
        # query to that worker only when told to; checked just above, and nothing moves a
        # schema while this transaction writes to it.
        self._exec("SET LOCAL citus.enable_non_colocated_router_query_pushdown TO on")
        self.map_ref = f"{self.dst}.{_q(_CLUSTER_MAP)}"
        self._exec(
            f'CREATE TABLE {self.map_ref} (merge_id bigint, "table" varchar(100), '
            f'old_id bigint, new_id bigint, PRIMARY KEY (merge_id, "table", old_id))'
        )

    def map_publish(self) -> None:
        """The work map's rows into public's `UnionMergeMap`, the work table dropped (on one
        PostgreSQL the map is public's already)."""
        if self.map_ref == f"public.{self.map_table}":
            return
        rows = _rows(
            f'SELECT "table", old_id, new_id FROM {self.map_ref} WHERE merge_id = %s',
            [self.merge.pk],
        )
        self._exec(
            f'INSERT INTO public.{self.map_table} (merge_id, "table", old_id, new_id) '
            f"SELECT %s, x.t, x.o, x.n FROM unnest(%s::text[], %s::bigint[], %s::bigint[]) "
            f"x(t, o, n)",
            [self.merge.pk, *([row[i] for row in rows] for i in range(3))],
        )
        self._exec(f"DROP TABLE {self.map_ref}")

    # - helpers -

    def _exec(self, sql: str, params: list | tuple = ()) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def _map_sql(self, table: str, column: str) -> str:
        return (
            f"(SELECT m.new_id FROM {self.map_ref} m WHERE m.merge_id = {self.merge.pk} "
            f"AND m.\"table\" = '{table}' AND m.old_id = {column})"
        )

    def _map_existing(self, table: str, select_sql: str, params: list | tuple = ()) -> int:
        """Map old ids to rows the absorbing schema already has; `select_sql` yields
        (old_id, new_id)."""
        return self._exec(
            f'INSERT INTO {self.map_ref} (merge_id, "table", old_id, new_id) '
            f"SELECT {self.merge.pk}, %s, x.old_id, x.new_id FROM ({select_sql}) x(old_id, new_id) "
            f"ON CONFLICT DO NOTHING",
            [table, *params],
        )

    def _allocate(self, table: str, where: str = "TRUE", params: list | tuple = ()) -> int:
        """New ids, from the absorbing schema's sequence, for rows not mapped yet.

        Drawn on this connection, apart from the copy: on a Citus cluster a sequence is
        the coordinator's (a worker hands out no ids for integer keys), while the copy runs
        on the worker."""
        old_ids = [
            row[0]
            for row in _rows(
                f"SELECT s.id FROM {self.src}.{table} s WHERE ({where}) AND NOT EXISTS "
                f"(SELECT 1 FROM {self.map_ref} m WHERE m.merge_id = {self.merge.pk} "
                f'AND m."table" = %s AND m.old_id = s.id) ORDER BY s.id',
                [*params, table],
            )
        ]
        if not old_ids:
            return 0
        new_ids = [
            row[0]
            for row in _rows(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [f"{self.absorbing.schema_name}.{table}", len(old_ids)],
            )
        ]
        return self._exec(
            f'INSERT INTO {self.map_ref} (merge_id, "table", old_id, new_id) '
            f"SELECT {self.merge.pk}, %s, x.o, x.n FROM unnest(%s::bigint[], %s::bigint[]) x(o, n)",
            [table, old_ids, sorted(new_ids)],
        )

    def _copy_new(self, model, **kwargs) -> int:
        """`_insert` for rows that are all new (plain tables): ids allocated, none existing."""
        table = model._meta.db_table
        where = kwargs.pop("where", "TRUE")
        params = kwargs.pop("params", ())
        self._allocate(table, where, params)
        # Only the rows just allocated, not those mapped to existing rows.
        existing = f"NOT EXISTS (SELECT 1 FROM {self.dst}.{table} d WHERE d.id = k.new_id)"
        return self._insert_rows(model, where=f"({where}) AND {existing}", params=params, **kwargs)

    def _insert_rows(self, model, *, where, params, overrides=None, on_conflict="") -> int:
        table = model._meta.db_table
        overrides = overrides or {}
        pk = model._meta.pk
        key_table = _key_table(model)
        columns, expressions, values = [], [], []
        for f in model._meta.local_concrete_fields:
            columns.append(_q(f.column))
            if f.column in overrides:
                sql, sql_params = overrides[f.column]
                expressions.append(sql)
                values.extend(sql_params)
            elif f.primary_key:
                expressions.append("k.new_id")
            elif f.is_relation:
                expressions.append(self._map_sql(_key_table(f.related_model), f"s.{_q(f.column)}"))
            else:
                expressions.append(f"s.{_q(f.column)}")
        count = self._exec(
            f"INSERT INTO {self.dst}.{table} ({', '.join(columns)}) "
            f"SELECT {', '.join(expressions)} FROM {self.src}.{table} s "
            f"JOIN {self.map_ref} k ON k.merge_id = {self.merge.pk} "
            f"AND k.\"table\" = '{key_table}' AND k.old_id = s.{_q(pk.column)} "
            f"WHERE {where} {on_conflict}",
            [*values, *params],
        )
        self.counts[table] = self.counts.get(table, 0) + max(count, 0)
        return count

    # - steps -

    def lock_source(self) -> None:
        """Writers of the absorbed union wait from here to the switch, so nothing saved
        after the copy's first read is lost with the old site."""
        tables = _rows(
            "SELECT string_agg(format('%%I.%%I', schemaname, tablename), ', ') "
            "FROM pg_tables WHERE schemaname = %s",
            [self.absorbed.schema_name],
        )[0][0]
        if tables:
            self._exec(f"LOCK TABLE {tables} IN SHARE MODE")
        # Ids that are the same thing in both schemas: content types, permissions, locales.
        self._map_existing(
            "django_content_type",
            f"SELECT s.id, d.id FROM {self.src}.django_content_type s "
            f"JOIN {self.dst}.django_content_type d USING (app_label, model)",
        )
        self._map_existing(
            "auth_permission",
            f"SELECT s.id, d.id FROM {self.src}.auth_permission s "
            f"JOIN {self.src}.django_content_type sc ON sc.id = s.content_type_id "
            f"JOIN {self.dst}.django_content_type dc USING (app_label, model) "
            f"JOIN {self.dst}.auth_permission d ON d.content_type_id = dc.id "
            f"AND d.codename = s.codename",
        )
        self._map_existing(
            "wagtailcore_locale",
            f"SELECT s.id, COALESCE(d.id, (SELECT min(id) FROM {self.dst}.wagtailcore_locale)) "
            f"FROM {self.src}.wagtailcore_locale s "
            f"LEFT JOIN {self.dst}.wagtailcore_locale d USING (language_code)",
        )

    def users(self) -> None:
        from django.contrib.auth.models import Group

        user_model = _user_model()
        merge_users = [
            int(key)
            for key, value in self.merge.resolutions.get("users", {}).items()
            if value == "merge"
        ]
        self._map_existing(
            "auth_user",
            f"SELECT s.id, d.id FROM {self.src}.auth_user s JOIN {self.dst}.auth_user d "
            f"ON lower(d.email) = lower(s.email) WHERE s.email <> '' AND s.id = ANY(%s::bigint[])",
            [merge_users],
        )
        self._map_existing(
            "auth_group",
            f"SELECT s.id, d.id FROM {self.src}.auth_group s JOIN {self.dst}.auth_group d "
            f"USING (name)",
        )
        self._copy_new(Group)
        self._copy_new(
            Group.permissions.through,
            on_conflict="ON CONFLICT DO NOTHING",
            where=f"{self._map_sql('auth_permission', 's.permission_id')} IS NOT NULL",
            params=(),
        )
        suffix = f".{self.absorbed.schema_name}"
        self._copy_new(
            user_model,
            overrides={
                # Same password hash and flags; a taken login name gets the union's suffix.
                "username": (
                    f"CASE WHEN EXISTS (SELECT 1 FROM {self.dst}.auth_user d "
                    f"WHERE d.username = s.username) THEN s.username || %s ELSE s.username END",
                    [suffix],
                ),
            },
        )
        # Roles: a merged account gains the groups it had in the absorbed union.
        self._copy_new(user_model.groups.through, on_conflict="ON CONFLICT DO NOTHING")
        self._copy_new(
            user_model.user_permissions.through,
            on_conflict="ON CONFLICT DO NOTHING",
            where=f"{self._map_sql('auth_permission', 's.permission_id')} IS NOT NULL",
            params=(),
        )

    def _tree_copy(
        self,
        table: str,
        *,
        where: str,
        old_root: tuple,
        new_root: tuple,
        overrides: dict | None = None,
    ) -> None:
        """Copy a treebeard subtree (pages, collections) under `new_root`: paths and
        depths are rebased, so the tree stays valid without a rebuild."""
        old_path, old_depth = old_root
        new_path, new_depth = new_root
        model = {"wagtailcore_page": _page_model(), "wagtailcore_collection": _collection_model()}[
            table
        ]
        self._allocate(table, where, [])
        self._insert_rows(
            model,
            where=where,
            params=[],
            overrides={
                "path": (f"%s || substr(s.path, {len(old_path) + 1})", [new_path]),
                "depth": (f"s.depth - {old_depth} + {new_depth}", []),
                **(overrides or {}),
            },
        )

    def media(self) -> None:
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import Collection

        with schema_context(self.absorbing.schema_name):
            root = Collection.get_first_root_node()
            name = f"{self.absorbed.name} (trước sáp nhập)"
            section = root.get_children().filter(name=name).first() or root.add_child(name=name)
            section.refresh_from_db()
        src_root = _rows(
            f"SELECT id, path, depth FROM {self.src}.wagtailcore_collection WHERE depth = 1"
        )[0]
        self._map_existing(
            "wagtailcore_collection", "SELECT %s::bigint, %s::bigint", [src_root[0], section.pk]
        )
        self._tree_copy(
            "wagtailcore_collection",
            where="s.depth > 1",
            old_root=(src_root[1], src_root[2]),
            new_root=(section.path, section.depth),
        )
        numchild = _rows(f"SELECT count(*) FROM {self.src}.wagtailcore_collection WHERE depth = 2")[
            0
        ][0]
        self._exec(
            f"UPDATE {self.dst}.wagtailcore_collection SET numchild = %s WHERE id = %s",
            [numchild, section.pk],
        )
        prefix = f"{MEDIA_PREFIX}/{self.absorbed.schema_name}/"
        file_override = {"file": ("%s || s.file", [prefix])}
        self._copy_new(get_image_model(), overrides=file_override)
        self._copy_new(get_document_model(), overrides=file_override)

    def pages(self) -> None:
        from wagtail.models import Page

        from cms.models import HomePage, StandardPage

        home = _rows(
            f"SELECT p.id, p.path, p.depth, p.url_path, p.numchild, p.title "
            f"FROM {self.src}.wagtailcore_page p JOIN {self.src}.cms_homepage h "
            f"ON h.page_ptr_id = p.id ORDER BY p.depth, p.id LIMIT 1"
        )[0]
        home_id, home_path, home_depth, home_url_path, home_numchild, _title = home
        with schema_context(self.absorbing.schema_name):
            their_home = HomePage.objects.order_by("depth", "id").first()
            section = their_home.add_child(
                instance=StandardPage(
                    title=f"{self.absorbed.name} (trước sáp nhập)",
                    slug=_section_slug(self.absorbed, self.absorbing),
                    summary=(
                        f"Trang thông tin của {self.absorbed.name} trước khi sáp nhập vào "
                        f"{self.absorbing.name} ngày {self.merge.merge_date:%d/%m/%Y}."
                    ),
                    live=True,
                )
            )
            section = Page.objects.get(pk=section.pk)
        self.section_id, self.section_path = section.pk, section.path
        self.their_home_url_path = their_home.url_path
        self.home_url_path = home_url_path
        self._map_existing(
            "wagtailcore_page", "SELECT %s::bigint, %s::bigint", [home_id, section.pk]
        )
        where = f"s.path LIKE '{home_path}%%' AND s.depth > {home_depth}"
        self._tree_copy(
            "wagtailcore_page",
            where=where,
            old_root=(home_path, home_depth),
            new_root=(section.path, section.depth),
            overrides={
                "url_path": (
                    f"%s || substr(s.url_path, {len(home_url_path) + 1})",
                    [section.url_path],
                ),
                "translation_key": ("gen_random_uuid()", []),
                "alias_of_id": ("NULL", []),
                "locked": ("false", []),
                "locked_by_id": ("NULL", []),
                "locked_at": ("NULL", []),
            },
        )
        self._exec(
            f"UPDATE {self.dst}.wagtailcore_page SET numchild = %s WHERE id = %s",
            [home_numchild, section.pk],
        )
        self.counts["wagtailcore_page"] = self.counts.get("wagtailcore_page", 0)
        moved = f"{self._map_sql('wagtailcore_page', 's.page_ptr_id')} IS NOT NULL"
        for model in _page_type_models():
            if model is HomePage:
                continue
            self._insert_rows(model, where=moved, params=[])

    def categories_and_tags(self) -> None:
        """Before the pages, whose categories and tags point at them."""
        from taggit.models import Tag

        from cms.models import NewsCategory

        keep = [
            key
            for key, value in self.merge.resolutions.get("categories", {}).items()
            if value == "keep"
        ]
        self._map_existing(
            "cms_newscategory",
            f"SELECT s.id, d.id FROM {self.src}.cms_newscategory s "
            f"JOIN {self.dst}.cms_newscategory d ON d.slug = s.slug OR d.name = s.name "
            f"WHERE NOT (s.slug = ANY(%s::text[]))",
            [keep],
        )
        taken = (
            f"EXISTS (SELECT 1 FROM {self.dst}.cms_newscategory d "
            f"WHERE d.slug = s.slug OR d.name = s.name)"
        )
        self._copy_new(
            NewsCategory,
            overrides={
                "name": (
                    f"CASE WHEN {taken} THEN s.name || ' (' || %s || ')' ELSE s.name END",
                    [self.label],
                ),
                "slug": (
                    f"CASE WHEN {taken} THEN s.slug || '-' || %s ELSE s.slug END",
                    [self.absorbed.schema_name],
                ),
            },
        )
        self._map_existing(
            "taggit_tag",
            f"SELECT s.id, d.id FROM {self.src}.taggit_tag s JOIN {self.dst}.taggit_tag d "
            f"USING (name)",
        )
        self._copy_new(
            Tag,
            overrides={
                "slug": (
                    f"CASE WHEN EXISTS (SELECT 1 FROM {self.dst}.taggit_tag d "
                    f"WHERE d.slug = s.slug) THEN s.slug || '-' || %s ELSE s.slug END",
                    [self.absorbed.schema_name],
                )
            },
        )

    def site_furniture(self) -> None:
        from wagtail.contrib.forms.models import FormSubmission

        from cms.models import (
            ArticleTag,
            Banner,
            ContactFormField,
            EventRegistration,
            OfficialDocument,
            ReaderComment,
            WebsiteLink,
        )

        for model in (
            ArticleTag,
            ReaderComment,
            EventRegistration,
            ContactFormField,
            FormSubmission,
            Banner,
        ):
            self._copy_new(model)
        self._copy_new(
            WebsiteLink,
            where=f"NOT EXISTS (SELECT 1 FROM {self.dst}.cms_websitelink d WHERE d.url = s.url)",
        )
        self._copy_new(OfficialDocument)

    def records(self) -> None:
        from cms.records.models import (
            Activity,
            Committee,
            Congress,
            MemberCount,
            MemberOrganisation,
            Person,
            Position,
            Report,
            ReportingPeriod,
        )

        self._map_existing(
            "records_reportingperiod",
            f"SELECT s.id, d.id FROM {self.src}.records_reportingperiod s "
            f"JOIN {self.dst}.records_reportingperiod d ON d.kind = s.kind AND d.year = s.year "
            f"AND d.half IS NOT DISTINCT FROM s.half",
        )
        self._copy_new(ReportingPeriod)
        # Same association in both: the moved one is "merged into" the absorbing union's,
        # keeping its own history of counts; or both stay, the moved one named by origin.
        targets = []
        for key, value in self.merge.resolutions.get("organisations", {}).items():
            if value != "merge":
                continue
            name = _rows(
                f"SELECT name FROM {self.src}.records_memberorganisation WHERE id = %s", [int(key)]
            )
            match = [
                pk
                for pk, their_name in _rows(
                    f"SELECT id, name FROM {self.dst}.records_memberorganisation "
                    f"WHERE status = 'active' ORDER BY id"
                )
                if name and name_normalise(their_name) == name_normalise(name[0][0])
            ]
            if match:
                targets.append((int(key), match[0]))
        merged_ids = [old for old, _new in targets]
        successor = self._map_sql("records_memberorganisation", "s.merged_into_id")
        target_of = "(SELECT x.t FROM unnest(%s::bigint[], %s::bigint[]) x(o, t) WHERE x.o = s.id)"
        name_taken = (
            f"s.status = 'active' AND EXISTS (SELECT 1 FROM "
            f"{self.dst}.records_memberorganisation d "
            f"WHERE d.name = s.name AND d.status = 'active')"
        )
        self._copy_new(
            MemberOrganisation,
            overrides={
                "name": (
                    f"CASE WHEN s.id <> ALL(%s::bigint[]) AND {name_taken} "
                    f"THEN s.name || ' (' || %s || ')' ELSE s.name END",
                    [merged_ids, self.origin],
                ),
                "status": (
                    "CASE WHEN s.id = ANY(%s::bigint[]) THEN 'merged' ELSE s.status END",
                    [merged_ids],
                ),
                "merged_into_id": (
                    f"COALESCE({target_of}, {successor})",
                    [[o for o, _t in targets], [t for _o, t in targets]],
                ),
                "origin": ("COALESCE(NULLIF(s.origin, ''), %s)", [self.origin]),
                "moved_from": ("%s", [self.absorbed.schema_name]),
            },
        )
        self._copy_new(MemberCount)
        moved_from = {"moved_from": ("%s", [self.absorbed.schema_name])}
        self._copy_new(Activity, overrides=moved_from)
        self._copy_new(
            Congress,
            overrides={
                **moved_from,
                "note": (
                    "CASE WHEN s.note = '' THEN %s ELSE s.note || ' — ' || %s END",
                    [f"Nhiệm kỳ của {self.absorbed.name} trước sáp nhập"] * 2,
                ),
            },
        )
        for model in (Committee, Person, Position):
            self._copy_new(model)
        self._copy_new(Report, overrides=moved_from)

    def links_rewrite(self) -> None:
        """Internal links and images in rich text and stream fields point at the new ids."""
        maps = {
            kind: dict(
                _rows(
                    f"SELECT old_id, new_id FROM {self.map_ref} "
                    f'WHERE merge_id = %s AND "table" = %s',
                    [self.merge.pk, table],
                )
            )
            for kind, table in (
                ("page", "wagtailcore_page"),
                ("image", "wagtailimages_image"),
                ("document", "wagtaildocs_document"),
            )
        }
        rewrite = _LinkRewriter(maps)
        for model in _page_type_models():
            text_columns = [
                f.column
                for f in model._meta.local_concrete_fields
                if f.get_internal_type() in ("TextField", "JSONField")
                or type(f).__name__ in ("RichTextField", "StreamField")
            ]
            if not text_columns or model._meta.pk.column != "page_ptr_id":
                continue
            table = model._meta.db_table
            new_ids = list(maps["page"].values())
            rows = _rows(
                f"SELECT page_ptr_id, {', '.join(_q(c) + '::text' for c in text_columns)} "
                f"FROM {self.dst}.{table} WHERE page_ptr_id = ANY(%s)",
                [new_ids],
            )
            casts = {
                f.column: ("::jsonb" if f.get_internal_type() == "JSONField" else "")
                for f in model._meta.local_concrete_fields
            }
            updates = []
            for row in rows:
                values = [
                    rewrite(value)
                    if value and ("linktype" in value or "image" in value or "embedtype" in value)
                    else value
                    for value in row[1:]
                ]
                if values != list(row[1:]):
                    updates.append([*values, row[0]])
            if updates:
                sets = ", ".join(f"{_q(c)} = %s{casts[c]}" for c in text_columns)
                with connection.cursor() as cursor:
                    # One statement, sent in a pipeline for every changed page.
                    cursor.executemany(
                        f"UPDATE {self.dst}.{table} SET {sets} WHERE page_ptr_id = %s", updates
                    )

    def redirects(self) -> None:
        """Old path → new path, page by page, and each document's download address."""
        MergeRedirect.objects.filter(union=self.absorbed).delete()
        cut_old = len(self.home_url_path)
        cut_new = len(self.their_home_url_path)
        # Read where the two schemas are (a worker, on a cluster), written to public.
        moved = _rows(
            f"SELECT substr(s.url_path, {cut_old}), substr(d.url_path, {cut_new}) "
            f"FROM {self.src}.wagtailcore_page s "
            f"JOIN {self.map_ref} m ON m.merge_id = {self.merge.pk} "
            f"AND m.\"table\" = 'wagtailcore_page' AND m.old_id = s.id "
            f"JOIN {self.dst}.wagtailcore_page d ON d.id = m.new_id "
            f"WHERE s.url_path IS NOT NULL AND length(s.url_path) <= 700"
        ) + _rows(
            f"SELECT '/documents/' || s.id || '/' || regexp_replace(s.file, '^.*/', ''), "
            f"'/documents/' || m.new_id || '/' || regexp_replace(s.file, '^.*/', '') "
            f"FROM {self.src}.wagtaildocs_document s "
            f"JOIN {self.map_ref} m ON m.merge_id = {self.merge.pk} "
            f"AND m.\"table\" = 'wagtaildocs_document' AND m.old_id = s.id"
        )
        self._exec(
            f"INSERT INTO public.{MergeRedirect._meta.db_table} (union_id, old_path, new_path) "
            f"SELECT %s, x.o, x.n FROM unnest(%s::text[], %s::text[]) x(o, n) "
            f"ON CONFLICT DO NOTHING",
            [self.absorbed.pk, [old for old, _new in moved], [new for _old, new in moved]],
        )

    def predecessor_record(self) -> None:
        """Tell the absorbing union's records which rows are the predecessor's (its
        figures before the merger stay its own in the statistics)."""
        from cms.records.models import Predecessor

        with schema_context(self.absorbing.schema_name):
            Predecessor.objects.update_or_create(
                schema_name=self.absorbed.schema_name,
                defaults={
                    "name": self.absorbed.name,
                    "merged_on": self.merge.merge_date,
                    "section_path": self.section_path,
                },
            )


class _LinkRewriter:
    """Rewrites ids in stored rich text (`linktype="page" id="12"`, also JSON-escaped)
    and stream-field image blocks (`"type": "image", "value": {"image": 12 …}`)."""

    _RICH = re.compile(
        r'(?P<head>(?:linktype|embedtype)=(?P<q>\\?")(?P<kind>page|document|image)(?P=q)'
        r"(?:[^<>]*?)\bid=(?P=q))(?P<id>\d+)"
    )
    _BLOCK_IMAGE = re.compile(r'("image"\s*:\s*)(\d+)')

    def __init__(self, maps: dict[str, dict[int, int]]) -> None:
        self.maps = maps

    def __call__(self, text: str) -> str:
        def rich(match: re.Match) -> str:
            new = self.maps[match["kind"]].get(int(match["id"]))
            return f"{match['head']}{new if new is not None else match['id']}"

        text = self._RICH.sub(rich, text)

        def block(match: re.Match) -> str:
            new = self.maps["image"].get(int(match[2]))
            return f"{match[1]}{new if new is not None else match[2]}"

        return self._BLOCK_IMAGE.sub(block, text)


def _key_table(model: type[models.Model]) -> str:
    """The table whose ids a model's rows share: a page type's are its `Page` row's."""
    while model._meta.pk.is_relation:
        model = model._meta.pk.related_model
    return model._meta.db_table


def _page_model():
    from wagtail.models import Page

    return Page


def _collection_model():
    from wagtail.models import Collection

    return Collection


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def _page_type_models() -> list[type[models.Model]]:
    """Every concrete page type a union's site can hold (Wagtail's own `Page` aside)."""
    from wagtail.models import Page, get_page_models

    return [
        model for model in get_page_models() if model is not Page and model._meta.app_label == "cms"
    ]


# --- Redirects on the old host -----------------------------------------------------------


def merged_redirect_path(*, union_id: int, path: str) -> tuple[str | None, str]:
    """(the absorbing union's primary host, the path there) for a path of a merged
    union's host. One query; an unknown path goes to the new home."""
    candidates = [path]
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        prefix = "/".join(parts) + "/"
        if prefix != "/":
            candidates.append(prefix)
    if path != "/":
        candidates.append("/")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT d.domain FROM {Domain._meta.db_table} d "
            f"JOIN {Union._meta.db_table} u ON u.merged_into_id = d.tenant_id "
            f"WHERE u.id = %s ORDER BY d.is_primary DESC, d.id LIMIT 1), "
            f"r.old_path, r.new_path FROM (SELECT 1) one LEFT JOIN LATERAL ("
            f"SELECT old_path, new_path FROM {MergeRedirect._meta.db_table} "
            f"WHERE union_id = %s AND old_path = ANY(%s) ORDER BY length(old_path) DESC LIMIT 1"
            f") r ON true",
            [union_id, union_id, candidates],
        )
        host, old_path, new_path = cursor.fetchone()
    if old_path is None or (old_path == "/" and path != "/"):
        media = _media_redirect(union_id, path)
        return host, media or "/"
    return host, new_path + path[len(old_path) :]


def _media_redirect(union_id: int, path: str) -> str | None:
    """A moved file's address: /media/<old>/x → /media/<new>/sap-nhap/<old>/x."""
    match = re.match(r"^/media/([a-z0-9_]+)/(original_images|documents)/(.+)$", path)
    if not match:
        return None
    union = Union.objects.filter(pk=union_id).select_related("merged_into").first()
    if union is None or union.merged_into is None or match[1] != union.schema_name:
        return None
    folder = f"{MEDIA_PREFIX}/{union.schema_name}/{match[2]}"
    return f"/media/{union.merged_into.schema_name}/{folder}/{match[3]}"
