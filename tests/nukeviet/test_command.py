from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from cms.nukeviet.models import NukeVietLink
from tests.nukeviet.conftest import DUMP, UPLOADS


def test_command_dry_run_then_import(union_a):
    out = StringIO()
    call_command(
        "union_import_nukeviet",
        union_a.schema_name,
        str(DUMP),
        "--uploads",
        str(UPLOADS),
        "--dry-run",
        stdout=out,
    )
    assert "Thử nhập (không lưu gì)" in out.getvalue()
    assert "bài tin: 27 mới" in out.getvalue()
    with schema_context(union_a.schema_name):
        assert NukeVietLink.objects.count() == 0
    out = StringIO()
    call_command("union_import_nukeviet", union_a.schema_name, str(DUMP), stdout=out)
    assert "bài tin: 27 mới" in out.getvalue()
    assert "chưa có thư mục tải lên" in out.getvalue()
    with schema_context(union_a.schema_name):
        assert NukeVietLink.objects.filter(kind="article").count() == 27


def test_command_refuses_in_vietnamese(union_a, tmp_path):
    with pytest.raises(CommandError, match="Không có Liên hiệp Hội “khongco”"):
        call_command("union_import_nukeviet", "khongco", str(DUMP))
    with pytest.raises(CommandError, match="không phải lược đồ"):
        call_command("union_import_nukeviet", "public", str(DUMP))
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("union_import_nukeviet", union_a.schema_name, str(tmp_path / "x.sql"))
    bad = tmp_path / "bad.sql"
    bad.write_text("Không phải SQL\n")
    with pytest.raises(CommandError, match="không phải bản sao lưu"):
        call_command("union_import_nukeviet", union_a.schema_name, str(bad))
