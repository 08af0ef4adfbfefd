from django.core.management.base import BaseCommand

from tenants.deletion import union_delete
from tenants.management.commands._lifecycle import command_actor, run, union_get


class Command(BaseCommand):
    help = (
        "Back up, then delete a union for good: "
        "union_delete haiduong --confirm 'Liên hiệp Hội tỉnh Hải Dương'"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema_name")
        parser.add_argument("--confirm", required=True, help="the union's exact name")

    def handle(self, *args, **options) -> None:
        union = union_get(options["schema_name"])
        archive = run(
            lambda: union_delete(
                union=union, confirm_name=options["confirm"], actor=command_actor()
            )
        )
        self.stdout.write(f"Đã xoá {options['schema_name']}; bản sao lưu: {archive}")
