"""A union merged into another: site, media, records, staff, addresses, statistics."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import schema_context

from cms.models import NewsArticlePage, OfficialDocument, ReaderComment
from cms.records.models import Congress, MemberCount, MemberOrganisation, Report
from cms.records.selectors import leadership_current
from cms.roles import EDITOR
from tenants.models import Domain, Union, UnionMerge, UnionMergeMap
from tenants.selectors import union_host
from tests.merging.content import PASSWORD, row_counts


def test_the_merge_moves_site_records_and_staff_and_the_old_host_redirects(pair):
    absorbed, absorbing = pair.absorbed, pair.absorbing
    own_domain = Domain.objects.create(
        domain=f"lhh-{absorbed.schema_name}.localhost", tenant=absorbed, is_primary=False
    )
    with schema_context(absorbed.schema_name):
        from api.services import token_create

        admin = get_user_model().objects.get(username="admin")
        _token, key = token_create(user=admin, name="đồng bộ", scope="read")
        old_api = Client(HTTP_HOST=union_host(absorbed.schema_name))
        old_api.force_login(admin)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert old_api.get("/api/v1/organisations/", **bearer).status_code == 200
    out = io.StringIO()
    call_command("union_merge", absorbed.schema_name, "--into", absorbing.schema_name, stdout=out)
    assert "Đã sáp nhập" in out.getvalue()

    merge = UnionMerge.objects.get(absorbed=absorbed)
    assert merge.state == UnionMerge.State.DONE and merge.backup_name
    absorbed.refresh_from_db()
    assert absorbed.status == Union.Status.MERGED and absorbed.merged_into == absorbing

    with schema_context(absorbing.schema_name):
        moved = NewsArticlePage.objects.get(title="Hội thảo khoa học Hải Dương")
        assert moved.url_path.endswith(f"/{absorbed.schema_name}/tin-tuc/hoi-thao/")
        assert moved.author == "Phóng viên Hải Dương" and moved.is_featured
        assert str(moved.published_on) == "2024-03-05"
        assert moved.category.slug == "hoat-dong"  # merged with Hải Phòng's same category
        assert set(moved.tags.names()) == {"khoa học", "riêng Hải Dương"}
        assert ReaderComment.objects.filter(article=moved).count() == 1
        assert moved.lead_image.file.name.startswith(f"sap-nhap/{absorbed.schema_name}/")
        assert moved.lead_image.file.storage.exists(moved.lead_image.file.name)
        assert moved.lead_image.collection.get_parent().name.endswith("(trước sáp nhập)")
        linking = NewsArticlePage.objects.get(title="Bài dẫn link Hải Dương")
        body = linking.body.raw_data
        assert f'id="{moved.pk}"' in body[0]["value"]
        assert body[1]["value"]["image"] == moved.lead_image.pk
        doc = OfficialDocument.objects.get(issuing_body="Liên hiệp Hội Hải Dương")
        assert doc.number == "01/QĐ-LHH" and doc.signatory == "Chủ tịch Hải Dương"
        assert OfficialDocument.objects.filter(number="01/QĐ-LHH").count() == 2

        # Records: the same association in both became one, with the moved one's history.
        medicine = MemberOrganisation.objects.filter(name="Hội Y học")
        assert medicine.count() == 2
        moved_medicine = medicine.get(moved_from=absorbed.schema_name)
        assert moved_medicine.status == "merged"
        assert moved_medicine.merged_into == medicine.get(moved_from="")
        assert moved_medicine.origin == "Hải Dương"
        assert MemberCount.objects.get(organisation=moved_medicine).members == 100
        assert Congress.objects.get(moved_from=absorbed.schema_name).note.startswith("Nhiệm kỳ của")
        assert Report.objects.filter(period__year=2024).count() == 2
        # Terms: the predecessor's congress is history; the union's own term is the current
        # one, and a restart after the merger ("lần thứ I") becomes it.
        assert leadership_current()[0][1][0].person.name == "Chủ tịch Hải Phòng"
        Congress.objects.create(term_number=1, starts_year=2026, ends_year=2031)
        assert leadership_current() == []
        assert Congress.objects.filter(moved_from=absorbed.schema_name).exists()

        # People: the same e-mail is one account; the rest keep their password and role.
        users = get_user_model().objects
        assert users.filter(email="can.bo.chung@example.vn").count() == 1
        moved_admin = users.get(username=f"admin.{absorbed.schema_name}")
        assert moved_admin.check_password(PASSWORD) and moved_admin.is_superuser
        shared = users.get(email="can.bo.chung@example.vn")
        assert shared.username == "bientap.hải phòng" and shared.groups.filter(name=EDITOR)

    # Every row moved is in the map, once.
    assert UnionMergeMap.objects.filter(merge=merge, table="wagtailcore_page").count() >= 6

    # The absorbing site serves the moved pages; the old host answers 301, page by page.
    new_host = union_host(absorbing.schema_name)
    page = Client(HTTP_HOST=new_host).get(f"/{absorbed.schema_name}/tin-tuc/hoi-thao/")
    assert page.status_code == 200 and "Hội thảo khoa học Hải Dương" in page.content.decode()
    old = Client(HTTP_HOST=union_host(absorbed.schema_name))
    response = old.get("/tin-tuc/hoi-thao/?trang=2")
    assert response.status_code == 301
    assert response["Location"] == (
        f"http://{new_host}/{absorbed.schema_name}/tin-tuc/hoi-thao/?trang=2"
    )
    assert old.get("/").headers["Location"] == f"http://{new_host}/{absorbed.schema_name}/"
    assert old.get("/khong-co/").headers["Location"] == f"http://{new_host}/"
    assert old.get("/admin/").status_code == 301
    own = Client(HTTP_HOST=own_domain.domain).get("/tin-tuc/hoi-thao/")
    assert own.status_code == 301 and own["Location"].startswith(f"http://{new_host}/")
    assert old.get("/api/v1/news/").status_code == 301
    # Its sessions and tokens open nothing any more, on the old host or the new one.
    assert old_api.get("/api/v1/organisations/", **bearer).status_code == 301
    assert old_api.get("/admin/").status_code == 301
    new_api = Client(HTTP_HOST=new_host)
    assert new_api.get("/api/v1/organisations/", **bearer).status_code in (401, 403)
    with schema_context(absorbed.schema_name):
        from django.contrib.sessions.models import Session

        from api.models import ApiToken

        assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
        assert not Session.objects.exists()


def test_sign_up_after_a_merger(pair):
    """The old subdomain stays reserved; the province keeps a place for the union of its
    current name while only a former province's union is there."""
    from django.core.exceptions import ValidationError

    from tenants.models import OnboardingPolicy, Province
    from tenants.onboarding.selectors import province_check, subdomain_check

    hai_phong = Province.objects.get(name="Hải Phòng", is_current=True)
    policy = OnboardingPolicy.load()
    with pytest.raises(ValidationError, match="Hải Phòng đã có Liên hiệp Hội"):
        province_check(hai_phong, policy=policy)  # Hải Phòng's own union is there
    Union.objects.filter(pk=pair.absorbing.pk).update(province=None)
    province_check(hai_phong, policy=policy)  # only Hải Dương's (a former province) is
    call_command(
        "union_merge",
        pair.absorbed.schema_name,
        "--into",
        pair.absorbing.schema_name,
        stdout=io.StringIO(),
    )
    with pytest.raises(ValidationError, match="đã có Liên hiệp Hội khác sử dụng"):
        subdomain_check(pair.absorbed.schema_name)


