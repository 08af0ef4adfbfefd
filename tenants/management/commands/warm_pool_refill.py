from django.core.management.base import BaseCommand

from tenants.services import warm_pool_refill


class Command(BaseCommand):
    help = "Clone spare schemas from the template until the warm pool is full."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Cloned {warm_pool_refill()} spare schema(s).")
