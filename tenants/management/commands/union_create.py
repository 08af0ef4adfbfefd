from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Province
from tenants.services import union_create


class Command(BaseCommand):
    help = (
        "Create a union: union_create haiduong 'Liên hiệp Hội tỉnh Hải Dương' "
        "--province 'Hải Phòng' --former-province 'Hải Dương'"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema_name")
        parser.add_argument("name")
        parser.add_argument("--short-name", default="")
        parser.add_argument("--province", help="current province name")
        parser.add_argument("--former-province", help="former province name, for history")

    def handle(self, *args, **options) -> None:
        try:
            union = union_create(
                schema_name=options["schema_name"],
                name=options["name"],
                short_name=options["short_name"],
                province=_province(options["province"], current=True),
                former_province=_province(options["former_province"], current=False),
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Created {union.schema_name}: {union.name}")


def _province(name: str | None, *, current: bool) -> Province | None:
    if not name:
        return None
    try:
        return Province.objects.get(name=name, is_current=current)
    except Province.DoesNotExist:
        raise CommandError(f"Không có tỉnh “{name}” trong danh mục.") from None
