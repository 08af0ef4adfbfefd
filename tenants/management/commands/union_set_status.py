from django.core.management.base import BaseCommand

from tenants.lifecycle import LIFECYCLE_STATUSES, union_set_status
from tenants.management.commands._lifecycle import command_actor, run, union_get


class Command(BaseCommand):
    help = "Suspend, reactivate or archive a union: `union_set_status haiduong suspended`"

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema_name")
        parser.add_argument("status", choices=LIFECYCLE_STATUSES)
        parser.add_argument("--reason", default="", help="written into the audit log")

    def handle(self, *args, **options) -> None:
        union = union_get(options["schema_name"])
        run(
            lambda: union_set_status(
                union=union,
                status=options["status"],
                actor=command_actor(),
                reason=options["reason"],
            )
        )
        self.stdout.write(f"{union.schema_name}: {union.get_status_display()}")
