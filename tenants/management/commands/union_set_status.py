from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Union
from tenants.services import union_set_status


class Command(BaseCommand):
    help = "Suspend, reactivate or archive a union: `union_set_status haiduong suspended`"

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema_name")
        parser.add_argument(
            "status",
            choices=[Union.Status.ACTIVE, Union.Status.SUSPENDED, Union.Status.ARCHIVED],
        )

    def handle(self, *args, **options) -> None:
        try:
            union = Union.objects.get(schema_name=options["schema_name"])
            union_set_status(union=union, status=options["status"])
        except Union.DoesNotExist:
            raise CommandError(f"Không có Liên hiệp Hội “{options['schema_name']}”.") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{union.schema_name} is now {union.status}")
