"""Backup, delete and restore of a union, and of the whole platform, on the real database.

pg_dump and psql run as separate processes, so these tests commit (`committed`)
and clean up after themselves. Each makes its own throw-away union rather than
deleting the shared unions A and B, and checks that B is left exactly as it was.
"""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists
from wagtail.models import Site

from cms.models import NewsArticlePage, NewsIndexPage
from lhh.national.models import AuditEntry, ReportSubmission
from lhh.national.rollups import rollup_totals_rebuild
from tenants import backups
from tenants.backups import platform_backup, union_backup, union_restore
from tenants.citus import citus_active, schema_distributed
from tenants.deletion import union_delete, union_delete_request, union_deletion_carry_out
from tenants.models import Domain, DomainClaim, Union, UnionDeletion
from tenants.services import union_create
from tests.conftest import login_with_second_step, wait_for

PROJECT = Path(__file__).resolve().parents[2]
OWN_DOMAIN = "lienhiephoi-saoluu.test"
SENTINEL = "Tin canh giới của bản sao lưu"
# The dump's data must come back byte for byte, even where it names the schema.
SENTINEL_SUMMARY = "Liên kết cũ: http://lcdel.localhost/tin-tuc/ và lcdel.tep; lcdel"


@pytest.fixture
def backup_root(settings, tmp_path) -> Path:
    settings.BACKUP_ROOT = str(tmp_path / "backups")
    return Path(settings.BACKUP_ROOT)


def _drop(schema_name: str) -> None:
    Union.objects.filter(schema_name=schema_name).delete()
    AuditEntry.objects.filter(schema_name=schema_name).delete()
    UnionDeletion.objects.filter(schema_name=schema_name).delete()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
    import shutil

    shutil.rmtree(backups.media_folder(schema_name), ignore_errors=True)


@pytest.fixture
def doomed(committed, backup_root) -> Iterator[Union]:
    """A union of its own, with a sentinel article, a file and a report submission."""
    for name in ("lcdel", "lcnew"):
        _drop(name)
    union = union_create(schema_name="lcdel", name="Liên hiệp Hội Sắp xoá", use_warm_pool=False)
    with schema_context("lcdel"):
        news = NewsIndexPage.objects.get()  # made by union_create with the starter sections
        news.add_child(
            instance=NewsArticlePage(title=SENTINEL, slug="canh-gioi", summary=SENTINEL_SUMMARY)
        )
        default_storage.save("tai-lieu/bien-ban.txt", ContentFile("Biên bản họp".encode()))
    ReportSubmission.objects.create(
        union=union,
        period_kind="half",
        year=2025,
        half=1,
        period_label="6 tháng đầu năm 2025",
        figures={"members": 12},
        submitted_at=timezone.now(),
    )
    # An own domain the union proved (tenants.domains): its claim and the row that routes it.
    DomainClaim.objects.create(
        union=union,
        domain=OWN_DOMAIN,
        token="lienhiephoi-kiem-thu",
        state=DomainClaim.State.VERIFIED,
        method=DomainClaim.Method.DNS,
        requested_by="admin",
        verified_at=timezone.now(),
    )
    Domain.objects.create(domain=OWN_DOMAIN, tenant=union, is_primary=False)
    yield union
    for name in ("lcdel", "lcnew"):
        ReportSubmission.objects.filter(union__schema_name=name).delete()
        _drop(name)


def _schema_counts(schema_name: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname = %s",
            [schema_name],
        )
        tables = [row[0] for row in cursor.fetchall()]
    return backups.counts_in_database(tables)


def _media_files(schema_name: str) -> dict[str, bytes]:
    root = backups.media_folder(schema_name)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _sentinel(schema_name: str) -> tuple:
    with schema_context(schema_name):
        page = NewsArticlePage.objects.get(title=SENTINEL)
        return page.title, page.summary, page.url_path, page.live


