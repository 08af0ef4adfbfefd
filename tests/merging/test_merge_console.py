"""National staff merge two unions from the console, with a real worker."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import schema_context

from cms.records.models import MemberOrganisation
from tenants.models import UnionMerge
from tests.conftest import login_with_second_step, wait_for


@pytest.fixture
def national(committed):
    user, _ = get_user_model().objects.get_or_create(
        username="vusta-merge", defaults={"is_staff": True, "is_superuser": True}
    )
    # The account stays, like the browser tests' national one.
    return login_with_second_step(Client(HTTP_HOST="localhost"), user)


def test_preview_edit_a_resolution_confirm_and_follow_the_progress(pair, national, celery_worker):
    absorbed, absorbing = pair.absorbed, pair.absorbing
    form = {"absorbed": absorbed.schema_name, "absorbing": absorbing.schema_name}
    preview = national.post("/admin/toan-quoc/sap-nhap/", {**form, "confirm": "0"})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Bài tin" in page and "Tổ chức “Hội Y học” trùng với “Hội Y học”" in page
    assert "Tài khoản can.bo.chung@example.vn có ở cả hai" in page
    medicine_key = next(
        c.key for c in preview.context["preview"].conflicts if c.kind == "organisations"
    )
    assert not UnionMerge.objects.filter(absorbed=absorbed).exists()  # a preview moves nothing

    confirmed = national.post(
        "/admin/toan-quoc/sap-nhap/",
        {**form, "confirm": "1", f"resolution-organisations-{medicine_key}": "keep"},
    )
    merge = UnionMerge.objects.get(absorbed=absorbed)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/admin/toan-quoc/sap-nhap/{merge.pk}/"

    def done() -> bool:
        merge.refresh_from_db()
        return merge.state in (UnionMerge.State.DONE, UnionMerge.State.FAILED)

    wait_for(done, timeout=120, what="the worker to merge")
    assert merge.state == UnionMerge.State.DONE, merge.error
    progress = national.get(confirmed["Location"]).content.decode()
    assert 'data-state="done"' in progress and merge.backup_name in progress

    with schema_context(absorbing.schema_name):
        # "Keep both": the moved association stays active, named by its former province.
        names = set(
            MemberOrganisation.objects.filter(status="active").values_list("name", flat=True)
        )
        assert {"Hội Y học", "Hội Y học (Hải Dương)"} <= names

    directory = national.get("/admin/toan-quoc/lien-hiep-hoi/").content.decode()
    assert (
        f'Đã sáp nhập vào <a href="/admin/toan-quoc/lien-hiep-hoi/{absorbing.schema_name}/">'
        in directory
    )
    old = national.get(f"/admin/toan-quoc/lien-hiep-hoi/{absorbed.schema_name}/").content.decode()
    new = national.get(f"/admin/toan-quoc/lien-hiep-hoi/{absorbing.schema_name}/").content.decode()
    assert "Sáp nhập vào <a href" in old and absorbing.name in old
    assert "Tiếp nhận <a href" in new and absorbed.name in new


def test_a_refused_merge_says_why_on_the_page(pair, national):
    response = national.post(
        "/admin/toan-quoc/sap-nhap/",
        {"absorbed": pair.absorbed.schema_name, "absorbing": pair.absorbed.schema_name},
    )
    assert response.status_code == 400
    assert "Không thể sáp nhập một Liên hiệp Hội vào chính nó." in response.content.decode()


def test_a_union_host_has_no_merge_console(pair):
    client = Client(HTTP_HOST=f"{pair.absorbing.schema_name}.localhost")
    with schema_context(pair.absorbing.schema_name):
        client.force_login(get_user_model().objects.get(username="admin"))
    assert client.get("/admin/toan-quoc/sap-nhap/").status_code == 404


def test_provinces_are_set_in_the_console_and_a_merge_is_offered(pair, national):
    from tenants.models import Province, UnionFormerProvince

    absorbed, absorbing = pair.absorbed, pair.absorbing
    directory = national.get("/admin/toan-quoc/lien-hiep-hoi/").content.decode()
    offer = (
        f"/admin/toan-quoc/sap-nhap/?absorbed={absorbed.schema_name}&amp;"
        f"absorbing={absorbing.schema_name}"
    )
    assert offer in directory  # Hải Phòng has its own union and Hải Dương's
    assert f"{absorbed.name} (tỉnh cũ: Hải Dương) và {absorbing.name} cùng thuộc Hải Phòng" in (
        directory
    )
    preview = national.get(offer.replace("&amp;", "&"))
    assert "Sẽ chuyển từ" in preview.content.decode()

    def covered() -> dict[str, str | None]:
        return {
            row.province.name: row.since and row.since.isoformat()
            for row in UnionFormerProvince.objects.filter(union=absorbing)
        }

    assert covered() == {"Hải Phòng": None}  # the union of the current name's own
    url = f"/admin/toan-quoc/lien-hiep-hoi/{absorbing.schema_name}/tinh/"
    page = national.get(f"/admin/toan-quoc/lien-hiep-hoi/{absorbing.schema_name}/")
    assert 'name="former_province"' in page.content.decode()
    hai_phong = Province.objects.get(name="Hải Phòng", is_current=True)
    former_hai_phong = Province.objects.get(name="Hải Phòng", is_current=False)
    hai_duong = Province.objects.get(name="Hải Dương", is_current=False)
    soc_trang = Province.objects.get(name="Sóc Trăng", is_current=False)
    refused = national.post(
        url,
        {"province": hai_phong.pk, "former_province": [former_hai_phong.pk, soc_trang.pk]},
        follow=True,
    )
    assert "Sóc Trăng đã hợp nhất vào Cần Thơ, không phải Hải Phòng." in refused.content.decode()
    bad_date = national.post(
        url,
        {
            "province": hai_phong.pk,
            "former_province": [hai_duong.pk],
            f"since-{hai_duong.pk}": "31/02/2026",
        },
        follow=True,
    )
    assert "Ngày “31/02/2026” của Hải Dương không hợp lệ." in bad_date.content.decode()
    assert covered() == {"Hải Phòng": None}  # nothing changed

    # Several former provinces, one from a date: the console shows them on the union's page.
    national.post(
        url,
        {
            "province": hai_phong.pk,
            "former_province": [former_hai_phong.pk, hai_duong.pk],
            f"since-{hai_duong.pk}": "2026-01-01",
        },
    )
    assert covered() == {"Hải Phòng": None, "Hải Dương": "2026-01-01"}
    page = national.get(f"/admin/toan-quoc/lien-hiep-hoi/{absorbing.schema_name}/")
    assert "tỉnh cũ: Hải Dương (từ 01/01/2026)" in page.content.decode()
    assert offer in national.get("/admin/toan-quoc/lien-hiep-hoi/").content.decode()

    # Covering only Hải Dương, it is no longer the union of Hải Phòng's current name.
    national.post(url, {"province": hai_phong.pk, "former_province": [hai_duong.pk]})
    assert covered() == {"Hải Dương": None}
    directory = national.get("/admin/toan-quoc/lien-hiep-hoi/").content.decode()
    assert offer not in directory


def test_the_absorbing_union_can_be_a_new_one_made_in_the_same_step(
    fresh_subdomain, pair, national, celery_worker
):
    """Hải Dương's union merged into a union of the merged city created on confirming."""
    from tenants.models import Province, Union

    absorbed = pair.absorbed
    hai_phong = Province.objects.get(name="Hải Phòng", is_current=True)
    form = {
        "absorbed": absorbed.schema_name,
        "absorbing": "moi",
        "new_schema_name": fresh_subdomain,
        "new_name": "Liên hiệp Hội thành phố Hải Phòng mới",
        "new_province": hai_phong.pk,
    }
    start = national.get("/admin/toan-quoc/sap-nhap/").content.decode()
    assert 'value="moi"' in start and 'name="new_schema_name"' in start
    preview = national.post("/admin/toan-quoc/sap-nhap/", {**form, "confirm": "0"})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Liên hiệp Hội mới “Liên hiệp Hội thành phố Hải Phòng mới”" in page
    assert preview.context["preview"].counts["Bài tin"] == 2
    assert not Union.objects.filter(schema_name=fresh_subdomain).exists()  # not yet

    # Bad input: a subdomain a union holds, or no name; nothing is made.
    taken = national.post(
        "/admin/toan-quoc/sap-nhap/",
        {**form, "new_schema_name": pair.absorbing.schema_name, "confirm": "1"},
    )
    assert taken.status_code == 400 and "đã có Liên hiệp Hội khác sử dụng" in (
        taken.content.decode()
    )
    unnamed = national.post("/admin/toan-quoc/sap-nhap/", {**form, "new_name": "", "confirm": "1"})
    assert unnamed.status_code == 400 and "Cần tên của Liên hiệp Hội mới." in (
        unnamed.content.decode()
    )
    assert not UnionMerge.objects.filter(absorbed=absorbed).exists()
    assert not Union.objects.filter(schema_name=fresh_subdomain).exists()

    confirmed = national.post("/admin/toan-quoc/sap-nhap/", {**form, "confirm": "1"})
    merge = UnionMerge.objects.get(absorbed=absorbed)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/admin/toan-quoc/sap-nhap/{merge.pk}/"
    new = Union.objects.get(schema_name=fresh_subdomain)
    assert merge.absorbing == new and new.province == hai_phong

    def done() -> bool:
        merge.refresh_from_db()
        return merge.state in (UnionMerge.State.DONE, UnionMerge.State.FAILED)

    wait_for(done, timeout=120, what="the worker to merge")
    assert merge.state == UnionMerge.State.DONE, merge.error
    with schema_context(new.schema_name):
        from cms.models import NewsArticlePage

        assert NewsArticlePage.objects.filter(title="Hội thảo khoa học Hải Dương").exists()
    # The new union covers its namesake from the start and Hải Dương from the merger.
    assert {(row.province.name, row.since) for row in new.coverage.select_related("province")} == {
        ("Hải Phòng", None),
        ("Hải Dương", merge.merge_date),
    }
