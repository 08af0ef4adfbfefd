"""Every bad input gets a Vietnamese message and leaves nothing behind."""

import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from cms.models import NewsArticlePage
from cms.nukeviet.archive import ArchiveError
from cms.nukeviet.dump import DumpError
from cms.nukeviet.models import NukeVietLink
from cms.nukeviet.services import import_from_paths
from tests.nukeviet.dumps import png_bytes, small_dump, tar_files, tar_with, write, zip_files


def _nothing_written(union) -> None:
    assert NukeVietLink.objects.count() == 0
    assert NewsArticlePage.objects.filter(title__startswith="Bài thử").count() == 0


def _import(dump: Path, uploads: Path | None = None, **kwargs):
    return import_from_paths(
        dump_path=str(dump), uploads_path=str(uploads) if uploads else None, **kwargs
    )


@pytest.fixture
def in_a(union_a):
    with schema_context(union_a.schema_name):
        yield union_a


def test_a_good_small_dump_imports(in_a, tmp_path):
    dump = write(tmp_path / "site.sql.gz", small_dump([{"id": 1, "title": "Bài thử một"}]), gz=True)
    report = _import(dump)
    assert report.created["article"] == 1
    assert NewsArticlePage.objects.get(title="Bài thử một").live


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "-- MySQL dump\nCREATE TABLE `wp_posts` (\n  `ID` int\n);\n-- Dump completed\n",
            "không phải bản sao lưu của trang NukeViet",
        ),
        (b"PK\x03\x04" + b"\x00" * 100, "không phải bản sao lưu cơ sở dữ liệu dạng SQL"),
        ("Đây chỉ là một tệp văn bản.\n", "không phải bản sao lưu cơ sở dữ liệu dạng SQL"),
    ],
)
def test_not_a_nukeviet_dump(in_a, tmp_path, content, message):
    with pytest.raises(DumpError, match=message):
        _import(write(tmp_path / "x.sql", content))
    _nothing_written(in_a)


def test_latin1_dump(in_a, tmp_path):
    # What a latin1 database dumped as latin1 holds: one byte per accented letter.
    text = small_dump([{"id": 1, "title": "Bài cà phê"}], category="Hoạt động")
    data = text.encode("utf-8").replace("Bài cà phê".encode(), "Bài cà phê".encode("latin-1"))
    with pytest.raises(DumpError, match="latin1"):
        _import(write(tmp_path / "latin.sql", data))
    _nothing_written(in_a)


def test_double_encoded_utf8_is_called_mojibake(in_a, tmp_path):
    def mangle(s: str) -> str:
        return s.encode("utf-8").decode("cp1252", errors="replace")

    text = small_dump(
        [{"id": 1, "title": mangle("Bài thử đầu tiên")}, {"id": 2, "title": mangle("Hội nghị")}],
        category=mangle("Hoạt động Liên hiệp Hội"),
    )
    with pytest.raises(DumpError, match="lỗi phông"):
        _import(write(tmp_path / "mojibake.sql", text))
    _nothing_written(in_a)


def test_truncated_dumps(in_a, tmp_path):
    text = small_dump([{"id": 1, "title": "Bài thử cụt"}, {"id": 2, "title": "Bài thử hai"}])
    cut = text[: text.index("Bài thử hai") + 3]
    with pytest.raises(DumpError, match="cắt cụt"):
        _import(write(tmp_path / "cut.sql", cut))
    gz = write(tmp_path / "full.sql.gz", text, gz=True).read_bytes()
    with pytest.raises(DumpError, match="cắt cụt"):
        _import(write(tmp_path / "cut.sql.gz", gz[: len(gz) - 30]))
    _nothing_written(in_a)


def _link(name: str, kind: bytes, target: str) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type = kind
    member.linkname = target
    return member


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: tar_files(p / "u.tar.gz", {"uploads/../../evil.txt": b"x"}), "“..”"),
        (lambda p: tar_files(p / "u.tar.gz", {"/etc/evil.txt": b"x"}), "tuyệt đối"),
        (
            lambda p: tar_with(
                p / "u.tar.gz", [_link("uploads/a.jpg", tarfile.SYMTYPE, "/etc/passwd")], {}
            ),
            "liên kết",
        ),
        (
            lambda p: tar_with(
                p / "u.tar.gz", [_link("uploads/b.jpg", tarfile.LNKTYPE, "uploads/a.jpg")], {}
            ),
            "liên kết",
        ),
        (lambda p: zip_files(p / "u.zip", {"uploads/../../evil.txt": b"x"}), "“..”"),
        (lambda p: write(p / "u.rar", b"Rar!\x1a\x07\x00" + b"\x00" * 64), ".tar.gz hoặc .zip"),
    ],
)
def test_unsafe_archives_are_refused(in_a, tmp_path, make, message):
    dump = write(tmp_path / "site.sql", small_dump([{"id": 1, "title": "Bài thử"}]))
    with pytest.raises(ArchiveError, match=message):
        _import(dump, make(tmp_path))
    _nothing_written(in_a)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_symlink_is_refused(in_a, tmp_path):
    path = tmp_path / "u.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        info = zipfile.ZipInfo("uploads/news/link.jpg")
        info.external_attr = 0o120777 << 16
        bundle.writestr(info, "/etc/passwd")
    dump = write(tmp_path / "site.sql", small_dump([{"id": 1, "title": "Bài thử"}]))
    with pytest.raises(ArchiveError, match="liên kết"):
        _import(dump, path)


