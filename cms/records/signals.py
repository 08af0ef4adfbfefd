"""`records_changed` tells the national statistics which of a union's periods moved.

It is sent after commit, with IDs only; receivers recompute from the records.
"""

from django.db import connection, transaction
from django.dispatch import Signal

records_changed = Signal()  # kwargs: schema_name: str, period_ids: list[int]


def records_changed_on_commit(*period_ids: int) -> None:
    schema_name = connection.schema_name
    ids = sorted({pk for pk in period_ids if pk is not None})
    transaction.on_commit(
        lambda: records_changed.send(sender=None, schema_name=schema_name, period_ids=ids)
    )
