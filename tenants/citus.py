"""What Citus 12 schema-based sharding asks of the code, checked from the code itself.

With `citus.enable_schema_based_sharding`, each union schema becomes a distributed
schema: all its tables live together on one worker node, and a query that stays in
one schema is sent whole to that node. `public` stays on the coordinator; the public
tables a union schema must reach in the same statement or by foreign key have to be
reference tables, copied to every node. deploy/SCALING.md explains the move; these
rules are what keeps it possible:

1. A model of a union-only app may point (foreign key, many-to-many) only at a model
   whose table is in the union's schema too (an app in both lists: search_path finds
   the union's own copy), or at a public model on `REFERENCE_MODELS`.
2. A public-only model may never point at a union-only model: its table is in no
   schema that public can reach, and Citus has no foreign key from public into a
   distributed schema.
3. A reference model may only point at other reference models (Citus replicates the
   table to every node; its foreign keys must be satisfiable on every node).
4. SQL written by hand must not name a schema that it interpolates (`FROM
   "{schema}".table`): that is a query across union schemas, which Citus cannot send
   to one node. The few operator-side places that do it on purpose are listed in
   `CROSS_SCHEMA_SQL_ALLOWED`, each with why.
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models

# Public tables a union schema may reach: regions and provinces (fixed lists, read with
# a union's own figures). Nothing in a union schema points at them today; listing them
# keeps the door open and is checked by rule 3.
REFERENCE_MODELS = frozenset({"tenants.Region", "tenants.Province"})

# Source files whose hand-written SQL reads several union schemas on purpose.
CROSS_SCHEMA_SQL_ALLOWED = {
    # One operator query over every schema's django_migrations (upgrades); on Citus the
    # coordinator gathers the parts, fine for a deploy step, never on a request.
    "tenants/migration_state.py",
    # A merger copies the absorbed union's rows into the absorbing union's schema, once, in
    # the worker (issue 15). On a cluster the absorbed schema is first moved to the
    # absorbing one's worker, so each statement runs whole on that worker
    # (deploy/SCALING.md, "Merging on a cluster").
    "tenants/merging.py",
}

SOURCE_DIRS = ("api", "cms", "platform", "tenants")

# A table qualified by an interpolated schema name, in an f-string or a format string.
_CROSS_SCHEMA_SQL = re.compile(
    r"""\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+"?\{[^{}]+\}"?\.\w""", re.IGNORECASE
)


def _place(model: type[models.Model]) -> str:
    """ "union", "public" or "both": where the model's table exists."""
    name = apps.get_app_config(model._meta.app_label).name
    shared, tenant = name in settings.SHARED_APPS, name in settings.TENANT_APPS
    return "both" if shared and tenant else "union" if tenant else "public"


def model_problems(
    candidates: Iterable[type[models.Model]] | None = None,
    reference: frozenset[str] = REFERENCE_MODELS,
) -> list[str]:
    """Rules 1–3 over these models (every installed model by default)."""
    if candidates is None:
        candidates = apps.get_models(include_auto_created=True)
    problems = []
    for model in candidates:
        source, label = _place(model), model._meta.label
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            target = field.related_model
            if isinstance(target, str):
                continue  # unresolved: Django's own checks report it
            where, target_label = _place(target), target._meta.label
            arrow = f"{label}.{field.name} → {target_label}"
            if source == "union" and where == "public" and target_label not in reference:
                problems.append(
                    f"{arrow}: bảng của Liên hiệp Hội trỏ tới bảng chỉ có ở public mà không "
                    "phải bảng tham chiếu (union table points at a public table that is not a "
                    "reference table)"
                )
            if source == "public" and where == "union":
                problems.append(
                    f"{arrow}: bảng public trỏ vào lược đồ Liên hiệp Hội (public table points "
                    "into a union schema)"
                )
            if label in reference and target_label not in reference:
                problems.append(
                    f"{arrow}: bảng tham chiếu trỏ tới bảng không phải bảng tham chiếu "
                    "(reference table points at a non-reference table)"
                )
    return problems