def test_a_second_run_adds_nothing(pair):
    call_command(
        "union_merge",
        pair.absorbed.schema_name,
        "--into",
        pair.absorbing.schema_name,
        stdout=io.StringIO(),
    )
    before = row_counts(pair.absorbing.schema_name)
    with pytest.raises(Exception, match="đã được sáp nhập"):
        call_command(
            "union_merge",
            pair.absorbed.schema_name,
            "--into",
            pair.absorbing.schema_name,
            stdout=io.StringIO(),
        )
    assert row_counts(pair.absorbing.schema_name) == before


def test_dry_run_changes_nothing_and_the_absorbing_union_may_be_new(fresh_subdomain, pair):
    before = row_counts(pair.absorbed.schema_name)
    out = io.StringIO()
    call_command(
        "union_merge", pair.absorbed.schema_name, "--into", pair.absorbing.schema_name,
        "--dry-run", stdout=out,
    )  # fmt: skip
    assert "Bài tin: 2" in out.getvalue() and "Hội Y học" in out.getvalue()
    assert not UnionMerge.objects.filter(absorbed=pair.absorbed).exists()
    assert row_counts(pair.absorbed.schema_name) == before

    out = io.StringIO()
    call_command(
        "union_merge", pair.absorbed.schema_name, "--into", fresh_subdomain,
        "--name", "Liên hiệp Hội thành phố mới", "--province", "Hải Phòng", stdout=out,
    )  # fmt: skip
    new = Union.objects.get(schema_name=fresh_subdomain)
    assert new.status == Union.Status.ACTIVE and new.province.name == "Hải Phòng"
    with schema_context(new.schema_name):
        assert NewsArticlePage.objects.filter(title="Hội thảo khoa học Hải Dương").exists()


def test_the_demo_has_hai_phong_beside_hai_duong_ready_to_merge(django_db_setup, committed):
    """The run command's demo: Hải Dương's and Hải Phòng's unions, merged in a preview."""
    import dataclasses
    import secrets

    from lhh.demo.seed import DEMO_UNIONS, demo_content_create, demo_records_create
    from tenants.merging import merge_preview
    from tenants.models import Province
    from tenants.services import union_create
    from tests.merging.conftest import _drop

    made = {}
    tag = secrets.token_hex(3)
    try:
        for schema_name in ("haiduong", "haiphong"):
            demo = next(d for d in DEMO_UNIONS if d.schema_name == schema_name)
            demo = dataclasses.replace(demo, schema_name=f"{schema_name[:5]}{tag}")
            made[schema_name] = union_create(
                schema_name=demo.schema_name,
                name=demo.name,
                province=Province.objects.get(name=demo.province, is_current=True),
            )
            with schema_context(demo.schema_name):
                demo_content_create(demo)
                demo_records_create(demo)
        preview = merge_preview(absorbed=made["haiduong"], absorbing=made["haiphong"])
        assert preview.counts["Bài tin"] > 0
        assert any(c.kind == "categories" for c in preview.conflicts)
    finally:
        for union in made.values():
            _drop(union)
