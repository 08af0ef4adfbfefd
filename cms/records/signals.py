"""What a union's records tell the layers above them (the national layer listens).

`records_changed` says which of a union's periods moved. It is sent after commit,
with IDs only; receivers recompute from the records.

`report_submitted` is sent inside the submission's transaction, with the frozen
report: the national record of it commits, or not, with the report itself.
"""

from django.db import transaction
from django.dispatch import Signal

from lhh.web.schema_scope import current_schema

records_changed = Signal()  # kwargs: schema_name: str, period_ids: list[int]
report_submitted = Signal()  # kwargs: report: Report (in the current union's schema)


def records_changed_on_commit(*period_ids: int | None) -> None:
    """After commit, tell which periods moved; None (no period) is left out."""
    schema_name = current_schema()
    ids = sorted({pk for pk in period_ids if pk is not None})
    transaction.on_commit(
        lambda: records_changed.send(sender=None, schema_name=schema_name, period_ids=ids)
    )
