"""The mysqldump reader on its own: no database, no MySQL."""

import gzip
import io
import tracemalloc

import pytest

from cms.nukeviet.dump import DumpError, DumpReader

SQL = (
    "-- MySQL dump 10.13\n"
    "/*!40101 SET NAMES utf8mb4 */;\n"
    "/*M!999999\\- enable the sandbox mode */ \n"
    "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `s` text COMMENT 'a;b',\n"
    "  `b` blob\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
    "INSERT INTO `t` VALUES (1,'It\\'s \\\"x\\\"\\n\\\\ (a), b; c','ok'),"
    "(2,NULL,_binary '\\0\\xff'),(3,'Tiếng Việt đủ dấu','it''s'),(-4,'',0x00ff);\n"
    "INSERT INTO `t` (`id`, `s`, `b`) VALUES\n(5,'x','y');\n"
    "-- Dump completed on 2026-12-01\n"
)


def _events(data: bytes, chunk: int = 1 << 20) -> list[tuple]:
    return list(DumpReader(io.BytesIO(data), chunk=chunk).events())


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_rows_escapes_nulls_binary_at_any_chunk_size(chunk):
    events = _events(SQL.encode(), chunk)
    assert events[0] == ("table", "t", ["id", "s", "b"])
    rows = [values for kind, _, values in events if kind == "row"]
    assert rows[0] == [1, 'It\'s "x"\n\\ (a), b; c', "ok"]
    assert rows[1][1] is None and rows[1][0] == 2
    assert rows[2] == [3, "Tiếng Việt đủ dấu", "it's"]
    assert rows[3] == [-4, "", b"\x00\xff"]
    assert rows[4] == [5, "x", "y"]


def test_a_truncated_dump_is_refused_in_vietnamese():
    data = SQL.encode()
    cut_in_row = data[: data.index(b"(3,") + 10]
    with pytest.raises(DumpError, match="cắt cụt"):
        _events(cut_in_row)
    cut_between_statements = data[: data.index(b"-- Dump completed")]
    with pytest.raises(DumpError, match="cắt cụt"):
        _events(cut_between_statements)
    gz = gzip.compress(data)
    with pytest.raises(DumpError, match="cắt cụt"):
        list(DumpReader(gzip.GzipFile(fileobj=io.BytesIO(gz[: len(gz) // 2]))).events())


def test_not_sql_is_refused():
    with pytest.raises(DumpError, match="không phải bản sao lưu"):
        _events(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    with pytest.raises(DumpError, match="không phải bản sao lưu"):
        _events(b"Xin chao, day la mot van ban thuong.\n")


def test_memory_stays_flat_on_a_large_dump():
    """Rows are yielded one by one: a 40 MB dump never sits in memory."""
    row = "(1,'" + "Nội dung bài viết " * 40 + "','x')"
    statement = "INSERT INTO `t` VALUES " + ",".join([row] * 500) + ";\n"
    data = (
        "-- MySQL dump\nCREATE TABLE `t` (\n  `id` int,\n  `s` text,\n  `b` text\n);\n"
        + statement * 100
        + "-- Dump completed\n"
    ).encode()
    assert len(data) > 40 * 1024 * 1024
    tracemalloc.start()
    count = sum(1 for event in DumpReader(io.BytesIO(data)).events() if event[0] == "row")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 50_000
    assert peak < 12 * 1024 * 1024, peak
