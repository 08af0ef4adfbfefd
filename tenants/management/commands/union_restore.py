from pathlib import Path

from django.core.management.base import BaseCommand

from tenants.backups import union_restore
from tenants.management.commands._lifecycle import command_actor, run


class Command(BaseCommand):
    help = (
        "Restore a union's backup beside the live unions, or into a fresh platform database: "
        "union_restore <archive.tar> [--as <new_schema>]"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--as", dest="schema_name", help="restore under this schema name and host instead"
        )

    def handle(self, *args, **options) -> None:
        union = run(
            lambda: union_restore(
                archive_path=options["archive"],
                schema_name=options["schema_name"],
                actor=command_actor(),
            )
        )
        self.stdout.write(f"Đã khôi phục {union.schema_name}: {union.name}")
