"""The import's two background steps; each takes the run's id and runs in its union's schema
(tenant-schemas-celery carries the schema the task was queued from)."""

import logging

from cms.nukeviet import services
from cms.nukeviet.archive import ArchiveError
from cms.nukeviet.dump import DumpError
from cms.nukeviet.models import NukeVietImport
from cms.records.progress import progress_set
from lhh.celery import app

log = logging.getLogger(__name__)
_STAGES = {"dump": "Đang đọc bản sao lưu", "uploads": "Đang giải nén thư mục tải lên"}
_UNEXPECTED = "Lỗi không mong muốn khi nhập; không có gì được lưu. Hãy thử lại hoặc báo kỹ thuật."


def job_id(run_id: int) -> str:
    return f"nukeviet-{run_id}"


def _failed(run: NukeVietImport, message: str) -> None:
    services.import_fail(run, message)
    progress_set(job_id(run.pk), done=0, total=0, state="failed", message=message)


@app.task
def nukeviet_preview(run_id: int) -> None:
    run = NukeVietImport.objects.get(pk=run_id)
    job = job_id(run_id)

    def progress(stage: str, done: int, total: int) -> None:
        progress_set(job, done=done, total=total, message=_STAGES.get(stage, ""))

    run.status = NukeVietImport.Status.RUNNING
    run.save(update_fields=["status"])
    try:
        services.import_preview(run, progress=progress)
    except (DumpError, ArchiveError) as error:
        _failed(run, str(error))
        return
    except Exception:
        log.exception("NukeViet preview %s failed", run_id)
        _failed(run, _UNEXPECTED)
        return
    progress_set(job, done=1, total=1, state="previewed", message="Đã đọc xong; mời xem trước.")


@app.task
def nukeviet_apply(run_id: int) -> None:
    run = NukeVietImport.objects.get(pk=run_id)
    job = job_id(run_id)
    run.status = NukeVietImport.Status.RUNNING
    run.save(update_fields=["status"])
    try:
        report = services.import_apply(
            run,
            progress=lambda done, total: progress_set(
                job, done=done, total=total, message="Đang nhập"
            ),
        )
    except Exception:
        # All or nothing: the transaction rolled back and the files it wrote are gone.
        log.exception("NukeViet import %s failed", run_id)
        _failed(run, _UNEXPECTED)
        return
    progress_set(job, done=1, total=1, state="done", message=report.lines()[0])
