from pathlib import Path

from django.core.management.base import BaseCommand

from tenants.backups import platform_restore
from tenants.management.commands._lifecycle import run


class Command(BaseCommand):
    help = "Restore a whole-platform backup into an empty database: platform_restore <archive.tar>"
    # The target database is empty: nothing to check against it yet.
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args, **options) -> None:
        counts = run(lambda: platform_restore(archive_path=options["archive"]))
        self.stdout.write(f"Đã khôi phục {sum(counts.values())} dòng trong {len(counts)} bảng")
