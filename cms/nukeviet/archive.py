"""The old site's uploads folder, from a .tar.gz or .zip, unpacked safely.

Every member is checked before a byte is written: no `..`, no absolute path, no link
(symbolic or hard), no device; the total unpacked size and the ratio to the
archive's size are bounded (a zip bomb is refused, not unpacked). Only files under
`uploads/` and `assets/` are kept, into a private folder of the run, never into
the media folder directly: the importer copies what it uses through the union's
storage.
"""

import os
import shutil
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

MAX_TOTAL_BYTES = 8 * 1024**3
MAX_RATIO = 200
MAX_MEMBERS = 200_000
_KEPT_ROOTS = ("uploads", "assets")


class ArchiveError(ValueError):
    """The archive is refused; the message is for the person who uploaded it."""


def _safe_name(name: str) -> PurePosixPath | None:
    """The member's path inside the site, or None for what is not kept."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError(
            f"Tệp nén có đường dẫn tuyệt đối (“{name[:80]}”); vì an toàn, tệp bị từ chối."
        )
    path = PurePosixPath(name)
    if ".." in path.parts:
        raise ArchiveError(
            f"Tệp nén có đường dẫn “..” ra ngoài thư mục (“{name[:80]}”); vì an toàn, "
            "tệp bị từ chối."
        )
    parts = [p for p in path.parts if p not in ("", ".")]
    # The folder may be packed as uploads/… or as <site>/uploads/…
    for index, part in enumerate(parts):
        if part in _KEPT_ROOTS:
            return PurePosixPath(*parts[index:])
    return None


def _bomb(total: int, packed: int) -> None:
    if total > MAX_TOTAL_BYTES:
        limit = MAX_TOTAL_BYTES // 1024**3
        raise ArchiveError(f"Tệp nén khi giải nén vượt quá {limit} GB; vì an toàn, tệp bị từ chối.")
    if packed and total > MAX_RATIO * max(packed, 1024 * 1024):
        raise ArchiveError(
            "Tệp nén có tỉ lệ nén bất thường (nghi là “bom nén”); vì an toàn, tệp bị từ chối."
        )


def unpack(archive: str, into: Path) -> int:
    """Unpack the kept files of `archive` into `into`; returns how many were written."""
    packed = os.path.getsize(archive)
    with open(archive, "rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"PK"):
        return _unpack_zip(archive, into, packed)
    if magic.startswith(b"\x1f\x8b") or tarfile.is_tarfile(archive):
        return _unpack_tar(archive, into, packed)
    raise ArchiveError("Thư mục tải lên phải được nén dạng .tar.gz hoặc .zip.")


def _target(into: Path, relative: PurePosixPath) -> Path:
    target = (into / relative).resolve()
    if not target.is_relative_to(into.resolve()):
        raise ArchiveError("Tệp nén có đường dẫn ra ngoài thư mục; vì an toàn, tệp bị từ chối.")
    return target


def _unpack_zip(archive: str, into: Path, packed: int) -> int:
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError("Tệp .zip bị hỏng hoặc không đọc được.") from error
    with bundle:
        members = bundle.infolist()
        if len(members) > MAX_MEMBERS:
            raise ArchiveError("Tệp nén có quá nhiều tệp; vì an toàn, tệp bị từ chối.")
        total = 0
        kept = []
        for member in members:
            relative = _safe_name(member.filename)
            mode = member.external_attr >> 16
            if mode and (mode & 0o170000) == 0o120000:
                raise ArchiveError(
                    f"Tệp nén chứa liên kết (“{member.filename[:80]}”); vì an toàn, tệp bị từ chối."
                )
            total += member.file_size
            if member.compress_size and member.file_size > MAX_RATIO * max(
                member.compress_size, 64 * 1024
            ):
                raise ArchiveError(
                    "Tệp nén có tỉ lệ nén bất thường (nghi là “bom nén”); vì an toàn, "
                    "tệp bị từ chối."
                )
            if relative is not None and not member.is_dir():
                kept.append((member, relative))
        _bomb(total, packed)
        written = 0
        for member, relative in kept:
            target = _target(into, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with bundle.open(member) as source, open(target, "wb") as sink:
                    # The declared sizes are checked above; the stream is bounded too,
                    # in case the headers lie.
                    _copy_bounded(source, sink, member.file_size)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise ArchiveError("Tệp .zip bị hỏng hoặc không đọc được.") from error
            written += 1
        return written


def _copy_bounded(source, sink, declared: int) -> int:
    copied = 0
    while chunk := source.read(1024 * 1024):
        copied += len(chunk)
        if copied > declared:
            raise ArchiveError(
                "Tệp nén khai sai kích thước tệp bên trong; vì an toàn, tệp bị từ chối."
            )
        sink.write(chunk)
    return copied


def _unpack_tar(archive: str, into: Path, packed: int) -> int:
    try:
        bundle = tarfile.open(archive, "r:*")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ArchiveError("Tệp .tar.gz bị hỏng hoặc không đọc được.") from error
    written = 0
    total = 0
    count = 0
    try:
        with bundle:
            # One pass, streaming: each member is checked before its bytes are written,
            # and the running total bounds the whole.
            for member in bundle:
                count += 1
                if count > MAX_MEMBERS:
                    raise ArchiveError("Tệp nén có quá nhiều tệp; vì an toàn, tệp bị từ chối.")
                relative = _safe_name(member.name)
                if member.issym() or member.islnk():
                    raise ArchiveError(
                        f"Tệp nén chứa liên kết (“{member.name[:80]}”); vì an toàn, tệp bị từ chối."
                    )
                if not (member.isfile() or member.isdir()):
                    raise ArchiveError(
                        f"Tệp nén chứa tệp đặc biệt (“{member.name[:80]}”); vì an toàn, "
                        "tệp bị từ chối."
                    )
                total += member.size
                _bomb(total, packed)
                if relative is None or not member.isfile():
                    continue
                target = _target(into, relative)
                target.parent.mkdir(parents=True, exist_ok=True)
                source = bundle.extractfile(member)
                with source, open(target, "wb") as sink:
                    _copy_bounded(source, sink, member.size)
                written += 1
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ArchiveError(
            "Tệp .tar.gz bị hỏng hoặc bị cắt cụt; hãy nén lại thư mục tải lên."
        ) from error
    return written


def clear(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
