"""A NukeViet dump staged into a temporary SQLite file, and what it holds.

The dump is streamed once into SQLite (standard library, on disk), keeping only the
tables an import reads; the importer then joins and walks them in order with
constant memory, however large the site. This module is also the NukeViet model:
which modules exist, which tables belong to each, and how rows read.
"""

import html
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cms.nukeviet.dump import DumpError, DumpReader, open_dump

# Runtime tables a hand-over carries that say nothing about content.
_SKIPPED_SUFFIXES = (
    "_sessions",
    "_logs",
    "_referer_stats",
    "_searchkeys",
    "_row_histories",
    "_voting_voted",
    "_counter",
    "_notification",
    "_cookies",
    "_banners_click",
    "_upload_file",
    "_upload_dir",
)
# Creating a news category copies `_rows` into `_{catid}`; old installs keep bodies
# in `_bodyhtml_{n}`, which must not be mistaken for such a copy.
_CATEGORY_COPY = re.compile(r"_\d+$")
_BODYHTML = re.compile(r"_bodyhtml_\d+$")
_MODULES = re.compile(r"^(\w+?)_([a-z]{2})_modules$")
_BATCH = 1000


@dataclass(frozen=True)
class Module:
    title: str  # the module's name in URLs
    file: str  # which code runs it: news, page, laws…
    data: str  # the infix of its tables
    upload: str  # its folder under uploads/
    custom_title: str


def _wanted(table: str) -> bool:
    if table.endswith(_SKIPPED_SUFFIXES):
        return False
    return not _CATEGORY_COPY.search(table) or bool(_BODYHTML.search(table))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _mojibake(text: str) -> bool:
    """True when `text` is UTF-8 that was read as latin1/cp1252 and encoded again."""
    if not any(128 <= ord(c) < 256 for c in text):
        return False
    try:
        raw = bytes(ord(c) if ord(c) < 256 else c.encode("cp1252")[0] for c in text)
        fixed = raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError, ValueError):
        return False
    return fixed != text


