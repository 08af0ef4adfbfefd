from django.core.management.base import BaseCommand

from tenants.management.commands._lifecycle import run, union_get
from tenants.placement import TRANSFER_MODES, union_move


class Command(BaseCommand):
    help = (
        "Move a union's schema to another Citus worker while its site keeps serving: "
        "`union_move thanhhoa --to 127.0.0.1:57402`"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema_name")
        parser.add_argument("--to", required=True, help="the target worker, host:port")
        parser.add_argument(
            "--mode",
            choices=TRANSFER_MODES,
            default="auto",
            help="auto (logical replication, writes blocked at the switch-over only) or "
            "block_writes (writes blocked for the whole copy)",
        )

    def handle(self, *args, **options) -> None:
        union = union_get(options["schema_name"])
        result = run(lambda: union_move(union=union, to=options["to"], mode=options["mode"]))
        self.stdout.write(
            f"{result.schema_name}: {result.source} → {result.target} ({result.seconds:.2f} s)"
        )
