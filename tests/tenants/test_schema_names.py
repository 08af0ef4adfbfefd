import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tenants.models import Union
from tenants.schema_names import validate_schema_name
from tenants.services import union_create


@pytest.mark.parametrize("name", ["haiduong", "thanhhoa", "hcm2", "ab"])
def test_safe_slugs_are_accepted(name):
    validate_schema_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "a",
        "Haiduong",
        "hai-duong",
        "hai_duong",
        "1abc",
        "pg_catalog",
        "spare_abc",
        "x" * 32,
        "hải",
        "drop;table",
    ],
)
def test_unsafe_slugs_are_refused_in_vietnamese(name):
    with pytest.raises(ValidationError) as exc:
        validate_schema_name(name)
    assert exc.value.code == "invalid_schema_name"
    assert "Tên miền con" in exc.value.messages[0]


@pytest.mark.parametrize(
    "name",
    [
        "public",
        "template",
        "www",
        "admin",
        "api",
        "static",
        "media",
        "information_schema",
        "mail",
        "smtp",
        "dangky",
        # platform and PostgreSQL prefixes, even without the underscore
        "spare1",
        "sparepool",
        "pgtemp",
        "templatecu",
    ],
)
def test_reserved_names_are_refused(name):
    with pytest.raises(ValidationError) as exc:
        validate_schema_name(name)
    assert exc.value.code in {"reserved_schema_name", "invalid_schema_name"}


def test_every_entry_point_validates(db):
    with pytest.raises(ValidationError):
        union_create(schema_name="public", name="Giả mạo")
    with pytest.raises(CommandError, match="dành riêng"):
        call_command("union_create", "admin", "Giả mạo")
    assert not Union.objects.filter(name="Giả mạo").exists()