def test_delete_backs_up_then_restore_brings_back_every_row_and_file(
    doomed, union_pair, backup_root
):
    before = _schema_counts("lcdel")
    sentinel = _sentinel("lcdel")
    files = _media_files("lcdel")
    assert files == {"tai-lieu/bien-ban.txt": "Biên bản họp".encode()}
    b_counts, b_files = _schema_counts("unionb"), _media_files("unionb")

    with pytest.raises(ValidationError, match="Tên xác nhận không khớp"):
        union_delete(union=doomed, confirm_name="Liên hiệp Hội", actor="kiểm thử")
    assert schema_exists("lcdel") and Union.objects.filter(schema_name="lcdel").exists()
    assert not list(backup_root.rglob("*.tar"))  # a refusal takes no backup either

    archive = union_delete(union=doomed, confirm_name=" Liên hiệp Hội Sắp xoá ", actor="kiểm thử")
    # Kept apart from unions/lcdel/, which a new union taking the name would prune.
    assert archive.parent == backup_root / "deleted"
    assert not schema_exists("lcdel")
    assert not Union.objects.filter(schema_name="lcdel").exists()
    assert not backups.media_folder("lcdel").exists()
    assert Client(HTTP_HOST="lcdel.localhost").get("/").status_code == 404
    entry = AuditEntry.objects.get(schema_name="lcdel", action="deleted")
    assert entry.union is None and entry.union_name == "Liên hiệp Hội Sắp xoá"
    assert archive.name in entry.detail

    manifest = backups.archive_read(archive).manifest
    assert manifest["schema_name"] == "lcdel"
    assert manifest["union"]["name"] == "Liên hiệp Hội Sắp xoá"
    assert manifest["server_version"].startswith(str(connection.pg_version // 10000))
    assert {f"lcdel.{t.split('.', 1)[1]}": n for t, n in before.items() if n} == {
        t: n for t, n in manifest["counts"].items() if n
    }
    assert manifest["public_counts"] == {"national.reportsubmission": 1, "tenants.domainclaim": 1}
    assert not Domain.objects.filter(domain=OWN_DOMAIN).exists()

    union = union_restore(archive_path=archive, actor="kiểm thử")
    assert union.schema_name == "lcdel" and union.status == "active"
    # On a Citus cluster (deploy/test-cluster) the restored schema is distributed again.
    assert schema_distributed("lcdel") == citus_active()
    assert _schema_counts("lcdel") == before
    assert _sentinel("lcdel") == sentinel
    assert _media_files("lcdel") == files
    assert ReportSubmission.objects.get(union=union).figures == {"members": 12}
    page = Client(HTTP_HOST="lcdel.localhost").get("/tin-tuc/canh-gioi/")
    assert page.status_code == 200 and SENTINEL in page.content.decode()
    # Its own domain routes to it again.
    assert DomainClaim.objects.get(union=union).state == DomainClaim.State.VERIFIED
    assert Domain.objects.get(domain=OWN_DOMAIN).tenant_id == union.pk
    assert AuditEntry.objects.filter(union=union, action="restored").exists()

    # B was never touched.
    assert _schema_counts("unionb") == b_counts
    assert _media_files("unionb") == b_files


def test_restore_beside_the_original_under_a_new_name_stays_isolated(
    doomed, union_pair, backup_root
):
    union_a = union_pair[0]
    archive = union_backup(union=doomed)
    with pytest.raises(ValidationError, match="đã có Liên hiệp Hội khác sử dụng"):
        union_restore(archive_path=archive, actor="kiểm thử")
    call_command("union_restore", str(archive), "--as", "lcnew", verbosity=0)
    # A copy waits for national staff (see the test below); here they let it go live.
    from tenants.lifecycle import union_set_status

    union_set_status(
        union=Union.objects.get(schema_name="lcnew"), status=Union.Status.ACTIVE, actor="kiểm thử"
    )

    assert _sentinel("lcnew") == _sentinel("lcdel")  # the summary still names lcdel
    assert schema_distributed("lcnew") == citus_active()
    assert _schema_counts("lcnew") == {
        t.replace("lcdel.", "lcnew.", 1): n for t, n in _schema_counts("lcdel").items()
    }
    with schema_context("lcnew"):
        site = Site.objects.get()
        assert site.hostname == "lcnew.localhost"
    with schema_context("lcdel"):
        assert Site.objects.get().hostname == "lcdel.localhost"
    assert _media_files("lcnew") == _media_files("lcdel")
    assert (backups.media_folder("lcnew") / "tai-lieu" / "bien-ban.txt").exists()

    for host in ("lcnew.localhost", "lcdel.localhost"):
        body = Client(HTTP_HOST=host).get("/tin-tuc/canh-gioi/").content.decode()
        assert SENTINEL in body
    new_home = Client(HTTP_HOST="lcnew.localhost").get("/").content.decode()
    assert union_a.sentinel_title not in new_home
    # Media of the original is not served on the restored union's host, nor the reverse.
    assert Client(HTTP_HOST="lcnew.localhost").get(
        "/media/lcdel/tai-lieu/bien-ban.txt"
    ).status_code in {403, 404}
    assert (
        Client(HTTP_HOST="lcnew.localhost").get("/media/lcnew/tai-lieu/bien-ban.txt").status_code
        == 200
    )


def test_a_backup_of_a_holds_none_of_bs_rows_or_media(union_pair, committed, backup_root):
    union_a, union_b = union_pair
    names = []
    for union in (union_a, union_b):
        with schema_context(union.schema_name):
            names.append(default_storage.save("rieng/tep.txt", ContentFile(union.schema_name)))
    try:
        archive = union_backup(union=union_a.union)
        with tarfile.open(archive) as tar:
            members = tar.getnames()
            dump = tar.extractfile(backups.DUMP).read().decode()
            manifest = json.load(tar.extractfile(backups.MANIFEST))
        assert "media/rieng/tep.txt" in members
        assert all(not m.startswith("media/") or "unionb" not in m for m in members)
        assert "unionb." not in dump and union_b.sentinel_title not in dump
        assert union_a.sentinel_title in dump
        assert all(table.startswith("uniona.") for table in manifest["counts"])
        with tarfile.open(archive) as tar:
            assert tar.extractfile("media/rieng/tep.txt").read() == b"uniona"
    finally:
        for union, name in zip((union_a, union_b), names, strict=True):
            with schema_context(union.schema_name):
                default_storage.delete(name)


def test_retention_keeps_the_newest_archives_per_union(
    union_pair, committed, backup_root, settings
):
    union_a = union_pair[0]
    settings.BACKUP_KEEP = 2
    made = [union_backup(union=union_a.union) for _ in range(3)]
    kept = sorted((backup_root / "unions" / "uniona").glob("*.tar"))
    assert kept == made[1:]


def test_bad_archives_and_names_are_refused_in_vietnamese(
    union_pair, committed, backup_root, tmp_path
):
    union_a = union_pair[0]
    junk = tmp_path / "khong-phai.tar"
    junk.write_bytes(b"not a tar")
    with pytest.raises(ValidationError, match="không phải là tệp sao lưu hợp lệ"):
        union_restore(archive_path=junk, actor="kiểm thử")
    with pytest.raises(ValidationError, match="không phải là tệp sao lưu hợp lệ"):
        union_restore(archive_path=tmp_path / "khong-co.tar", actor="kiểm thử")
    archive = union_backup(union=union_a.union)
    for bad in ("Tên Sai", "public", "template", "unionb", "a"):
        with pytest.raises(ValidationError):
            union_restore(archive_path=archive, schema_name=bad, actor="kiểm thử")
    assert set(Union.objects.values_list("schema_name", flat=True)) >= {"uniona", "unionb"}
    with pytest.raises(Exception, match="Không có Liên hiệp Hội"):
        call_command("union_delete", "khongco", "--confirm", "x")


def test_a_backup_folder_that_cannot_be_written_refuses_the_delete_in_vietnamese(
    doomed, settings, tmp_path
):
    blocker = tmp_path / "khong-phai-thu-muc"
    blocker.write_text("một tệp, không phải thư mục")
    settings.BACKUP_ROOT = str(blocker)
    with pytest.raises(backups.BackupError, match="Không ghi được bản sao lưu"):
        union_delete(union=doomed, confirm_name=doomed.name, actor="kiểm thử")
    assert schema_exists("lcdel") and Union.objects.filter(schema_name="lcdel").exists()
    assert backups.media_folder("lcdel").is_dir()


def test_only_national_staff_on_the_national_host_can_delete(doomed, union_pair, celery_worker):
    union_a = union_pair[0]
    with schema_context(union_a.schema_name):
        admin_a = union_a.client()
        admin_a.force_login(get_user_model().objects.get(username="admin"))
    # A's staff reach no console on A's host, and the console is on the national host only.
    for path in ("/admin/toan-quoc/lien-hiep-hoi/lcdel/xoa/", "/admin/toan-quoc/"):
        assert admin_a.post(path, {"confirm_name": doomed.name}).status_code == 404
    assert admin_a.get("/admin/toan-quoc/yeu-cau-xoa/1/").status_code == 404
    connection.set_schema_to_public()  # A's requests left A's schema on the connection
    User = get_user_model()
    User.objects.filter(username__in=["vusta-xoa", "vusta-xem"]).delete()
    viewer = User.objects.create_user("vusta-xem", "xem@example.vn", "x", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(
        Permission.objects.get(codename="view_rollup"),
        Permission.objects.get(codename="access_admin"),
    )
    staff = User.objects.create_superuser("vusta-xoa", "xoa@example.vn", "x")
    try:
        console = Client(HTTP_HOST="localhost")
        login_with_second_step(console, viewer)
        refused = console.post(
            "/admin/toan-quoc/lien-hiep-hoi/lcdel/xoa/", {"confirm_name": doomed.name}
        )
        # Wagtail's admin turns a PermissionDenied into a redirect home with a message.
        assert (refused.status_code, refused.url) == (302, "/admin/")
        assert schema_exists("lcdel")
        login_with_second_step(console, staff)
        form = console.get("/admin/toan-quoc/lien-hiep-hoi/lcdel/").content.decode()
        assert "/admin/toan-quoc/lien-hiep-hoi/lcdel/xoa/" in form
        wrong = console.post("/admin/toan-quoc/lien-hiep-hoi/lcdel/xoa/", {"confirm_name": "lcdel"})
        assert wrong.status_code == 400
        assert "Tên xác nhận không khớp" in wrong.content.decode()
        assert schema_exists("lcdel")
        # The worker backs up and deletes; the request only queues it.
        asked = console.post(
            "/admin/toan-quoc/lien-hiep-hoi/lcdel/xoa/", {"confirm_name": doomed.name}
        )
        deletion = UnionDeletion.objects.get(schema_name="lcdel")
        assert asked.url == f"/admin/toan-quoc/yeu-cau-xoa/{deletion.pk}/"
        wait_for(
            lambda: UnionDeletion.objects.get(pk=deletion.pk).state == "done",
            timeout=60,
            what="the worker to delete the union",
        )
        page = console.get(asked.url).content.decode()
        assert 'data-state="done"' in page and ".tar" in page
        assert not schema_exists("lcdel") and schema_exists("uniona")
        assert AuditEntry.objects.get(schema_name="lcdel", action="deleted").actor == "vusta-xoa"
    finally:
        User.objects.filter(username__in=["vusta-xoa", "vusta-xem"]).delete()


def test_a_queued_deletion_runs_once_and_a_failed_one_can_be_asked_again(
    doomed, settings, tmp_path
):
    blocker = tmp_path / "khong-phai-thu-muc"
    blocker.write_text("một tệp, không phải thư mục")
    settings.BACKUP_ROOT = str(blocker)
    first = union_delete_request(union=doomed, confirm_name=doomed.name, actor="kiểm thử")
    with pytest.raises(ValidationError, match="đang được sao lưu và xoá"):
        union_delete_request(union=doomed, confirm_name=doomed.name, actor="kiểm thử")
    failed = union_deletion_carry_out(deletion_id=first.pk)
    assert failed.state == "failed" and failed.error.startswith("Chưa xoá gì: Không ghi được")
    assert schema_exists("lcdel") and Union.objects.filter(schema_name="lcdel").exists()

    settings.BACKUP_ROOT = str(tmp_path / "backups")
    second = union_delete_request(union=doomed, confirm_name=doomed.name, actor="kiểm thử")
    assert union_deletion_carry_out(deletion_id=second.pk).state == "done"
    # Delivered again (at least once): nothing runs twice, and the failed request stays as it was.
    assert union_deletion_carry_out(deletion_id=second.pk).state == "done"
    assert UnionDeletion.objects.get(pk=first.pk).state == "failed"
    assert not schema_exists("lcdel") and list((tmp_path / "backups").rglob("lcdel*.tar"))


def _database_url(name: str) -> str:
    db = connection.settings_dict
    if db["HOST"].startswith("/"):
        return f"postgresql://{db['USER']}:{db['PASSWORD']}@/{name}?host={db['HOST']}"
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def _admin_connection():
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or None,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    )


def _nodes_other() -> list[tuple[str, int]]:
    """On a Citus cluster, the workers (host, port); on one PostgreSQL, none."""
    if not citus_active():
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0")
        return cursor.fetchall()


def _fresh_database_create(name: str) -> None:
    """An empty database; on a Citus cluster, one on every node with the extension and
    the workers registered, as `deploy/cluster` prepares the platform's."""
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    workers = _nodes_other()
    if not workers:
        return
    db = connection.settings_dict
    for host, port in workers:
        with psycopg.connect(host=host, port=port, user=db["USER"], autocommit=True) as node:
            node.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(host=host, port=port, user=db["USER"], dbname=name) as node:
            node.execute("CREATE EXTENSION citus")
    with psycopg.connect(_database_url(name), autocommit=True) as fresh:
        fresh.execute("CREATE EXTENSION citus")
        fresh.execute("SELECT citus_set_coordinator_host(%s, %s)", [db["HOST"], int(db["PORT"])])
        for host, port in workers:
            fresh.execute("SELECT citus_add_node(%s, %s)", [host, port])


def _fresh_database_drop(name: str) -> None:
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    db = connection.settings_dict
    for host, port in _nodes_other():
        with psycopg.connect(host=host, port=port, user=db["USER"], autocommit=True) as node:
            node.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_whole_platform_restores_into_a_fresh_database(
    union_pair, committed, backup_root, tmp_path
):
    union_a, union_b = union_pair
    archive = platform_backup()
    manifest = backups.archive_read(archive).manifest
    assert {"uniona", "unionb", "template"} <= set(manifest["schemas"])
    assert not any(name.startswith("spare_") for name in manifest["schemas"])
    union_archive = union_backup(union=union_a.union)
    fresh = f"lifecycle_fresh_{uuid.uuid4().hex[:8]}"
    _fresh_database_create(fresh)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lhh.settings.test",
        "DATABASE_URL": _database_url(fresh),
        "MEDIA_ROOT": str(tmp_path / "media-fresh"),
        "BACKUP_ROOT": str(tmp_path / "backups-fresh"),
    }

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
        )

    try:
        restored = manage("platform_restore", str(archive))
        assert restored.returncode == 0, restored.stderr
        assert restored.stdout.startswith("Đã khôi phục ") and " dòng trong " in restored.stdout
        again = manage("platform_restore", str(archive))
        assert again.returncode != 0 and "cơ sở dữ liệu trống" in again.stderr
        beside = manage("union_restore", str(union_archive), "--as", "uniona2")
        assert beside.returncode == 0, beside.stderr
        assert beside.stdout.startswith("Đã khôi phục uniona2: ")
        with psycopg.connect(_database_url(fresh).replace("postgresql://", "postgres://")) as db:
            for schema, title in (
                ("uniona", union_a.sentinel_title),
                ("unionb", union_b.sentinel_title),
                ("uniona2", union_a.sentinel_title),
            ):
                rows = db.execute(
                    f'SELECT title FROM "{schema}".wagtailcore_page WHERE title = %s', [title]
                ).fetchall()
                assert rows == [(title,)]
            hosts = db.execute(
                "SELECT domain FROM public.tenants_domain ORDER BY domain"
            ).fetchall()
            assert ("uniona2.localhost",) in hosts and ("uniona.localhost",) in hosts
            if citus_active():
                # On a cluster every union comes back a distributed schema on a worker;
                # the template stays on the coordinator.
                distributed = {
                    row[0] for row in db.execute("SELECT schema_name::text FROM citus_schemas")
                }
                assert {"uniona", "unionb", "uniona2"} <= distributed
                assert "template" not in distributed
    finally:
        _fresh_database_drop(fresh)


