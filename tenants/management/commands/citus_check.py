from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.citus import REFERENCE_MODELS, model_problems, sql_problems


class Command(BaseCommand):
    help = (
        "Fail if a model or hand-written SQL breaks what Citus schema-based sharding needs "
        "(see deploy/SCALING.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--source",
            action="append",
            type=Path,
            help="scan these files or folders for cross-schema SQL instead of the project's",
        )

    def handle(self, *args, **options) -> None:
        root = Path(settings.PROJECT_ROOT)
        problems = model_problems() + sql_problems(root, options["source"])
        for problem in problems:
            self.stderr.write(f"  {problem}")
        if problems:
            raise CommandError(
                f"{len(problems)} chỗ không hợp với Citus (schema-based sharding); "
                "xem deploy/SCALING.md."
            )
        self.stdout.write(
            "Hợp với Citus: không khoá ngoại nào từ public vào lược đồ Liên hiệp Hội, "
            "không SQL nào qua nhiều lược đồ. Bảng tham chiếu: "
            + ", ".join(sorted(REFERENCE_MODELS))
            + "."
        )
