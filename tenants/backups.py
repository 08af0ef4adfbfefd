"""Backing up and restoring a union or the platform, and the archive format: one `.tar`
file holding a plain `pg_dump`, the media and a manifest.

A union's archive holds its schema (`pg_dump -n <schema>`), its media folder, its
rows in public that are not derived from the schema (report submissions), and a
manifest: schema and union name, province, row counts per table, server version,
created_at. The whole platform's archive holds every schema but the disposable
warm-pool spares, and all media.

The dump is plain SQL on purpose: restoring a union under another schema name only
needs the schema's name rewritten in the dump's statements, never in its data
(COPY blocks), so a page that mentions `uniona.localhost` is restored unchanged.
"""

import io
import json
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from cms.page_cache import page_cache_clear
from cms.services import site_setup
from tenants.citus import citus_active, schema_distribute
from tenants.domains import own_domains_restore
from tenants.lifecycle import LIFECYCLE_STATUSES, provincial_only
from tenants.models import Domain, Province, Union, UnionFormerProvince
from tenants.schema_names import schema_quoted
from tenants.selectors import schema_name_check_free, union_host
from tenants.signals import union_restored

logger = logging.getLogger(__name__)


ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "schema.sql"
PUBLIC_ROWS = "public.json"
MEDIA = "media"
_COPY_HEADER = re.compile(r"^COPY (?P<table>\S+) ")


@dataclass(frozen=True)
class Archive:
    path: Path
    manifest: dict


class BackupError(RuntimeError):
    """pg_dump, psql or the archive failed; the message says which and why."""


# --- PostgreSQL client programs ----------------------------------------------


def _server_major() -> int:
    connection.ensure_connection()
    return connection.connection.info.server_version // 10000


def _client_major(bin_dir: Path) -> int | None:
    program = bin_dir / "pg_dump"
    if not program.exists():
        return None
    output = subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else None


@cache
def pg_bin_dir(server_major: int) -> Path:
    """The folder of pg_dump/psql whose major version is the server's.

    pg_dump refuses a newer server and an older psql may not read a newer dump,
    so the versions must match: PG_BIN_DIR if set, else the embedded pgserver's
    own programs, else Debian's /usr/lib/postgresql/<major>/bin.
    """
    candidates = [Path(settings.PG_BIN_DIR)] if settings.PG_BIN_DIR else []
    try:
        import pgserver

        candidates.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:  # production may run without the embedded server
        pass
    candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin"))
    for candidate in candidates:
        if _client_major(candidate) == server_major:
            return candidate
    raise BackupError(
        f"Không tìm thấy pg_dump phiên bản {server_major} (khớp máy chủ PostgreSQL); "
        "hãy đặt biến môi trường PG_BIN_DIR."
    )


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db["USER"] or "postgres"}
    if db["HOST"]:
        env["PGHOST"] = db["HOST"]
    if db["PORT"]:
        env["PGPORT"] = str(db["PORT"])
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    if citus_active():
        # A restored schema is made locally, then distributed whole (tenants.citus).
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c citus.enable_schema_based_sharding=off"
    return env


def _run(program: str, *args: str) -> None:
    path = pg_bin_dir(_server_major()) / program
    result = subprocess.run(
        [str(path), *args], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} thất bại: {result.stderr.strip()[-2000:]}")


def server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def dump(sql_path: Path, *, schema: str | None) -> None:
    """A plain-SQL dump of one schema, or of every schema but the warm-pool spares."""
    options = ["--format=plain", "--no-owner", "--no-privileges", f"--file={sql_path}"]
    if schema is not None:
        # Without --strict-names a missing schema is an empty dump, not an error.
        options += [f"--schema={schema}", "--strict-names"]
    else:
        # Spares are disposable clones; the registry rows naming them go with them.
        options += ["--exclude-schema=spare_*", "--exclude-table-data=public.tenants_spareschema"]
    _run("pg_dump", *options)


