"""Migrating every union's schema after a deploy: fast when there is nothing to do, safe
when one union fails.

django-tenants' `migrate_schemas --tenant` opens a migration executor in every schema,
one after the other, even when none has anything to apply (11.6 s for 60 unions; about
12 minutes reported for 900), and its first failure stops the run. Here one query per
250 schemas finds the schemas that are behind; only those are migrated, the template
first, the rest by a pool of processes, each with its own connection (threads would
share Django's per-alias content-type cache across schemas); a failure is
recorded against its union and the others go on.
"""

import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections
from django_tenants.migration_executors.base import run_migrations
from django_tenants.utils import get_public_schema_name, get_tenant_base_migrate_command_class

from tenants import upgrade_pool
from tenants.migration_state import schemas_behind
from tenants.models import Union

logger = logging.getLogger(__name__)


@dataclass
class UpgradeResult:
    checked: int = 0
    migrated: list[str] = field(default_factory=list)
    # schema name → what went wrong, one line
    failed: dict[str, str] = field(default_factory=dict)
    # Union rows with no schema yet (an application not yet provisioned): nothing to migrate.
    missing: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _migrate_options(verbosity: int) -> dict:
    """The options `manage.py migrate` would get with no arguments."""
    command = get_tenant_base_migrate_command_class()()
    options = vars(command.create_parser("manage.py", "migrate").parse_args([]))
    # Checks ran once when the platform command started; per schema they cost ~0.1 s.
    options.update(verbosity=verbosity, interactive=False, skip_checks=True)
    return options


def schema_migrate(schema_name: str, verbosity: int = 1) -> str | None:
    """Apply the code's migrations to one schema. None, or the error in one line.

    Each migration is atomic, so a failure leaves the schema at the last one applied.
    """
    try:
        run_migrations([], _migrate_options(verbosity), "nâng cấp", schema_name)
    except Exception as exc:  # one union's failure must not stop the others
        logger.exception("schema migration failed", extra={"schema": schema_name})
        # The failed migration's own transaction was rolled back; only the path is left.
        connection.set_schema_to_public()
        first_line = next(iter(str(exc).strip().splitlines()), "")
        return f"{type(exc).__name__}: {first_line}"
    return None


def unions_migrate(*, jobs: int = 1, verbosity: int = 1) -> UpgradeResult:
    """Migrate the template and every union that is behind the code. Never raises for one
    union: the failures are in the result."""
    started = time.perf_counter()
    template = settings.TEMPLATE_SCHEMA_NAME
    schemas = list(
        Union.objects.exclude(schema_name=get_public_schema_name())
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
    if template not in schemas:
        schemas.insert(0, template)
    behind, missing = schemas_behind(schemas)
    result = UpgradeResult(checked=len(schemas), missing=missing)
    # Spares and new unions are cloned from the template: it goes first, alone.
    queue = [name for name in behind if name != template]
    if template in behind:
        error = schema_migrate(template, verbosity)
        result.failed.update({template: error} if error else {})
        result.migrated += [] if error else [template]
    outcomes: list[tuple[str, str | None]] = []
    # Inside a transaction (a test's) other processes would not see its data: in turn.
    if jobs > 1 and len(queue) > 1 and not connection.in_atomic_block:
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(queue)),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=upgrade_pool.start,
            initargs=(dict(connections["default"].settings_dict),),
        ) as pool:
            futures = {pool.submit(upgrade_pool.schema_migrate, (n, verbosity)): n for n in queue}
            for future in as_completed(futures):
                try:
                    outcomes.append(future.result())
                except Exception as exc:  # a child that died takes only its own union
                    outcomes.append((futures[future], f"{type(exc).__name__}: {exc}"))
    else:
        outcomes = [(name, schema_migrate(name, verbosity)) for name in queue]
    for name, error in sorted(outcomes):
        if error:
            result.failed[name] = error
        else:
            result.migrated.append(name)
    result.seconds = time.perf_counter() - started
    return result