def sql_problems(root: Path, paths: Iterable[Path] | None = None) -> list[str]:
    """Rule 4 over the project's source (or these files/folders)."""
    files: list[Path] = []
    for path in paths or [root / name for name in SOURCE_DIRS]:
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    problems = []
    for file in files:
        relative = file.resolve().relative_to(root) if file.resolve().is_relative_to(root) else file
        if "migrations" in file.parts or str(relative) in CROSS_SCHEMA_SQL_ALLOWED:
            continue
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if _CROSS_SCHEMA_SQL.search(line):
                problems.append(
                    f"{relative}:{number}: SQL đọc lược đồ nội suy, tức là truy vấn qua nhiều "
                    f"lược đồ (cross-schema SQL): {line.strip()}"
                )
    return problems


# --- On a Citus cluster: where union schemas live, and moving them -----------------
# Every function below is a no-op (or empty) on a PostgreSQL without the extension, so
# the same code serves one server and a cluster.

_SHARDING_GUC = "citus.enable_schema_based_sharding"


def citus_active() -> bool:
    """Whether this database runs Citus (asked once per connection)."""
    known = getattr(connection, "_lhh_citus", None)
    if known is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
            known = cursor.fetchone()[0]
        connection._lhh_citus = known
    return known


@contextmanager
def schemas_local() -> Iterator[None]:
    """Schemas created inside stay plain local schemas on the coordinator.

    The template and warm-pool spares are copied from table to table by django-tenants'
    clone; between two distributed schemas (maybe on two nodes) that copy would go
    through the coordinator row by row. They are made locally, and a union's schema is
    distributed once, whole (`schema_distribute`).
    """
    if not citus_active():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT current_setting('{_SHARDING_GUC}')")
        previous = cursor.fetchone()[0]
        cursor.execute(f"SET {_SHARDING_GUC} TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT set_config('{_SHARDING_GUC}', %s, false)", [previous])


def schema_distributed(schema_name: str) -> bool:
    if not citus_active():
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM citus_schemas WHERE schema_name::text = %s)",
            [schema_name],
        )
        return cursor.fetchone()[0]


def schema_distribute(schema_name: str) -> None:
    """Make a local schema a distributed one: Citus puts all its tables on one worker."""
    if not citus_active() or schema_distributed(schema_name):
        return
    with connection.cursor() as cursor:
        # Citus alters each table; rows the clone just copied must not have foreign-key
        # checks still pending ("cannot ALTER TABLE ... pending trigger events").
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT citus_schema_distribute(%s::regnamespace)", [schema_name])
        # The rows now live on the worker; the coordinator's local copy is dead weight.
        cursor.execute(
            "SELECT truncate_local_data_after_distributing_table(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
            [schema_name],
        )


@dataclass(frozen=True)
class Placement:
    schema_name: str
    node: str  # "host:port"
    size_bytes: int


def schema_placements(schema_names: Iterable[str] | None = None) -> dict[str, Placement]:
    """Distributed schema → the worker holding it (`citus_schemas` joined to `citus_shards`)."""
    if not citus_active():
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s.schema_name::text, min(sh.nodename || ':' || sh.nodeport),
                      coalesce(sum(sh.shard_size), 0)
               FROM citus_schemas s JOIN citus_shards sh USING (colocation_id)
               WHERE %s::text[] IS NULL OR s.schema_name::text = ANY(%s::text[])
               GROUP BY 1""",
            [None if schema_names is None else list(schema_names)] * 2,
        )
        return {name: Placement(name, node, int(size)) for name, node, size in cursor.fetchall()}


def worker_nodes() -> list[str]:
    """The workers that may hold union schemas, as "host:port"."""
    if not citus_active():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nodename || ':' || nodeport FROM pg_dist_node "
            "WHERE groupid <> 0 AND isactive AND shouldhaveshards ORDER BY nodeid"
        )
        return [row[0] for row in cursor.fetchall()]