def psql_file(sql_path: Path) -> None:
    """Run a dump in one transaction: it restores entirely or not at all."""
    _run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", str(sql_path))


# --- Dump text ---------------------------------------------------------------


def _dump_lines(sql_path: Path) -> Iterator[tuple[str, bool]]:
    """Each line of a plain dump, and whether it is table data (inside a COPY block)."""
    in_copy = False
    with sql_path.open(encoding="utf-8") as lines:
        for line in lines:
            if in_copy:
                in_copy = line != "\\.\n"
                yield line, in_copy
                continue
            yield line, False
            in_copy = bool(_COPY_HEADER.match(line))


def row_counts(sql_path: Path) -> dict[str, int]:
    """Rows per table, counted in the dump itself: exactly what a restore brings back."""
    counts: dict[str, int] = {}
    table = ""  # data lines only ever follow a COPY header, which names the table
    for line, is_data in _dump_lines(sql_path):
        if is_data:
            counts[table] += 1
        elif match := _COPY_HEADER.match(line):
            table = match.group("table")
            counts[table] = 0
    return counts


def dump_renamed(source: Path, target: Path, *, old: str, new: str) -> None:
    """Rewrite the schema's name in a dump's statements; table data is left as it is."""
    name = re.compile(rf'(?<![\w$."]){re.escape(old)}(?=[.;\s])')
    with target.open("w", encoding="utf-8") as out:
        for line, is_data in _dump_lines(source):
            out.write(line if is_data else name.sub(new, line))


def counts_by_table(counts: dict[str, int], *, schema: str, new_schema: str) -> dict[str, int]:
    """The manifest's counts of `schema`'s tables, named in `new_schema`."""
    prefix = f"{schema}."
    return {
        f"{new_schema}.{table.removeprefix(prefix)}": n
        for table, n in counts.items()
        if table.startswith(prefix)
    }


def counts_in_database(tables: Iterable[str]) -> dict[str, int]:
    """Live row counts of `schema.table` names, in one query."""
    tables = list(tables)
    if not tables:
        return {}
    quote = connection.ops.quote_name
    parts = [
        f"SELECT %s, count(*) FROM {'.'.join(quote(p) for p in table.split('.', 1))}"
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), tables)
        return dict(cursor.fetchall())


# --- Archive files -----------------------------------------------------------


def media_folder(schema_name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / schema_name


def archive_write(
    *,
    folder: Path,
    stem: str,
    manifest: dict,
    sql_path: Path,
    media: Path | None,
    public_rows: list | None = None,
) -> Path:
    """Write the archive under `folder`; it appears complete or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    manifest = {
        "format": ARCHIVE_FORMAT,
        **manifest,
        "server_version": server_version(),
        "created_at": created.isoformat(),
    }
    path = folder / f"{stem}-{created:%Y%m%dT%H%M%S%fZ}.tar"
    partial = path.with_suffix(".partial")
    try:
        with tarfile.open(partial, "w") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
            tar.add(sql_path, arcname=DUMP)
            if public_rows is not None:
                _add_bytes(tar, PUBLIC_ROWS, json.dumps(public_rows, ensure_ascii=False).encode())
            if media is not None and media.is_dir():
                tar.add(media, arcname=MEDIA)
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _member_read(tar: tarfile.TarFile, name: str) -> bytes:
    """A file of the archive; KeyError, as for a missing one, if it is not a plain file."""
    member = tar.extractfile(name)
    if member is None:
        raise KeyError(name)
    return member.read()


def archive_read(path: Path) -> Archive:
    """Open an archive and check its manifest; a bad file is a Vietnamese error."""
    try:
        with tarfile.open(path) as tar:
            manifest = json.loads(_member_read(tar, MANIFEST))
    except (OSError, KeyError, tarfile.TarError, ValueError):
        raise ValidationError(
            "“%(path)s” không phải là tệp sao lưu hợp lệ.",
            code="bad_archive",
            params={"path": path},
        ) from None
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise ValidationError("Tệp sao lưu có định dạng không được hỗ trợ.", code="bad_archive")
    return Archive(path=path, manifest=manifest)


def archive_unpack(archive: Archive, into: Path) -> None:
    with tarfile.open(archive.path) as tar:
        # The "data" filter refuses absolute paths, links out of the folder and devices.
        tar.extractall(into, filter="data")


def media_place(unpacked: Path, target: Path) -> bool:
    """Move an unpacked archive's media to `target`. Returns whether there was any."""
    source = unpacked / MEDIA
    if not source.is_dir():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source, target)
    return True


