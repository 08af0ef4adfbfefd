"""The one creation service: warm pool, clone, and a failure that leaves nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, schema_exists
from wagtail.models import Site

from cms.models import HomePage
from tenants.migration_state import code_fingerprint
from tenants.models import Domain, Province, SpareSchema, Union
from tenants.services import TemplateStaleError, union_create, warm_pool_refill


def _served_title(host: str) -> str:
    body = Client(HTTP_HOST=host).get("/").content.decode()
    return body.split("<title>", 1)[1].split("</title>", 1)[0]


def test_warm_pool_creation_renames_a_spare_and_serves_the_new_union(db):
    warm_pool_refill(size=1)
    spare = SpareSchema.objects.get(fingerprint=code_fingerprint())
    province = Province.objects.get(name="Hải Phòng", is_current=True)
    former = Province.objects.get(name="Hải Dương", is_current=False)

    union = union_create(
        schema_name="moiwarm",
        name="Liên hiệp Hội Mới",
        province=province,
        former_province=former,
    )

    assert not SpareSchema.objects.filter(pk=spare.pk).exists()
    assert not schema_exists(spare.schema_name)
    assert union.status == Union.Status.ACTIVE
    assert Domain.objects.get(tenant=union).domain == "moiwarm.localhost"
    with schema_context("moiwarm"):
        site = Site.objects.get()
        assert site.hostname == "moiwarm.localhost"
        assert site.root_page.specific.__class__ is HomePage
        assert site.root_page.title == "Liên hiệp Hội Mới"
    assert "Liên hiệp Hội Mới" in _served_title("moiwarm.localhost")


def test_clone_creation_when_the_pool_is_empty(db):
    SpareSchema.objects.all().delete()
    union = union_create(schema_name="moiclone", name="Liên hiệp Hội Nhân bản")
    assert schema_exists("moiclone")
    assert "Liên hiệp Hội Nhân bản" in _served_title(f"{union.schema_name}.localhost")


def test_a_taken_name_is_refused_and_changes_nothing(union_a):
    before = Union.objects.count()
    with pytest.raises(ValidationError) as exc:
        union_create(schema_name=union_a.schema_name, name="Trùng tên")
    assert exc.value.code == "schema_name_taken"
    assert "đã có Liên hiệp Hội khác sử dụng" in exc.value.messages[0]
    assert Union.objects.count() == before


def _make_template_stale() -> None:
    """As if the code shipped a migration the template has not applied yet."""
    with connection.cursor() as cursor:
        cursor.execute('DROP TABLE "template"."django_session"')
        cursor.execute("DELETE FROM \"template\".django_migrations WHERE app = 'sessions'")


def test_a_stale_template_is_refused_and_leaves_no_half_made_union(db):
    SpareSchema.objects.all().delete()
    _make_template_stale()
    with pytest.raises(TemplateStaleError):
        union_create(schema_name="moistale", name="Liên hiệp Hội Cũ")
    assert not Union.objects.filter(schema_name="moistale").exists()
    assert not Domain.objects.filter(domain="moistale.localhost").exists()
    assert not schema_exists("moistale")


def test_migrating_the_platform_migrates_the_template_so_new_unions_get_new_tables(db):
    SpareSchema.objects.all().delete()
    _make_template_stale()
    call_command("migrate_platform", verbosity=0)
    union_create(schema_name="moifresh", name="Liên hiệp Hội Mới cập nhật")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('\"moifresh\".django_session') IS NOT NULL")
        assert cursor.fetchone()[0]


def test_stale_spares_are_never_handed_out(db):
    SpareSchema.objects.all().delete()
    warm_pool_refill(size=1)
    SpareSchema.objects.update(fingerprint="made-by-older-code")
    stale = SpareSchema.objects.get()
    union_create(schema_name="moinospare", name="Liên hiệp Hội Không dùng bản cũ")
    # The union was cloned fresh; the stale spare stayed unused until pruned.
    assert schema_exists(stale.schema_name)
    assert SpareSchema.objects.filter(pk=stale.pk).exists()
    warm_pool_refill(size=0)
    assert not schema_exists(stale.schema_name)
