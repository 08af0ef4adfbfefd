"""A streaming reader of mysqldump output, without a MySQL server.

The dump (plain or gzip) is read in chunks; statements are recognised with
possessive regular expressions over bytes, so a string value is never copied
character by character and a failed match at the end of a chunk costs nothing
but reading the next one. Memory holds one row (or one non-INSERT statement) at
a time, whatever the size of the dump.

What it yields: ("table", name, columns) for each CREATE TABLE and ("row", name,
values) for each row of each INSERT, values as str, int, float, None or bytes (a
string that is not UTF-8 is kept as bytes, and the caller decides what that means).
"""

import gzip
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

CHUNK = 1 << 20

# A quoted string: the unrolled loop (no alternation per character), backslash
# escapes as mysqldump writes them and '' as other tools write them.
_STR = rb"'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'"
_QUOTED = rb"`[^`]*+`|\"[^\"\\]*+(?:\\.[^\"\\]*+)*+\""
# A statement other than INSERT, up to its semicolon (quotes may hold ';').
_STATEMENT = re.compile(rb"(?:" + _STR + rb"|" + _QUOTED + rb"|[^'`\";]++)*+;", re.S)
# One row of an INSERT: parentheses around values; strings may hold parentheses.
_TUPLE = re.compile(rb"\s*+\(((?:" + _STR + rb"|[^'()]++)*+)\)\s*+([,;])", re.S)
_VALUE = re.compile(
    rb"\s*+(?:(?:_binary\s*+|_utf8mb4\s*+|_latin1\s*+)?'((?:[^'\\]++|\\.|'')*+)'"
    rb"|(NULL)|([^,\s]++))\s*+(?:,|$)",
    re.S,
)
_INSERT = re.compile(
    rb"(?:INSERT|REPLACE)\s++(?:IGNORE\s++)?INTO\s++`?([^`\s(]++)`?\s*+(\([^)]*+\))?\s*+VALUES",
    re.I,
)
_CREATE = re.compile(rb"CREATE\s++TABLE\s++(?:IF\s++NOT\s++EXISTS\s++)?`?([^`\s(]++)`?", re.I)
_COLUMN = re.compile(rb"^\s*`([^`]+)`\s", re.M)
_ESCAPES = {
    b"0": b"\x00",
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"b": b"\x08",
    b"Z": b"\x1a",
}
_ESCAPE = re.compile(rb"\\(.)|''", re.S)
_NUMBER = re.compile(rb"-?\d+")


class DumpError(ValueError):
    """The dump cannot be read; the message is for the person who uploaded it."""


def _unescape(raw: bytes) -> bytes:
    if b"\\" not in raw and b"''" not in raw:
        return raw
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)) if m.group(1) else b"'", raw)


def _value(match: re.Match) -> object:
    string, null, bare = match.groups()
    if string is not None:
        raw = _unescape(string)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw
    if null is not None:
        return None
    if _NUMBER.fullmatch(bare):
        return int(bare)
    if bare[:2].lower() == b"0x":
        return bytes.fromhex(bare[2:].decode("ascii"))
    try:
        return float(bare)
    except ValueError:
        return bare.decode("ascii", "replace")


def _values(body: bytes) -> list[object]:
    values = []
    position = 0
    while position < len(body):
        match = _VALUE.match(body, position)
        if match is None or match.end() == position:
            raise DumpError("Bản sao lưu có một dòng dữ liệu sai cú pháp SQL; không đọc được.")
        values.append(_value(match))
        position = match.end()
    return values


def open_dump(path: str) -> BinaryIO:
    """The dump's bytes, gunzipped when it is gzip whatever its name says."""
    handle = open(path, "rb")
    magic = handle.read(2)
    handle.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=handle)
    return handle