def test_a_restore_whose_counts_differ_from_the_manifest_leaves_nothing_behind(
    doomed, backup_root, tmp_path
):
    archive = union_backup(union=doomed)
    tampered = tmp_path / "sua-doi.tar"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if member.name == backups.MANIFEST:
                manifest = json.load(data)
                manifest["counts"]["lcdel.cms_newsarticlepage"] += 1
                payload = json.dumps(manifest).encode()
                member.size = len(payload)
                data = io.BytesIO(payload)
            target.addfile(member, data)
    with pytest.raises(backups.BackupError, match="không khớp bản kê"):
        union_restore(archive_path=tampered, schema_name="lcnew", actor="kiểm thử")
    assert not schema_exists("lcnew")
    assert not Union.objects.filter(schema_name="lcnew").exists()
    assert not backups.media_folder("lcnew").exists()
    assert not AuditEntry.objects.filter(schema_name="lcnew").exists()
    assert schema_exists("lcdel")  # the original is untouched


def _totals() -> list[tuple]:
    from lhh.national.models import RollupTotal

    # Ordered by the database: a year's `half` is NULL, which Python will not compare.
    fields = ("scope", "period_kind", "year", "half", "metric", "value")
    return list(RollupTotal.objects.order_by(*fields).values_list(*fields))


