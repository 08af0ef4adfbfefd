"""Where a union's schema lives on a Citus cluster, and moving it there live.

A union's schema is one distributed schema: all its tables on one worker
(tenants.citus). Moving it is Citus's `citus_schema_move`, which copies the tables to
the target worker by logical replication while the union keeps being read and
written, then blocks writes to the schema for the switch-over only (measured in
docs/benchmarks.md, "Citus"). Reads go on throughout. The host → union routing does
not change: the schema keeps its name and the coordinator sends each query to wherever
the schema is.
"""

import logging
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection

from tenants.citus import citus_active, schema_placements, worker_nodes
from tenants.models import Union

logger = logging.getLogger(__name__)

# auto: logical replication (writes blocked only at the switch-over) when every table
# has a replica identity -- every Django table has a primary key -- else refused.
TRANSFER_MODES = ("auto", "force_logical", "block_writes")


@dataclass(frozen=True)
class MoveResult:
    schema_name: str
    source: str
    target: str
    seconds: float


def _cluster_required() -> None:
    if not citus_active():
        raise ValidationError(
            "Cơ sở dữ liệu này không chạy Citus: không có máy chủ nào để chuyển "
            "Liên hiệp Hội sang.",
            code="not_citus",
        )


def _node_parse(node: str) -> tuple[str, int]:
    host, _, port = node.rpartition(":")
    if not host or not port.isdigit():
        raise ValidationError(
            "Máy chủ đích phải có dạng máy:cổng, ví dụ 127.0.0.1:57401.", code="bad_node"
        )
    return host, int(port)


def union_move(*, union: Union, to: str, mode: str = "auto") -> MoveResult:
    """Move a union's schema to the worker `to` ("host:port"), live.

    Not inside a transaction: Citus commits the copy and the switch-over itself.
    """
    _cluster_required()
    if mode not in TRANSFER_MODES:
        raise ValidationError("Chế độ chuyển không hợp lệ.", code="bad_mode")
    host, port = _node_parse(to)
    workers = worker_nodes()
    if f"{host}:{port}" not in workers:
        raise ValidationError(
            "“%(node)s” không phải máy chủ worker của cụm; các worker: %(workers)s.",
            code="unknown_node",
            params={"node": to, "workers": ", ".join(workers)},
        )
    placement = schema_placements([union.schema_name]).get(union.schema_name)
    if placement is None:
        raise ValidationError(
            "Lược đồ của “%(name)s” chưa được phân tán trên cụm.",
            code="not_distributed",
            params={"name": union.schema_name},
        )
    if placement.node == f"{host}:{port}":
        raise ValidationError(
            "“%(name)s” đã ở trên %(node)s.",
            code="already_there",
            params={"name": union.schema_name, "node": to},
        )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT citus_schema_move(%s::regnamespace, %s, %s, %s::citus.shard_transfer_mode)",
            [union.schema_name, host, port, mode],
        )
    result = MoveResult(union.schema_name, placement.node, to, time.perf_counter() - started)
    logger.info(
        "union moved",
        extra={
            "schema": union.schema_name,
            "from": result.source,
            "to": to,
            "seconds": round(result.seconds, 3),
        },
    )
    return result


def unions_rebalance(*, mode: str = "auto") -> list[MoveResult]:
    """Spread the union schemas evenly over the workers (Citus's rebalancer); the moves made."""
    _cluster_required()
    if mode not in TRANSFER_MODES:
        raise ValidationError("Chế độ chuyển không hợp lệ.", code="bad_mode")
    before = {name: p.node for name, p in schema_placements().items()}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rebalance_table_shards(shard_transfer_mode => %s::citus.shard_transfer_mode)",
            [mode],
        )
    seconds = time.perf_counter() - started
    after = {name: p.node for name, p in schema_placements().items()}
    moves = [
        MoveResult(name, before[name], node, seconds)
        for name, node in sorted(after.items())
        if name in before and before[name] != node
    ]
    logger.info("unions rebalanced", extra={"moves": len(moves), "seconds": round(seconds, 3)})
    return moves
