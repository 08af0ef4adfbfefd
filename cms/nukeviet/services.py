"""Import a union's old NukeViet site: stage, preview, apply."""

import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cms.nukeviet import archive
from cms.nukeviet.html import Resolvers, body_blocks, upload_path
from cms.nukeviet.importer import Importer, Report
from cms.nukeviet.models import NukeVietImport
from cms.nukeviet.staging import StagedDump, _quote, text

PREVIEW_ARTICLES = 3
PREVIEW_CHECKED = 300


def work_dir(run: NukeVietImport) -> Path:
    """The run's private folder: the uploaded files, the staged dump, the unpacked uploads.

    Outside MEDIA_ROOT, so nothing in it is ever served; per schema, so a run can only
    reach its own union's folder.
    """
    return Path(settings.NUKEVIET_WORK_ROOT) / connection.schema_name / str(run.pk)


def stage(
    *,
    dump_path: str,
    uploads_path: str | None,
    into: Path,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[StagedDump, Path | None]:
    """Read the dump into SQLite and unpack the uploads; raises DumpError or ArchiveError."""
    into.mkdir(parents=True, exist_ok=True)
    size = Path(dump_path).stat().st_size
    staged_file = into / "staged.sqlite3"
    staged_file.unlink(missing_ok=True)
    staged = StagedDump.load(
        dump_path=dump_path,
        sqlite_path=staged_file,
        progress=(lambda read: progress("dump", min(read, size), size)) if progress else None,
    )
    files_root = None
    if uploads_path:
        files_root = into / "files"
        archive.clear(files_root)
        files_root.mkdir()
        if progress:
            progress("uploads", 0, 1)
        archive.unpack(uploads_path, files_root)
    return staged, files_root


def run_import(
    *,
    staged: StagedDump,
    files_root: Path | None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Write everything into the current union's schema, all or nothing."""
    return Importer(staged, files_root=files_root, progress=progress).run(dry_run=dry_run)


def import_from_paths(
    *,
    dump_path: str,
    uploads_path: str | None = None,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """The command line's whole import, staging in a temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="nukeviet-", dir=_tmp_root()) as folder:
        staged, files_root = stage(
            dump_path=dump_path, uploads_path=uploads_path, into=Path(folder), progress=progress
        )
        try:
            return run_import(
                staged=staged,
                files_root=files_root,
                dry_run=dry_run,
                progress=(lambda done, total: progress("import", done, total))
                if progress
                else None,
            )
        finally:
            staged.close()


def _tmp_root() -> str:
    root = Path(settings.NUKEVIET_WORK_ROOT) / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return str(root)


# -- the admin's flow: upload → preview (worker) → confirm → apply (worker) -----------
@transaction.atomic
def import_create(*, user, dump, uploads=None) -> NukeVietImport:
    """Keep the uploaded files in the run's private folder."""
    run = NukeVietImport.objects.create(
        dump_name=Path(dump.name).name[:255],
        uploads_name=Path(uploads.name).name[:255] if uploads else "",
        created_by=user.get_username(),
    )
    folder = work_dir(run)
    folder.mkdir(parents=True, exist_ok=True)
    for upload, name in ((dump, "dump"), (uploads, "uploads")):
        if upload is None:
            continue
        if hasattr(upload, "temporary_file_path"):
            # A large upload is already on disk: moved, not copied again.
            shutil.move(upload.temporary_file_path(), folder / name)
            continue
        with open(folder / name, "wb") as sink:
            for chunk in upload.chunks():
                sink.write(chunk)
    return run


def import_paths(run: NukeVietImport) -> tuple[str, str | None]:
    folder = work_dir(run)
    uploads = folder / "uploads"
    return str(folder / "dump"), str(uploads) if uploads.exists() else None


def import_preview(run: NukeVietImport, progress=None) -> dict:
    """Stage the run's files and describe what an import would make; nothing is written."""
    dump_path, uploads_path = import_paths(run)
    folder = work_dir(run)
    staged, files_root = stage(
        dump_path=dump_path, uploads_path=uploads_path, into=folder, progress=progress
    )
    try:
        preview = describe(staged, files_root)
    finally:
        staged.close()
    run.preview = preview
    run.status = NukeVietImport.Status.PREVIEWED
    run.error = ""
    run.save(update_fields=["preview", "status", "error"])
    return preview


def import_apply(run: NukeVietImport, progress=None) -> Report:
    folder = work_dir(run)
    files = folder / "files"
    staged = StagedDump.open(folder / "staged.sqlite3")
    try:
        report = run_import(
            staged=staged, files_root=files if files.exists() else None, progress=progress
        )
    finally:
        staged.close()
    run.report = report.as_dict() | {"lines": report.lines()}
    run.status = NukeVietImport.Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["report", "status", "finished_at"])
    shutil.rmtree(folder, ignore_errors=True)
    return report


def import_fail(run: NukeVietImport, message: str) -> None:
    run.status = NukeVietImport.Status.FAILED
    run.error = message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])