def test_zip_bomb_and_tar_bomb_are_refused(in_a, tmp_path):
    dump = write(tmp_path / "site.sql", small_dump([{"id": 1, "title": "Bài thử"}]))
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as bundle:
        with bundle.open("uploads/news/zeros.jpg", "w") as sink:
            for _ in range(40):
                sink.write(b"\x00" * (1024 * 1024))
    with pytest.raises(ArchiveError, match="bom nén"):
        _import(dump, bomb)

    class Zeros(io.RawIOBase):
        def __init__(self, size):
            self.left = size

        def readable(self):
            return True

        def readinto(self, buffer):
            n = min(len(buffer), self.left)
            buffer[:n] = b"\x00" * n
            self.left -= n
            return n

    tar_bomb = tmp_path / "bomb.tar.gz"
    with tarfile.open(tar_bomb, "w:gz") as bundle:
        member = tarfile.TarInfo("uploads/news/zeros.jpg")
        member.size = 260 * 1024 * 1024
        bundle.addfile(member, io.BufferedReader(Zeros(member.size)))
    with pytest.raises(ArchiveError, match="bom nén"):
        _import(dump, tar_bomb)
    _nothing_written(in_a)


def test_missing_and_broken_images_are_reported_never_fatal(in_a, tmp_path):
    body = (
        '<p>Mở đầu<script>alert(1)</script></p><p onclick="x()" style="color:red">Hai</p>'
        '<p><img src="/uploads/news/2024_01/co-that.png" alt="Ảnh thật"/></p>'
        '<p><img src="/uploads/news/2024_01/khong-co.jpg"/></p>'
        '<p><img src="/uploads/news/2024_01/hong.jpg"/></p>'
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
        '<iframe src="https://evil.example.com/frame"></iframe>'
        "<style>p{}</style>"
    )
    dump = write(
        tmp_path / "site.sql",
        small_dump(
            [
                {
                    "id": 1,
                    "title": "Bài thử ảnh",
                    "body": body,
                    "image": "2024_01/dai-dien-mat.jpg",
                },
            ]
        ),
    )
    uploads = tar_files(
        tmp_path / "u.tar.gz",
        {
            "uploads/news/2024_01/co-that.png": png_bytes(),
            "uploads/news/2024_01/hong.jpg": b"not an image at all",
        },
    )
    report = _import(dump, uploads)
    page = NewsArticlePage.objects.get(title="Bài thử ảnh")
    blocks = page.body.get_prep_value()
    kinds = [b["type"] for b in blocks]
    assert kinds.count("image") == 1 and "video" in kinds
    text = str(blocks)
    assert "script" not in text and "onclick" not in text and "style" not in text
    assert "evil.example.com" not in text
    problems = "\n".join(report.problems)
    assert "không tìm thấy ảnh uploads/news/2024_01/khong-co.jpg" in problems
    assert "không tìm thấy ảnh uploads/news/2024_01/dai-dien-mat.jpg" in problems
    assert "hong.jpg không phải ảnh đọc được" in problems
    assert "khung nhúng từ trang lạ (evil.example.com)" in problems
    assert page.lead_image is None


def test_an_interrupted_run_leaves_nothing(in_a, tmp_path):
    """A run stopped at its last step (a worker killed, a time limit) keeps no row and no file."""
    media = Path(settings.MEDIA_ROOT) / in_a.schema_name / "original_images"
    before = set(media.glob("*")) if media.exists() else set()
    dump = write(
        tmp_path / "site.sql",
        small_dump(
            [
                {"id": 1, "title": "Bài thử dừng", "body": '<img src="/uploads/news/a.png"/>'},
            ]
        ),
    )
    uploads = tar_files(tmp_path / "u.tar.gz", {"uploads/news/a.png": png_bytes()})

    def stop(stage, done, total):
        if stage == "import" and done == total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _import(dump, uploads, progress=stop)
    _nothing_written(in_a)
    assert (set(media.glob("*")) if media.exists() else set()) == before


def test_dry_run_writes_nothing(in_a, tmp_path):
    media = Path(settings.MEDIA_ROOT) / in_a.schema_name / "original_images"
    before = set(media.glob("*")) if media.exists() else set()
    dump = write(
        tmp_path / "site.sql",
        small_dump(
            [
                {"id": 1, "title": "Bài thử khô", "body": '<img src="/uploads/news/a.png"/>'},
            ]
        ),
    )
    uploads = tar_files(tmp_path / "u.tar.gz", {"uploads/news/a.png": png_bytes()})
    report = _import(dump, uploads, dry_run=True)
    assert report.created["article"] == 1 and report.created["image"] == 1
    _nothing_written(in_a)
    assert (set(media.glob("*")) if media.exists() else set()) == before
