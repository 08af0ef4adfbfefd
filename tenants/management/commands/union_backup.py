from django.core.management.base import BaseCommand

from tenants.backups import platform_backup, union_backup
from tenants.management.commands._lifecycle import run, union_get
from tenants.selectors import unions_working


class Command(BaseCommand):
    help = (
        "Back up unions (schema + media) into BACKUP_ROOT: union_backup haiduong thanhhoa; "
        "--all for every working union; --platform for the whole platform in one archive"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema_names", nargs="*")
        parser.add_argument("--all", action="store_true", help="every active or suspended union")
        parser.add_argument("--platform", action="store_true", help="all schemas and media")

    def handle(self, *args, **options) -> None:
        if options["platform"]:
            self.stdout.write(str(run(platform_backup)))
        unions = (
            list(unions_working())
            if options["all"]
            else [union_get(name) for name in options["schema_names"]]
        )
        for union in unions:
            self.stdout.write(str(run(lambda union=union: union_backup(union=union))))
