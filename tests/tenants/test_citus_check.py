"""`citus_check` passes on the code as it is, and fails on each rule a change could break."""

# ruff: noqa: DJ008 (the models here are throwaway, never printed)

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import models
from django.test.utils import isolate_apps

from cms.records.models import Activity
from tenants.citus import model_problems, sql_problems
from tenants.models import Province, Region, Union


def test_the_code_as_it_is_passes():
    out = StringIO()
    call_command("citus_check", stdout=out)
    assert "Hợp với Citus" in out.getvalue()
    assert "tenants.Province, tenants.Region" in out.getvalue()


@isolate_apps("cms.records", "lhh.national", "tenants")
def test_each_foreign_key_rule_fails_a_model_that_breaks_it():
    class UnionToPublic(models.Model):  # rule 1: a union table → a public-only table
        union = models.ForeignKey(Union, on_delete=models.CASCADE)

        class Meta:
            app_label = "records"

    class UnionToReference(models.Model):  # allowed: provinces are a reference table
        province = models.ForeignKey(Province, on_delete=models.CASCADE)

        class Meta:
            app_label = "records"

    class PublicToUnion(models.Model):  # rule 2: public → a union-only table
        activity = models.ForeignKey(Activity, on_delete=models.CASCADE)

        class Meta:
            app_label = "national"

    problems = model_problems([UnionToPublic, UnionToReference, PublicToUnion])
    assert len(problems) == 2
    assert problems[0].startswith("records.UnionToPublic.union → tenants.Union:")
    assert "public table points into a union schema" in problems[1]
    assert problems[1].startswith("national.PublicToUnion.activity → records.Activity:")
    # Rule 3: a reference table pointing out of the list.
    assert model_problems([Province], reference=frozenset({"tenants.Province"})) == [
        "tenants.Province.region → tenants.Region: bảng tham chiếu trỏ tới bảng không phải "
        "bảng tham chiếu (reference table points at a non-reference table)"
    ]
    assert model_problems([Province, Region]) == []


def test_cross_schema_sql_fails_the_command_with_the_line(tmp_path: Path):
    source = tmp_path / "report.py"
    source.write_text(
        "def read(cursor, schema):\n"
        '    cursor.execute("SELECT count(*) FROM records_activity")\n'
        "    cursor.execute(f'SELECT count(*) FROM \"{schema}\".records_activity')\n"
    )
    root = Path(settings.PROJECT_ROOT)
    problems = sql_problems(root, [source])
    assert len(problems) == 1 and problems[0].startswith(f"{source}:3: ")
    err = StringIO()
    with pytest.raises(CommandError, match="1 chỗ không hợp với Citus"):
        call_command("citus_check", "--source", str(tmp_path), stderr=err)
    assert "records_activity" in err.getvalue()
