from django.core.management.base import BaseCommand

from tenants.citus import citus_active, schema_placements
from tenants.selectors import union_host, union_list


class Command(BaseCommand):
    help = (
        "List the provincial unions with their status and host; on a Citus cluster, also the "
        "worker holding each union's schema."
    )

    def handle(self, *args, **options) -> None:
        unions = union_list()
        cluster = citus_active()
        placements = schema_placements([union.schema_name for union in unions])
        for union in unions:
            node = ""
            if cluster:
                placement = placements.get(union.schema_name)
                # A schema not distributed (yet) is still the coordinator's.
                node = f"{placement.node if placement else '(máy điều phối)':<22} "
            self.stdout.write(
                f"{union.schema_name:<20} {union.status:<12} {node}"
                f"{union_host(union.schema_name):<32} {union.name}"
            )