@contextmanager
def file_errors_reported() -> Iterator[None]:
    """A full disk or a folder the service may not write, as a BackupError in Vietnamese."""
    try:
        yield
    except OSError as error:
        raise BackupError(
            f"Không ghi được bản sao lưu vào {settings.BACKUP_ROOT}: {error.strerror or error}."
        ) from error


def scratch() -> tempfile.TemporaryDirectory:
    """A work folder beside the backups: dumps can be large and /tmp small."""
    root = Path(settings.BACKUP_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(dir=root, prefix=".work-")


def prune(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives in `folder`. Returns those deleted."""
    archives = sorted(folder.glob("*.tar"))  # names carry a sortable UTC timestamp
    doomed = archives[: -max(keep, 1)]  # never the archive just written
    for path in doomed:
        path.unlink()
    return doomed


# --- Backing up and restoring a union or the whole platform -------------------
# The services above this line only read and write archives; these decide what
# goes into one and bring a union back from it.


def union_rows_in_public(union: Union) -> list[QuerySet]:
    """The union's rows in public that its schema cannot rebuild (`UNION_ROWS_IN_PUBLIC`,
    the report submissions): kept in its backup, restored and deleted with it.

    What public derives from the schema (rollups, the news feed) is recomputed on restore.
    """
    return [
        apps.get_model(label).objects.filter(union=union) for label in settings.UNION_ROWS_IN_PUBLIC
    ]


def _public_rows(union: Union) -> tuple[list, dict[str, int]]:
    """The union's rows in public, serialised, and how many of each model."""
    rows, counts = [], {}
    for queryset in union_rows_in_public(union):
        serialised = json.loads(serializers.serialize("json", queryset))
        rows.extend(serialised)
        counts[queryset.model._meta.label_lower] = len(serialised)
    return rows, counts


def union_backup(*, union: Union) -> Path:
    """Archive a union's schema, media and public rows; keep the BACKUP_KEEP newest."""
    provincial_only(union)
    with file_errors_reported():
        with scratch() as work:
            sql_path = Path(work) / DUMP
            dump(sql_path, schema=union.schema_name)
            public_rows, public_counts = _public_rows(union)
            manifest = {
                "kind": "union",
                "schema_name": union.schema_name,
                "union": {
                    "name": union.name,
                    "short_name": union.short_name,
                    "province": union.province.name if union.province else None,
                    # [name, since or None], its own first.
                    "former_provinces": [
                        [row.province.name, row.since.isoformat() if row.since else None]
                        for row in union.coverage.select_related("province")
                    ],
                    "contact_name": union.contact_name,
                    "contact_email": union.contact_email,
                    "contact_phone": union.contact_phone,
                    "status": union.status,
                },
                "counts": row_counts(sql_path),
                "public_counts": public_counts,
            }
            folder = Path(settings.BACKUP_ROOT) / "unions" / union.schema_name
            path = archive_write(
                folder=folder,
                stem=union.schema_name,
                manifest=manifest,
                sql_path=sql_path,
                media=media_folder(union.schema_name),
                public_rows=public_rows,
            )
        prune(folder, keep=settings.BACKUP_KEEP)
        logger.info("union backed up", extra={"schema": union.schema_name, "archive": str(path)})
    return path


def platform_backup() -> Path:
    """Archive every schema (public and the template included, spares left out) and all media."""
    with file_errors_reported():
        with scratch() as work:
            sql_path = Path(work) / DUMP
            dump(sql_path, schema=None)
            manifest = {
                "kind": "platform",
                "schemas": sorted(
                    Union.objects.exclude(kind=Union.Kind.NATIONAL).values_list(
                        "schema_name", flat=True
                    )
                ),
                "counts": row_counts(sql_path),
            }
            folder = Path(settings.BACKUP_ROOT) / "platform"
            path = archive_write(
                folder=folder,
                stem="platform",
                manifest=manifest,
                sql_path=sql_path,
                media=Path(settings.MEDIA_ROOT),
            )
        prune(folder, keep=settings.BACKUP_KEEP)
        logger.info("platform backed up", extra={"archive": str(path)})
    return path


def union_restore(*, archive_path: Path, actor: str, schema_name: str | None = None) -> Union:
    """Restore a union's archive beside the live unions, or into a fresh platform database.

    Under its own schema name or `schema_name`; a name in use is refused. Counts
    are checked against the manifest, and the Wagtail site is pointed at the host.
    A failure leaves no schema, rows or media behind.
    """
    archive = archive_read(Path(archive_path))
    manifest = archive.manifest
    if manifest.get("kind") != "union":
        raise ValidationError(
            "Tệp này là bản sao lưu toàn hệ thống; hãy dùng `platform_restore`.",
            code="bad_archive",
        )
    source = manifest["schema_name"]
    target = schema_name or source
    schema_name_check_free(target)
    media = media_folder(target)
    if media.exists() and any(media.iterdir()):
        raise ValidationError(
            "Thư mục tệp “%(path)s” đã có dữ liệu; không khôi phục đè lên.",
            code="media_in_use",
            params={"path": media},
        )
    expected = counts_by_table(manifest["counts"], schema=source, new_schema=target)
    with scratch() as work:
        work = Path(work)
        archive_unpack(archive, work)
        sql_path = work / DUMP
        if target != source:
            renamed = work / "renamed.sql"
            dump_renamed(sql_path, renamed, old=source, new=target)
            sql_path = renamed
        # psql commits the schema on its own connection; everything after it is
        # undone by hand if it fails.
        psql_file(sql_path)
        try:
            actual = counts_in_database(expected)
            if actual != expected:
                raise BackupError(
                    f"Số dòng sau khi khôi phục không khớp bản kê: {_count_diff(expected, actual)}"
                )
            schema_distribute(target)
            # Files first: the registry rows are the last step, and make the union routable.
            media_place(work, media)
            union = _restored_union_register(manifest=manifest, target=target, archive=archive)
        except BaseException:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {schema_quoted(target)} CASCADE")
            shutil.rmtree(media, ignore_errors=True)
            raise
    with schema_context(union.schema_name):
        page_cache_clear()
    if union.review_pending:
        _copy_credentials_drop(union)
    # The layers above audit the restore and recompute what they derive from the schema.
    union_restored.send(
        sender=Union, union=union, actor=actor, archive=archive.path, source_schema=source
    )
    logger.info("union restored", extra={"schema": target, "archive": str(archive.path)})
    return union


def _copy_credentials_drop(union: Union) -> None:
    """A copy's dump holds the original's sessions and API tokens: none may work on it."""
    from django.apps import apps

    with schema_context(union.schema_name):
        apps.get_model("sessions", "Session").objects.all().delete()
        apps.get_model("api", "ApiToken").objects.all().delete()


def _count_diff(expected: dict[str, int], actual: dict[str, int]) -> str:
    return ", ".join(
        f"{table}: {expected.get(table)} ≠ {actual.get(table)}"
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    )


@transaction.atomic
def _restored_union_register(*, manifest: dict, target: str, archive: Archive) -> Union:
    data = manifest["union"]
    host = union_host(target)
    is_copy = target != manifest["schema_name"]
    union = Union.objects.create(
        schema_name=target,
        name=data["name"],
        short_name=data["short_name"],
        province=Province.objects.filter(name=data["province"], is_current=True).first(),
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
        contact_phone=data["contact_phone"],
        kind=Union.Kind.PROVINCIAL,
        # A copy beside its original waits, suspended and uncounted, for national staff.
        status=Union.Status.SUSPENDED
        if is_copy
        else (data["status"] if data["status"] in LIFECYCLE_STATUSES else Union.Status.ACTIVE),
        review_pending=is_copy,
    )
    Domain.objects.create(domain=host, tenant=union, is_primary=True)
    # Archives made before a union could cover several former provinces name one.
    covered = data.get("former_provinces") or (
        [[data["former_province"], None]] if data.get("former_province") else []
    )
    for name, since in covered:
        former = Province.objects.filter(name=name, is_current=False).first()
        if former is not None:
            UnionFormerProvince.objects.create(
                union=union, province=former, since=date.fromisoformat(since) if since else None
            )
    with tarfile.open(archive.path) as tar:
        rows = _member_read(tar, PUBLIC_ROWS).decode()
    # The original's national rows (report submissions) stay the original's: a copy has none.
    for row in [] if is_copy else serializers.deserialize("json", rows):
        record: Any = row.object  # a model of UNION_ROWS_IN_PUBLIC: each has a `union`
        record.pk = None
        record.union = union
        record.save()
    if not is_copy:
        own_domains_restore(union=union)
    with schema_context(target):
        site_setup(hostname=host, site_name=union.name)
    return union


def _unions_distribute() -> None:
    """On a Citus cluster, after a whole-platform restore: the dump came back with every
    schema local on the coordinator (`_pg_env` turns schema-based sharding off for psql);
    each union's schema is distributed whole, as when it was made. public and the template
    stay on the coordinator."""
    if not citus_active():
        return
    names = Union.objects.filter(kind=Union.Kind.PROVINCIAL).values_list("schema_name", flat=True)
    for schema_name in names:
        if schema_exists(schema_name):  # an archived union has no schema any more
            with transaction.atomic():
                schema_distribute(schema_name)


def platform_restore(*, archive_path: Path) -> dict[str, int]:
    """Restore a whole-platform archive into an empty database. Returns the row counts."""
    archive = archive_read(Path(archive_path))
    if archive.manifest.get("kind") != "platform":
        raise ValidationError(
            "Tệp này là bản sao lưu của một Liên hiệp Hội; hãy dùng `union_restore`.",
            code="bad_archive",
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        )
        if cursor.fetchone()[0]:
            raise ValidationError(
                "Cơ sở dữ liệu đích đã có dữ liệu; chỉ khôi phục toàn hệ thống vào cơ sở dữ "
                "liệu trống.",
                code="database_not_empty",
            )
    expected = archive.manifest["counts"]
    media_root = Path(settings.MEDIA_ROOT)
    with scratch() as work:
        work = Path(work)
        archive_unpack(archive, work)
        folders = sorted((work / MEDIA).glob("*"))
        taken = [f.name for f in folders if (media_root / f.name).exists()]
        if taken:
            raise ValidationError(
                "Thư mục tệp đích đã có: %(names)s; không khôi phục đè lên.",
                code="media_in_use",
                params={"names": ", ".join(taken)},
            )
        psql_file(work / DUMP)
        actual = counts_in_database(expected)
        if actual != expected:
            raise BackupError(
                f"Số dòng sau khi khôi phục không khớp bản kê: {_count_diff(expected, actual)}"
            )
        _unions_distribute()
        media_root.mkdir(parents=True, exist_ok=True)
        for folder in folders:
            shutil.move(folder, media_root / folder.name)
    logger.info("platform restored", extra={"archive": str(archive.path)})
    return actual
