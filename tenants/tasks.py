from django_tenants.utils import schema_context

from lhh.celery import NationalTask, app
from tenants import backups, deletion, services
from tenants.models import Union
from tenants.selectors import unions_working


@app.task(base=NationalTask)
def warm_pool_refill() -> int:
    return services.warm_pool_refill()


@app.task(base=NationalTask)
def union_fan_out(task_name: str) -> int:
    """Queue `task_name` once in every working union's schema. Returns how many.

    Archived unions get nothing (their data is frozen; `UnionTask` also refuses
    anything queued before the archive). Suspended ones still do: see `UnionTask`.
    """
    schemas = unions_working().values_list("schema_name", flat=True)
    count = 0
    for schema_name in schemas:
        with schema_context(schema_name):
            # The app stamps each message with the schema active here.
            app.send_task(task_name)
        count += 1
    return count


@app.task(base=NationalTask)
def unions_backup() -> int:
    """Beat's nightly backup: one task per working union, so one failure stops no other."""
    ids = list(unions_working().values_list("pk", flat=True))
    for union_id in ids:
        union_backup.delay(union_id)
    return len(ids)


@app.task(base=NationalTask)
def union_backup(union_id: int) -> str:
    union = Union.objects.select_related("province").get(pk=union_id)
    return str(backups.union_backup(union=union))


@app.task(base=NationalTask)
def platform_backup() -> str:
    return str(backups.platform_backup())


# Acknowledged after the run: a worker killed mid-deletion has rolled the deletion
# back, and the request is delivered again (`union_deletion_carry_out` runs it once).
@app.task(base=NationalTask, acks_late=True, reject_on_worker_lost=True)
def union_delete_run(deletion_id: int) -> None:
    deletion.union_deletion_carry_out(deletion_id=deletion_id)


# Acknowledged after the run: a worker killed mid-merge has rolled the copy back, and the
# merge is delivered again; `merge_carry_out` finishes it once, without duplicates.
@app.task(base=NationalTask, acks_late=True, reject_on_worker_lost=True)
def union_merge_run(merge_id: int) -> None:
    from tenants.merging import merge_carry_out

    merge_carry_out(merge_id=merge_id)


@app.task
def merged_pages_index(section_path: str) -> int:
    """A UnionTask: search entries of a merger's moved pages, in the absorbing union."""
    from tenants.merging import merged_pages_index as index

    return index(section_path)
