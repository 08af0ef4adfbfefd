from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name

from lhh.national.services import national_site_setup
from tenants.migration_state import schemas_behind
from tenants.services import national_union_ensure, template_ensure, warm_pool_prune
from tenants.shared_views import shared_views_refresh
from tenants.upgrade import unions_migrate


class Command(BaseCommand):
    help = (
        "Migrate public, the template and every union that is behind the code, in parallel; "
        "drop warm-pool spares gone stale. Exits non-zero naming the unions that failed."
    )

    def add_arguments(self, parser) -> None:
        # One by default: on 2 shared cores, 2 processes took 18.1 s for 40 unions where one
        # took 14.9 s (docs/benchmarks.md, "Upgrades"). Worth raising on a bigger host.
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="unions migrated at once, one spawned process and connection each (default 1)",
        )

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        public = get_public_schema_name()
        if schemas_behind([public], shared=True)[0]:
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        elif verbosity:
            self.stdout.write("public: đã cập nhật, bỏ qua.")
        # The security state's table (settings.SECURITY_CACHE), then the views a union's
        # connection sees public through; also on a database migrated before either.
        call_command("createcachetable", verbosity=verbosity)
        shared_views_refresh()
        national_union_ensure()
        national_site_setup(
            hostname=settings.PLATFORM_DOMAIN,
            port=settings.SITE_PORT,
            site_name="Liên hiệp Hội Cloud",
        )
        template_ensure()
        result = unions_migrate(jobs=max(options["jobs"], 1), verbosity=verbosity)
        dropped = warm_pool_prune()
        if dropped:
            self.stdout.write(f"Đã xoá {dropped} lược đồ dự phòng đã cũ.")
        current = result.checked - len(result.migrated) - len(result.failed) - len(result.missing)
        self.stdout.write(
            f"{result.checked} lược đồ (mẫu và Liên hiệp Hội): {current} đã cập nhật, bỏ qua; "
            f"{len(result.migrated)} đã migrate; {len(result.failed)} lỗi; "
            f"{len(result.missing)} chưa có lược đồ. {result.seconds:.1f} s."
        )
        if result.failed:
            for name, error in result.failed.items():
                self.stderr.write(f"  {name}: {error}")
            raise CommandError(
                f"Không migrate được {len(result.failed)} lược đồ: {', '.join(result.failed)}. "
                "Các Liên hiệp Hội khác đã được migrate; sửa lỗi rồi chạy lại lệnh."
            )
