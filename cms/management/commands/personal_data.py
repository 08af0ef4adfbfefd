"""Export or erase what one union holds about a person, by e-mail address:

    manage.py personal_data <schema> export <email>   (JSON on standard output)
    manage.py personal_data <schema> erase <email>
    manage.py personal_data <schema> purge            (retention, as beat does daily)

Each run is recorded as a completed request in the union's register (export, erase)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context, schema_exists

from cms.models import PersonalDataRequest
from cms.personal_data import personal_data_purge, personal_data_request_complete


class Command(BaseCommand):
    help = "Cung cấp, xóa dữ liệu cá nhân theo thư điện tử, hoặc xóa dữ liệu quá hạn lưu trữ."

    def add_arguments(self, parser):
        parser.add_argument("schema")
        parser.add_argument("action", choices=["export", "erase", "purge"])
        parser.add_argument("email", nargs="?")

    def handle(self, *args, schema: str, action: str, email: str | None, **options):
        if schema == "public" or not schema_exists(schema):
            raise CommandError(f"Không có Liên hiệp Hội với lược đồ “{schema}”.")
        with schema_context(schema):
            if action == "purge":
                removed = personal_data_purge()
                self.stdout.write(f"Đã xóa dữ liệu quá hạn: {json.dumps(removed)}")
                return
            if not email:
                raise CommandError("Cần thư điện tử của người yêu cầu.")
            request = PersonalDataRequest.objects.create(kind=action, email=email)
            request = personal_data_request_complete(request=request)
        if action == "export":
            self.stdout.write(json.dumps(request.summary, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"Đã xóa dữ liệu của {email}: {json.dumps(request.summary)}")