class DumpReader:
    """Reads statements from `stream`; `progress(bytes_read)` is called per chunk."""

    def __init__(
        self,
        stream: BinaryIO,
        progress: Callable[[int], None] | None = None,
        *,
        chunk: int = CHUNK,
    ) -> None:
        self.stream = stream
        self.chunk = chunk
        self.buffer = b""
        self.position = 0
        self.eof = False
        self.bytes_read = 0
        self.progress = progress
        self.header = b""
        self.completed = False

    def _more(self) -> bool:
        """Read another chunk; False at the end of the dump."""
        if self.eof:
            return False
        try:
            chunk = self.stream.read(self.chunk)
        except (EOFError, gzip.BadGzipFile, OSError) as error:
            raise DumpError(
                "Tệp nén .gz của bản sao lưu bị hỏng hoặc bị cắt cụt; hãy tải lại tệp đầy đủ."
            ) from error
        if not chunk:
            self.eof = True
            return False
        if not self.header:
            self.header = chunk[:4096]
            _check_looks_like_sql(self.header)
        self.bytes_read += len(chunk)
        self.buffer = self.buffer[self.position :] + chunk
        self.position = 0
        if self.progress:
            self.progress(self.bytes_read)
        return True

    def _match(self, pattern: re.Pattern) -> re.Match | None:
        """`pattern` at the current position, reading more until it matches or the dump ends."""
        while True:
            match = pattern.match(self.buffer, self.position)
            # A match that reaches the end of the buffer may continue in the next chunk.
            if match is not None and (match.end() < len(self.buffer) or self.eof):
                return match
            if not self._more():
                return pattern.match(self.buffer, self.position)

    def _skip_space_and_comments(self) -> bool:
        """Skip to the next statement; False at the end of the dump."""
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position] in b" \t\r\n":
                self.position += 1
            if self.position >= len(self.buffer) - 2 and not self.eof:
                if not self._more() and self.position >= len(self.buffer):
                    return False
                continue
            if self.position >= len(self.buffer):
                return False
            head = self.buffer[self.position : self.position + 2]
            if head == b"--" or self.buffer[self.position] == ord("#"):
                end = self._find(b"\n")
                line = self.buffer[self.position : end]
                if line.startswith(b"-- Dump completed"):
                    self.completed = True
                self.position = end + 1
            elif head == b"/*":
                end = self._find(b"*/")
                self.position = end + 2
                while self.position < len(self.buffer) and self.buffer[self.position] in b" ;":
                    self.position += 1
            else:
                return True

    def _find(self, needle: bytes) -> int:
        while True:
            found = self.buffer.find(needle, self.position)
            if found >= 0:
                return found
            if not self._more():
                if needle == b"\n":
                    return len(self.buffer)
                raise _truncated()

    def events(self) -> Iterator[tuple]:
        """("table", name, [columns]) and ("row", name, [values]) in dump order."""
        columns: dict[str, list[str]] = {}
        while self._skip_space_and_comments():
            while len(self.buffer) - self.position < 16 and self._more():
                pass
            keyword = self.buffer[self.position : self.position + 8].upper()
            insert = self._match(_INSERT) if keyword.startswith((b"INSERT", b"REPLACE")) else None
            if insert is not None:
                table = insert.group(1).decode("utf-8", "replace")
                names = insert.group(2)
                if names:
                    columns[table] = [
                        n.strip(b" `").decode("utf-8", "replace") for n in names[1:-1].split(b",")
                    ]
                    yield ("table", table, columns[table])
                self.position = insert.end()
                while True:
                    row = self._match(_TUPLE)
                    if row is None:
                        raise (
                            _truncated()
                            if self.eof
                            else DumpError(
                                f"Bảng “{table}”: dữ liệu sai cú pháp SQL; không đọc được."
                            )
                        )
                    self.position = row.end()
                    yield ("row", table, _values(row.group(1)))
                    if row.group(2) == b";":
                        break
                continue
            statement = self._match(_STATEMENT)
            if statement is None:
                if self.eof:
                    raise _truncated()
                raise DumpError("Bản sao lưu có câu lệnh SQL không đọc được.")
            text = statement.group(0)
            self.position = statement.end()
            create = _CREATE.match(text)
            if create:
                table = create.group(1).decode("utf-8", "replace")
                columns[table] = [c.decode("utf-8", "replace") for c in _COLUMN.findall(text)]
                yield ("table", table, columns[table])
                charset = re.search(rb"CHARSET=(\w+)", text)
                if charset and charset.group(1).lower() not in (b"utf8mb4", b"utf8", b"utf8mb3"):
                    yield ("charset", table, charset.group(1).decode("ascii"))
            elif re.match(rb"SET\s+NAMES\s+(\w+)", text, re.I):
                name = re.match(rb"SET\s+NAMES\s+(\w+)", text, re.I).group(1).lower()
                if name not in (b"utf8mb4", b"utf8", b"utf8mb3"):
                    yield ("charset", "", name.decode("ascii"))
        if self.header.lstrip().startswith((b"-- MySQL dump", b"-- MariaDB dump")) or (
            b"-- MySQL dump" in self.header or b"-- MariaDB dump" in self.header
        ):
            # mysqldump ends with this comment unless told to skip comments; a dump cut
            # exactly between two statements is caught here.
            if not self.completed:
                raise _truncated()


def _truncated() -> DumpError:
    return DumpError(
        "Bản sao lưu bị cắt cụt (thiếu phần cuối); hãy xuất lại hoặc tải lên tệp đầy đủ."
    )


def _check_looks_like_sql(head: bytes) -> None:
    if head.startswith((b"PK\x03\x04", b"\x1f\x8b")) or b"\x00" in head[:512]:
        raise DumpError(
            "Tệp này không phải bản sao lưu cơ sở dữ liệu dạng SQL (.sql hoặc .sql.gz)."
        )
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not (
        text.startswith((b"--", b"/*", b"#", b"SET", b"CREATE", b"DROP", b"INSERT", b"USE"))
        or b"CREATE TABLE" in head
    ):
        raise DumpError(
            "Tệp này không phải bản sao lưu cơ sở dữ liệu dạng SQL (.sql hoặc .sql.gz)."
        )