class StagedDump:
    """The tables of one NukeViet dump, staged in SQLite at `path`."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.row_factory = sqlite3.Row
        self.columns: dict[str, list[str]] = {}
        self.prefix = ""
        self.lang = ""

    @classmethod
    def load(
        cls, *, dump_path: str, sqlite_path: Path, progress: Callable[[int], None] | None = None
    ) -> "StagedDump":
        staged = cls(sqlite_path)
        staged._fill(dump_path, progress)
        staged._identify()
        staged._check_encoding()
        return staged

    @classmethod
    def open(cls, sqlite_path: Path) -> "StagedDump":
        """A dump staged earlier (by the preview), read again without the dump."""
        staged = cls(sqlite_path)
        for (table,) in staged.db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            info = staged.db.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
            staged.columns[table] = [column[1] for column in info]
        staged._identify()
        return staged

    def close(self) -> None:
        self.db.close()

    # -- loading -------------------------------------------------------------
    def _fill(self, dump_path: str, progress) -> None:
        pending: dict[str, list[list]] = {}
        undecodable = 0
        charsets: set[str] = set()
        with open_dump(dump_path) as stream:
            reader = DumpReader(stream, progress)
            for event in reader.events():
                kind, table = event[0], event[1]
                if kind == "table":
                    if not _wanted(table):
                        continue
                    self._flush(pending)
                    self.columns[table] = event[2]
                    self.db.execute(f"DROP TABLE IF EXISTS {_quote(table)}")
                    names = ", ".join(_quote(c) for c in event[2])
                    self.db.execute(f"CREATE TABLE {_quote(table)} ({names})")
                elif kind == "row":
                    if table not in self.columns:
                        continue
                    values = event[2]
                    if len(values) != len(self.columns[table]):
                        raise DumpError(
                            f"Bảng “{table}” có dòng dữ liệu không khớp số cột; "
                            "bản sao lưu có thể bị hỏng."
                        )
                    undecodable += sum(isinstance(v, bytes) for v in values)
                    batch = pending.setdefault(table, [])
                    batch.append(values)
                    if len(batch) >= _BATCH:
                        self._flush(pending)
                elif kind == "charset":
                    charsets.add(event[2])
        self._flush(pending)
        # Bodies, comments and tags are looked up by article id.
        for table, columns in self.columns.items():
            if "id" in columns:
                self.db.execute(f"CREATE INDEX {_quote(table + '__id')} ON {_quote(table)} (id)")
        self.db.commit()
        self._undecodable = undecodable
        self._charsets = charsets

    def _flush(self, pending: dict[str, list[list]]) -> None:
        for table, rows in pending.items():
            if rows:
                marks = ", ".join("?" * len(self.columns[table]))
                self.db.executemany(f"INSERT INTO {_quote(table)} VALUES ({marks})", rows)
        pending.clear()

    def _identify(self) -> None:
        candidates = []
        for table, columns in self.columns.items():
            match = _MODULES.match(table)
            if match and {"title", "module_file", "module_data"} <= set(columns):
                candidates.append((match.group(2) != "vi", table, match.group(1), match.group(2)))
        if not candidates:
            raise DumpError(
                "Tệp này không phải bản sao lưu của trang NukeViet (không có bảng danh sách "
                "mô-đun “…_modules”)."
            )
        _, _, self.prefix, self.lang = sorted(candidates)[0]

    def _check_encoding(self) -> None:
        latin = "Bản sao lưu không ở bảng mã UTF-8 (có vẻ là latin1). Hãy xuất lại bằng "
        latin += "mysqldump --default-character-set=utf8mb4 rồi tải lên lại."
        if self._undecodable:
            raise DumpError(latin)
        samples = [row["title"] for row in self._sample_titles()]
        broken = sum(_mojibake(text) for text in samples if text)
        if samples and broken * 5 >= len(samples):
            raise DumpError(
                "Dữ liệu trong bản sao lưu bị lỗi phông (chữ tiếng Việt bị mã hóa UTF-8 hai "
                "lần, ví dụ “Ä‘” thay cho “đ”). Hãy xuất lại bằng mysqldump "
                "--default-character-set=utf8mb4 từ đúng bảng mã của cơ sở dữ liệu."
            )
        if self._charsets - {"binary"} and not samples:
            raise DumpError(latin)

    def _sample_titles(self) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = []
        for module in self.modules():
            for table in (self.table(module, "rows"), self.table(module, "cat")):
                if module.file == "news" and table in self.columns:
                    rows += self.query(f"SELECT title FROM {_quote(table)} LIMIT 200")
        rows += self.query(f"SELECT custom_title AS title FROM {_quote(self.modules_table)}")
        return rows

    # -- the NukeViet model ------------------------------------------------------
    @property
    def modules_table(self) -> str:
        return f"{self.prefix}_{self.lang}_modules"

    def table(self, module: Module, suffix: str = "") -> str:
        base = f"{self.prefix}_{self.lang}_{module.data}"
        return f"{base}_{suffix}" if suffix else base

    def has(self, table: str) -> bool:
        return table in self.columns

    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        return self.db.execute(sql, params).fetchall()

    def iterate(self, sql: str, params: tuple = ()) -> Iterator[sqlite3.Row]:
        yield from self.db.execute(sql, params)

    def count(self, table: str) -> int:
        if not self.has(table):
            return 0
        return self.db.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]

    def modules(self) -> list[Module]:
        columns = self.columns[self.modules_table]
        order = " ORDER BY weight" if "weight" in columns else ""
        upload = "module_upload" if "module_upload" in columns else "module_data"
        rows = self.query(
            f"SELECT title, module_file, module_data, {upload} AS upload, custom_title "
            f"FROM {_quote(self.modules_table)}{order}"
        )
        return [
            Module(
                title=str(r["title"]),
                file=str(r["module_file"]),
                data=str(r["module_data"]),
                upload=str(r["upload"] or r["module_data"]),
                custom_title=text(r["custom_title"]) or str(r["title"]),
            )
            for r in rows
        ]

    def config(self, name: str) -> str:
        table = f"{self.prefix}_config"
        if not self.has(table):
            return ""
        row = self.db.execute(
            f"SELECT config_value FROM {_quote(table)} WHERE config_name = ? "
            "ORDER BY lang = 'sys' DESC LIMIT 1",
            (name,),
        ).fetchone()
        return str(row[0]) if row and row[0] is not None else ""

    def body_html(self, module: Module, article_id: int) -> tuple[str, dict]:
        """An article's body and its detail row; old installs split bodies over tables."""
        detail = self.table(module, "detail")
        if self.has(detail):
            row = self.db.execute(
                f"SELECT * FROM {_quote(detail)} WHERE id = ?", (article_id,)
            ).fetchone()
            if row is not None:
                return str(row["bodyhtml"] or ""), dict(row)
        prefix = self.table(module, "bodyhtml_")
        for table in self.columns:
            if table.startswith(prefix):
                row = self.db.execute(
                    f"SELECT * FROM {_quote(table)} WHERE id = ?", (article_id,)
                ).fetchone()
                if row is not None:
                    return str(row["bodyhtml"] or ""), dict(row)
        return "", {}


def text(value: object) -> str:
    """A stored text as people read it: NukeViet keeps titles HTML-escaped (&#40;, &amp;)."""
    if value is None:
        return ""
    return html.unescape(str(value)).replace("\xa0", " ").strip()
