"""What a process of the upgrade pool runs (`tenants.upgrade.unions_migrate`).

The pool spawns its processes rather than forking them: a fork copies the parent's
other threads' locks and sockets, and hung under the test suite's threads. A spawned
process unpickles these functions before Django is set up, so this module imports
nothing from Django or the project at its top.
"""


def start(database: dict) -> None:
    """Set Django up on exactly the parent's database (a test run renames it at run time)."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    settings.DATABASES["default"].update(database)
    connections["default"].settings_dict.update(database)


def schema_migrate(job: tuple[str, int]) -> tuple[str, str | None]:
    from tenants.upgrade import schema_migrate

    schema_name, verbosity = job
    return schema_name, schema_migrate(schema_name, verbosity)