def test_a_restored_copy_is_suspended_uncounted_and_accepts_no_old_credentials(
    doomed, union_pair, backup_root
):
    from django.contrib.sessions.backends.db import SessionStore

    from api.services import token_create
    from lhh.national.models import Rollup
    from lhh.national.rollups import union_scopes
    from lhh.national.selectors import Scope
    from tenants.lifecycle import union_set_status
    from tenants.models import Province

    doomed.province = Province.objects.filter(is_current=True, unions__isnull=True).first()
    doomed.save(update_fields=["province"])
    with schema_context("lcdel"):
        staff = get_user_model().objects.create_superuser("admin", "a@x.vn", "mat-khau-2025")
        token = token_create(user=staff, name="cũ", scope="read")[1]
        session = SessionStore()
        session["_auth_user_id"] = str(staff.pk)
        session.create()
    archive = union_backup(union=doomed)
    # Totals as the nightly rebuild leaves them: earlier tests may have left them drifted.
    rollup_totals_rebuild()
    before = _totals()

    copy = union_restore(archive_path=archive, schema_name="lcnew", actor="kiểm thử")

    assert copy.status == Union.Status.SUSPENDED and copy.review_pending
    # Out of the national figures, now and after the nightly rebuild.
    assert union_scopes(copy) == [] and copy not in Scope().unions()
    assert not Rollup.objects.filter(union=copy).exists()
    assert not ReportSubmission.objects.filter(union=copy).exists()
    # The original's own domain stays the original's: the copy neither claims nor routes it.
    assert not DomainClaim.objects.filter(union=copy).exists()
    assert Domain.objects.get(domain=OWN_DOMAIN).tenant_id == doomed.pk
    rollup_totals_rebuild()
    assert _totals() == before
    # The original's sessions and tokens came along in the dump and are gone.
    with schema_context("lcnew"):
        from django.contrib.sessions.models import Session

        from api.models import ApiToken

        assert not ApiToken.objects.exists() and not Session.objects.exists()
    # One union per province: the copy cannot go live beside the original.
    with pytest.raises(ValidationError, match="đã có Liên hiệp Hội"):
        union_set_status(union=copy, status=Union.Status.ACTIVE, actor="kiểm thử")
    union_set_status(union=doomed, status=Union.Status.ARCHIVED, actor="kiểm thử")
    copy = union_set_status(union=copy, status=Union.Status.ACTIVE, actor="kiểm thử")
    assert not copy.review_pending and union_scopes(copy) != []
    # Live at last, the copy still refuses what the original handed out.
    host = Client(HTTP_HOST="lcnew.localhost")
    answer = host.get("/api/v1/activities/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 401
    host.cookies["sessionid"] = session.session_key
    assert host.get("/admin/").status_code == 302