def describe(staged: StagedDump, files_root: Path | None) -> dict:
    """Counts per kind, problems found and the newest articles rendered, for the preview."""
    importer = Importer(staged, files_root=files_root)
    counts: dict[str, int] = {}
    problems: list[str] = []
    statuses = {"published": 0, "scheduled": 0, "draft": 0}
    articles: list[dict] = []

    def exists(relative: str | None) -> bool:
        return bool(relative) and importer._file_path(relative) is not None

    for module in importer.news_modules:
        counts[f"Chuyên mục ({module.custom_title})"] = staged.count(staged.table(module, "cat"))
        table = staged.table(module, "rows")
        if not staged.has(table):
            continue
        counts[f"Bài tin ({module.custom_title})"] = staged.count(table)
        missing_images = 0
        rows = staged.iterate(f"SELECT * FROM {_quote(table)} ORDER BY publtime DESC")
        for position, row in enumerate(rows):
            statuses[importer._status(row)[0]] += 1
            name = str(row["homeimgfile"] or "")
            if name and int(row["homeimgthumb"] or 0) in (1, 2):
                if not exists(f"uploads/{module.upload}/{name}"):
                    missing_images += 1
            if position >= PREVIEW_CHECKED:
                continue
            body, _ = staged.body_html(module, int(row["id"]))
            images: list[str] = []
            conversion = body_blocks(body, _preview_resolvers(importer, images))
            where = f"Bài “{text(row['title'])[:60]}”"
            problems += [f"{where}: {p}" for p in conversion.problems]
            problems += [
                f"{where}: liên kết tới bài cũ không còn tồn tại ({href[:100]})"
                for href in conversion.dead_links
            ]
            problems += [
                f"{where}: không tìm thấy ảnh {src} trong tệp tải lên"
                for src in images
                if not exists(src)
            ]
            if len(articles) < PREVIEW_ARTICLES and importer._status(row)[0] == "published":
                articles.append(
                    {
                        "title": text(row["title"]),
                        "summary": text(row["hometext"]),
                        "html": _preview_html(conversion.blocks),
                    }
                )
        if missing_images:
            problems.append(f"{missing_images} ảnh đại diện không có trong tệp tải lên")
    for module in importer.page_modules:
        counts[f"Trang ({module.custom_title})"] = staged.count(staged.table(module))
    for module in importer.law_modules:
        counts[f"Văn bản ({module.custom_title})"] = staged.count(staged.table(module, "row"))
    counts["Bình luận"] = staged.count(f"{staged.prefix}_{staged.lang}_comment")
    if files_root is None:
        problems.append("Chưa tải lên thư mục ảnh (uploads): bài sẽ được nhập không có ảnh.")
    else:
        counts["Tệp trong thư mục tải lên"] = sum(1 for p in files_root.rglob("*") if p.is_file())
    return {
        # Pairs, not an object: jsonb would reorder the keys.
        "counts": [[label, count] for label, count in counts.items() if count],
        "statuses": statuses,
        "problems": problems[:200],
        "problems_total": len(problems),
        "articles": articles,
    }


def _preview_resolvers(importer: Importer, images: list[str]) -> Resolvers:
    def image(src: str, alt: str) -> int | None:
        relative = upload_path(src, importer.old_hosts)
        if relative:
            images.append(relative)
        return None

    def page(href: str) -> int | None:
        found = importer._old_target(href)
        if found is None:
            return None
        table = None
        for module in importer.news_modules:
            if module.title == found.module:
                table = importer.staged.table(module, "rows")
        if table and importer.staged.query(
            f"SELECT 1 FROM {_quote(table)} WHERE id = ?", (int(found.key),)
        ):
            return 0
        return None

    def document(href: str) -> int | None:
        relative = upload_path(href, importer.old_hosts)
        return 0 if relative and importer._file_path(relative) else None

    return Resolvers(
        image=image,
        page=page,
        document=document,
        is_old_article=lambda href: (
            (found := importer._old_target(href)) is not None and found.kind == "article"
        ),
    )


def _preview_html(blocks: list[dict]) -> str:
    from html import escape

    parts = []
    for block in blocks:
        if block["type"] == "paragraph":
            parts.append(re.sub(r'<a linktype="[a-z]+" id="\d+">', "<a>", block["value"]))
        elif block["type"] == "table":
            rows = "".join(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                for row in block["value"]["data"]
            )
            parts.append(f"<table>{rows}</table>")
        elif block["type"] == "video":
            parts.append("<p>[Video]</p>")
    return "".join(parts)
