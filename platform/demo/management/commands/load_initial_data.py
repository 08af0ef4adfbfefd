from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lhh.demo.seed import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME, demo_unions_load

NATIONAL_ADMIN_USERNAME = "vusta"


class Command(BaseCommand):
    help = "Create the demo unions and a national admin. Running it again changes nothing."

    def handle(self, *args, **options) -> None:
        # The demo's logins have their password in the repository: never on a real platform.
        if settings.SETTINGS_MODULE == "lhh.settings.production":
            raise CommandError(
                "load_initial_data tạo tài khoản quản trị với mật khẩu công khai trong mã "
                "nguồn, nên không chạy với cấu hình production (lhh.settings.production)."
            )
        users = get_user_model().objects
        if not users.filter(username=NATIONAL_ADMIN_USERNAME).exists():
            users.create_superuser(NATIONAL_ADMIN_USERNAME, "vusta@example.vn", DEMO_ADMIN_PASSWORD)
        created = demo_unions_load()
        self.stdout.write(
            f"Demo unions created: {', '.join(created) or 'none (already there)'}; "
            f"logins {DEMO_ADMIN_USERNAME}/{NATIONAL_ADMIN_USERNAME} with "
            f"password {DEMO_ADMIN_PASSWORD}"
        )
