from django.core.management.base import BaseCommand

from tenants.selectors import union_host, union_list


class Command(BaseCommand):
    help = "List the provincial unions with their status and host."

    def handle(self, *args, **options) -> None:
        for union in union_list():
            self.stdout.write(
                f"{union.schema_name:<20} {union.status:<12} {union_host(union.schema_name):<32} "
                f"{union.name}"
            )
