"""Import of member organisations (with member counts) and activities from XLSX or CSV.

A file is read and every row validated before anything is written; any error
and nothing is written at all. Errors name the row and the column, in Vietnamese.
The reader is defensive: it caps rows, columns and cell sizes, reads formulas as
the text they are and refuses them, and never evaluates anything.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.db import transaction

from cms.records.models import Activity, MemberCount, MemberOrganisation, ReportingPeriod
from cms.records.signals import records_changed_on_commit

MAX_ROWS = 20_000
MAX_COLUMNS = 30
MAX_CELL_CHARS = 1_000
# An .xlsx is a zip: what its parts unpack to is checked before openpyxl reads any of
# it. Far above a 20,000-row sheet, far below what hurts a worker.
XLSX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# Spreadsheet XML deflates about 10:1; a part of over 1 MB packed far tighter is a bomb.
XLSX_MAX_RATIO = 200
_FORMULA_PREFIXES = ("=", "+", "@", "-")


class ImportKind:
    ORGANISATIONS = "organisations"
    ACTIVITIES = "activities"
    CHOICES = [(ORGANISATIONS, "Tổ chức thành viên và số hội viên"), (ACTIVITIES, "Hoạt động")]


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    required: bool = False
    kind: str = "text"  # text | int | date | choice
    choices: dict[str, str] | None = None  # normalised label → value


def _norm(text: str) -> str:
    return " ".join(anyascii(str(text)).lower().replace("đ", "d").split())


def _choices(pairs) -> dict[str, str]:
    mapping = {}
    for value, label in pairs:
        mapping[_norm(label)] = value
        mapping[_norm(value)] = value
    return mapping


COLUMNS = {
    ImportKind.ORGANISATIONS: [
        Column("name", "Tên tổ chức", required=True),
        Column(
            "kind",
            "Loại",
            required=True,
            kind="choice",
            choices=_choices(MemberOrganisation.Kind.choices),
        ),
        Column("field", "Lĩnh vực"),
        Column("leader", "Người đứng đầu"),
        Column("founding_decision", "Quyết định thành lập"),
        Column("members", "Số hội viên", kind="int"),
    ],
    ImportKind.ACTIVITIES: [
        Column(
            "kind",
            "Loại hoạt động",
            required=True,
            kind="choice",
            choices=_choices(Activity.Kind.choices),
        ),
        Column("title", "Tên hoạt động", required=True),
        Column("held_on", "Ngày thực hiện", kind="date"),
        Column("place", "Địa điểm"),
        Column("organiser", "Đơn vị chủ trì"),
        Column("status", "Tình trạng", kind="choice", choices=_choices(Activity.Status.choices)),
        Column("participants", "Lượt người tham dự", kind="int"),
        Column("requested_by", "Cơ quan giao"),
        Column("assigned_on", "Ngày giao", kind="date"),
        Column("completed_on", "Ngày hoàn thành", kind="date"),
        Column("issue", "Số phát hành"),
        Column("copies", "Số bản", kind="int"),
        Column("level", "Cấp", kind="choice", choices=_choices(Activity.ProjectLevel.choices)),
        Column("entries", "Số giải pháp dự thi", kind="int"),
        Column("prizes", "Số giải", kind="int"),
        Column("national_entries", "Số giải pháp gửi toàn quốc", kind="int"),
        Column("quantity", "Số lượng", kind="int"),
    ],
}


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it, header = 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Dòng {self.row}" + (f", cột “{self.column}”" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is for the user."""


