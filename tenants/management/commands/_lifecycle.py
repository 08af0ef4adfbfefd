"""What the lifecycle commands share: the acting person and how errors are told."""

import getpass
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from tenants.backups import BackupError
from tenants.models import Union

T = TypeVar("T")


def command_actor() -> str:
    """Who ran the command, for the audit log."""
    return f"{getpass.getuser()} (lệnh quản trị)"


def union_get(schema_name: str) -> Union:
    try:
        return Union.objects.select_related("province").get(schema_name=schema_name)
    except Union.DoesNotExist:
        raise CommandError(f"Không có Liên hiệp Hội “{schema_name}”.") from None


def run(action: Callable[[], T]) -> T:
    """Run a service, turning its refusals into a command error (exit status 1)."""
    try:
        return action()
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from exc
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
