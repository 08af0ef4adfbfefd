from datetime import timedelta

from django.core.management.base import BaseCommand

from tenants.onboarding.reconciler import DEFAULT_GRACE, onboarding_reconcile


class Command(BaseCommand):
    help = (
        "Finish or clean up union creations a dead worker left, so tenant rows and schemas "
        "match; Celery beat runs the same every few minutes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--grace-seconds",
            type=int,
            default=int(DEFAULT_GRACE.total_seconds()),
            help="leave creations younger than this alone (they may still be queued)",
        )
        parser.add_argument(
            "--drop-orphans",
            action="store_true",
            help="also drop schemas that hold a union's tables but have no Union row",
        )

    def handle(self, *args, **options) -> None:
        report = onboarding_reconcile(
            grace=timedelta(seconds=options["grace_seconds"]),
            drop_orphans=options["drop_orphans"],
        )
        for key, value in report.as_dict().items():
            self.stdout.write(f"{key}: {value}")
