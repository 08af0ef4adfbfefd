from django.core.management.base import BaseCommand

from tenants.management.commands._lifecycle import run
from tenants.placement import TRANSFER_MODES, unions_rebalance


class Command(BaseCommand):
    help = "Spread the unions' schemas evenly over the Citus workers, live (Citus's rebalancer)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--mode", choices=TRANSFER_MODES, default="auto")

    def handle(self, *args, **options) -> None:
        moves = run(lambda: unions_rebalance(mode=options["mode"]))
        for move in moves:
            self.stdout.write(f"{move.schema_name}: {move.source} → {move.target}")
        self.stdout.write(f"Đã chuyển {len(moves)} Liên hiệp Hội.")