def _read_rows(content: bytes, filename: str) -> list[list[object]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv"):
        return _read_csv(content)
    raise ImportFileError("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")


def _capped(rows) -> list[list[object]]:
    """The rows read, stopping as soon as there are more than a file may have."""
    kept = []
    for index, row in enumerate(rows):
        if index > MAX_ROWS:
            limit = f"{MAX_ROWS:,}".replace(",", ".")
            raise ImportFileError(f"Tệp có quá {limit} dòng; hãy chia thành nhiều tệp.")
        kept.append(row)
    return kept


def _xlsx_size_check(content: bytes) -> None:
    """Refuse a workbook that would unpack too large (a zip bomb), from the sizes its
    archive declares. zipfile never inflates a part past its declared size (it stops and
    the CRC check fails), so the declared sizes bound what openpyxl can be made to read."""
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError(
            "Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng."
        ) from error
    unpacked = sum(member.file_size for member in members)
    bomb = any(
        member.file_size > 1024 * 1024
        and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if bomb or unpacked > XLSX_MAX_UNPACKED_BYTES:
        limit = XLSX_MAX_UNPACKED_BYTES // (1024 * 1024)
        raise ImportFileError(
            f"Tệp Excel quá lớn khi giải nén (giới hạn {limit} MB dữ liệu). "
            "Hãy xóa các trang tính, hình ảnh không cần thiết hoặc chia thành nhiều tệp."
        )


def _read_xlsx(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    _xlsx_size_check(content)
    try:
        # read_only streams rows; data_only=False keeps formulas as their text so
        # they can be refused instead of trusted as cached values.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a broken archive
        raise ImportFileError(
            "Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng."
        ) from error
    sheet = workbook.worksheets[0]
    rows = _capped(list(row) for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
    workbook.close()
    return rows


def _read_csv(content: bytes) -> list[list[object]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("Tệp CSV phải được lưu với bảng mã UTF-8.") from None
    csv.field_size_limit(MAX_CELL_CHARS * 4)
    try:
        rows = _capped(row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ImportFileError("Tệp CSV không hợp lệ (một ô quá lớn hoặc sai định dạng).") from error
    return rows


def _parse_date(text: str) -> dt.date | None:
    """22/06/2021 or 2021-06-22; a calendar date has no time zone to be naive about."""
    for separator, order in (("/", (2, 1, 0)), ("-", (0, 1, 2))):
        parts = text.split(separator)
        if len(parts) == 3 and all(part.isdigit() for part in parts):
            year, month, day = (int(parts[i]) for i in order)
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def _cell(value: object, column: Column) -> tuple[object, str | None]:
    """The cell's value for `column`, or an error message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ("Không được để trống." if column.required else None)
    if isinstance(value, str):
        value = value.strip()
        if len(value) > MAX_CELL_CHARS:
            return None, f"Nội dung dài quá {MAX_CELL_CHARS} ký tự."
        if value.startswith(_FORMULA_PREFIXES) and not (
            column.kind == "int" and value.lstrip("-").isdigit()
        ):
            return None, "Ô chứa công thức hoặc ký tự đầu không hợp lệ (=, +, -, @)."
    if column.kind == "int":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            cleaned = value.replace(".", "").replace(" ", "")
            value = int(cleaned) if cleaned.isdigit() else value
        if not isinstance(value, int) or isinstance(value, bool):
            return None, "Phải là số nguyên."
        if value < 0:
            return None, "Không được là số âm."
        return value, None
    if column.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date(), None
        if isinstance(value, dt.date):
            return value, None
        parsed = _parse_date(str(value))
        if parsed:
            return parsed, None
        return None, "Ngày không hợp lệ (dùng dạng ngày/tháng/năm, ví dụ 22/06/2021)."
    if column.kind == "choice":
        choice = column.choices.get(_norm(value))
        if choice is None:
            return None, "Giá trị không có trong danh mục."
        return choice, None
    return str(value), None


def parse(*, content: bytes, filename: str, kind: str, period: ReportingPeriod) -> ImportResult:
    """Read and validate every row; nothing is written."""
    columns = COLUMNS[kind]
    result = ImportResult(kind=kind)
    rows = _read_rows(content, filename)
    if not rows:
        raise ImportFileError("Tệp không có dữ liệu.")
    headings = [_norm(cell) if cell is not None else "" for cell in rows[0]]
    positions = {}
    for column in columns:
        if _norm(column.heading) in headings:
            positions[column.key] = headings.index(_norm(column.heading))
        elif column.required:
            result.errors.append(RowError(1, column.heading, "Thiếu cột bắt buộc."))
    if result.errors:
        return result
    for number, raw in enumerate(rows[1:], start=2):
        if all(cell in (None, "") for cell in raw):
            continue
        values = {}
        for column in columns:
            if column.key not in positions:
                continue
            position = positions[column.key]
            value, error = _cell(raw[position] if position < len(raw) else None, column)
            if error:
                result.errors.append(RowError(number, column.heading, error))
            values[column.key] = value
        values["_row"] = number
        result.rows.append(values)
    if not result.rows and not result.errors:
        raise ImportFileError("Tệp không có dòng dữ liệu nào.")
    _validate_rows(result, period)
    return result


def _validate_rows(result: ImportResult, period: ReportingPeriod) -> None:
    """Checks across rows and against the records, still without writing."""
    if result.kind == ImportKind.ORGANISATIONS:
        seen: dict[str, int] = {}
        for row in result.rows:
            name = _norm(row.get("name") or "")
            if name and name in seen:
                result.errors.append(
                    RowError(row["_row"], "Tên tổ chức", f"Trùng với dòng {seen[name]}.")
                )
            seen.setdefault(name, row["_row"])
        return
    organisations = {
        _norm(name): pk
        for pk, name in MemberOrganisation.objects.filter(
            status=MemberOrganisation.Status.ACTIVE
        ).values_list("pk", "name")
    }
    headings = {column.key: column.heading for column in COLUMNS[ImportKind.ACTIVITIES]}
    for row in result.rows:
        organiser = row.get("organiser")
        if organiser:
            pk = organisations.get(_norm(organiser))
            if pk is None:
                result.errors.append(
                    RowError(row["_row"], "Đơn vị chủ trì", "Không có tổ chức thành viên này.")
                )
            row["organiser_id"] = pk
        if any(error.row == row["_row"] for error in result.errors):
            continue
        # The model's own rules (what each kind requires, dates inside the period).
        try:
            # The foreign keys were resolved above, and `clean` states the check
            # constraints in words; validating those per row would cost queries per row.
            _activity(row, period).full_clean(
                exclude=["period", "organiser", "report_file"], validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = headings.get(name, "")
                result.errors.extend(RowError(row["_row"], column, m) for m in messages)


def _activity(row: dict, period: ReportingPeriod) -> Activity:
    values = {k: v for k, v in row.items() if k not in {"_row", "organiser"} and v is not None}
    return Activity(period=period, **values)


@transaction.atomic
def apply(*, result: ImportResult, period: ReportingPeriod, progress=None) -> int:
    """Write every row of a validated import, all or nothing. Returns the rows written."""
    if result.errors:
        raise ValueError("an import with errors is never applied")
    if result.kind == ImportKind.ORGANISATIONS:
        written = _apply_organisations(result.rows, period, progress)
    else:
        written = _apply_activities(result.rows, period, progress)
    records_changed_on_commit(period.pk)
    return written


def _apply_organisations(rows: list[dict], period: ReportingPeriod, progress) -> int:
    existing = {
        _norm(org.name): org
        for org in MemberOrganisation.objects.filter(status=MemberOrganisation.Status.ACTIVE)
    }
    fields = ("kind", "field", "leader", "founding_decision")
    new, changed = [], []
    for row in rows:
        organisation = existing.get(_norm(row["name"]))
        if organisation is None:
            organisation = MemberOrganisation(name=row["name"])
            existing[_norm(row["name"])] = organisation
            new.append(organisation)
        else:
            changed.append(organisation)
        for name in fields:
            if row.get(name) is not None:
                setattr(organisation, name, row[name])
    MemberOrganisation.objects.bulk_create(new, batch_size=1000)
    MemberOrganisation.objects.bulk_update(changed, fields, batch_size=1000)
    counts = [
        MemberCount(
            organisation=existing[_norm(row["name"])], period=period, members=row["members"]
        )
        for row in rows
        if row.get("members") is not None
    ]
    MemberCount.objects.bulk_create(
        counts,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["organisation", "period"],
        update_fields=["members"],
    )
    if progress:
        progress(len(rows), len(rows))
    return len(rows)


def _apply_activities(rows: list[dict], period: ReportingPeriod, progress) -> int:
    activities = [_activity(row, period) for row in rows]
    for start in range(0, len(activities), 1000):
        Activity.objects.bulk_create(activities[start : start + 1000])
        if progress:
            progress(min(start + 1000, len(activities)), len(activities))
    return len(activities)


def template_xlsx(kind: str) -> bytes:
    """An empty workbook to fill in: the headings this import reads (the required ones in
    bold), and a second sheet with the values each list column takes."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = COLUMNS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dữ liệu"
    sheet.append([column.heading for column in columns])
    for cell, column in zip(sheet[1], columns, strict=True):
        cell.font = Font(bold=column.required)
        sheet.column_dimensions[cell.column_letter].width = max(14, len(column.heading) + 4)
    lists = workbook.create_sheet("Danh mục")
    lists.append(["Cột", "Giá trị được nhận"])
    labels = {
        "kind": MemberOrganisation.Kind.labels
        if kind == ImportKind.ORGANISATIONS
        else Activity.Kind.labels,
        "status": Activity.Status.labels,
        "level": Activity.ProjectLevel.labels,
    }
    for column in columns:
        if column.kind == "choice":
            for label in labels[column.key]:
                lists.append([column.heading, label])
    lists.append([])
    lists.append(["Cột in đậm là bắt buộc. Ngày ghi dạng dd/mm/yyyy."])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
