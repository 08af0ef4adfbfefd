import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_tenant_model, schema_context, schema_exists

from cms.nukeviet.archive import ArchiveError
from cms.nukeviet.dump import DumpError
from cms.nukeviet.services import import_from_paths


class Command(BaseCommand):
    help = (
        "Nhập trang NukeViet cũ của một Liên hiệp Hội từ bản sao lưu cơ sở dữ liệu (.sql, "
        ".sql.gz) và thư mục tải lên (.tar.gz, .zip). Chạy lại với bản mới hơn chỉ thêm và "
        "cập nhật, không nhân đôi."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema", help="lược đồ của Liên hiệp Hội, ví dụ haiduong")
        parser.add_argument("dump", help="bản sao lưu mysqldump (.sql hoặc .sql.gz)")
        parser.add_argument("--uploads", help="thư mục uploads đã nén (.tar.gz hoặc .zip)")
        parser.add_argument(
            "--dry-run", action="store_true", help="đọc và thử nhập, rồi bỏ hết (không lưu gì)"
        )

    def handle(self, *args, schema: str, dump: str, uploads: str | None, dry_run: bool, **_):
        if schema in (settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME):
            raise CommandError(f"“{schema}” không phải lược đồ của một Liên hiệp Hội.")
        if not get_tenant_model().objects.filter(schema_name=schema).exists() or not (
            schema_exists(schema)
        ):
            raise CommandError(f"Không có Liên hiệp Hội “{schema}”.")

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "import" and sys.stderr.isatty():
                sys.stderr.write(f"\rĐang nhập: {done}/{total}")

        try:
            with schema_context(schema):
                report = import_from_paths(
                    dump_path=dump, uploads_path=uploads, dry_run=dry_run, progress=progress
                )
        except (DumpError, ArchiveError) as error:
            raise CommandError(str(error)) from error
        except FileNotFoundError as error:
            raise CommandError(f"Không tìm thấy tệp “{error.filename}”.") from error
        self.stdout.write("\n".join(report.lines()))
