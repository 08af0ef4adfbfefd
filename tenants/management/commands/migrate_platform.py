from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from lhh.national.services import national_site_setup
from tenants.services import national_union_ensure, template_ensure, warm_pool_prune


class Command(BaseCommand):
    help = "Migrate public, the template and every union; drop warm-pool spares gone stale."

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        national_union_ensure()
        national_site_setup(
            hostname=settings.PLATFORM_DOMAIN,
            port=settings.SITE_PORT,
            site_name="Liên hiệp Hội Cloud",
        )
        template_ensure()
        # Every union row, the template included, is migrated here.
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
        dropped = warm_pool_prune()
        if dropped:
            self.stdout.write(f"Dropped {dropped} stale warm-pool spare(s).")
