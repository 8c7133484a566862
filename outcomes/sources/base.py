"""What every reader returns, and the shared parsing every published file family needs.

A reader turns one published file into a `SourceTable`: one row per provider with the
columns below, raw labels untouched, and the file line of each row kept so that any later
check can name the file, row and column at fault.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from outcomes import settings
from outcomes.errors import SourceError  # noqa: F401  (readers import it from here)

READER_COLUMNS = [
    "source_row",          # line (CSV) or row (spreadsheet) number in the file, 1 = first line
    "urn",
    "provider_name",
    "provider_subtype",
    "la_published",        # the LA as the file gives it: a name, a DfE number, an ONS code or an LA URN
    "inspection_id",
    "inspection_type",
    "inspection_start_date",  # datetime.date or None
    "publication_date",       # datetime.date or None
    "overall_published",      # the overall judgement exactly as published (None if not inspected)
    "places",
    "sector",
]
JUDGEMENT_PREFIX = "j_"  # sub-judgement columns: "j_<judgement id>" holding the published label


@dataclass
class SourceTable:
    provider_type: str
    path: Path
    rows: pd.DataFrame
    la_key: str  # how la_published identifies the LA: name | dfe | ons | urn
    judgements: dict[str, str] = field(default_factory=dict)  # judgement id -> Ofsted's wording
    notes: list[str] = field(default_factory=list)  # what the reader did, for the QA report
    set_aside: int = 0  # rows read but not providers (footnotes, blank lines)
    # True when rows are every inspection (a history), not one row per provider: the build then
    # keeps each provider's latest inspection as at the release date (see outcomes.build).
    history: bool = False
    # Checks the reader ran across its files (e.g. two sources of the same inspections), for the
    # QA report: (severity "info" | "warning", check, message, row, column).
    checks: list[tuple[str, str, str, int | None, str]] = field(default_factory=list)


# Every reader module exposes:  read(paths: list[Path], as_at: datetime.date) -> SourceTable
# `paths` are the release's source files in catalogue order; `as_at` is the release's date.


def check_size(path: Path) -> int:
    """Refuse an empty file, or one over the size limit, before reading a byte of it."""
    size = Path(path).stat().st_size
    if size == 0:
        raise SourceError(path, None, None, "the file is empty (0 bytes)",
                          "Download it again from the publication page: the copy here is incomplete")
    limit = settings.max_source_bytes()
    if size > limit:
        raise SourceError(path, None, None, f"the file is {size / 1e6:,.0f} MB, over the {limit / 1e6:,.0f} MB limit "
                          "for a published file", "Check it is the right file; if it is, raise OUTCOMES_MAX_SOURCE_MB")
    return size


# A workbook is a zip: its sheets are inflated when read. Python's zipfile never inflates a member
# past the size its directory declares, so checking the declared sizes first stops a "zip bomb"
# (a tiny file that inflates to gigabytes). Real Ofsted workbooks compress about 5-20 times.
MAX_ZIP_RATIO = 100


def check_workbook(path: Path) -> None:
    """Refuse a workbook that is not a valid zip, or would inflate past the limit, before opening it."""
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except zipfile.BadZipFile:
        raise SourceError(path, None, None, "not a readable workbook (the zip inside is damaged or truncated)",
                          "Download it again, or open and re-save it in Excel") from None
    total, limit = sum(m.file_size for m in members), settings.max_source_bytes()
    if total > limit:
        raise SourceError(path, None, None, f"the workbook would inflate to {total / 1e6:,.0f} MB, over the "
                          f"{limit / 1e6:,.0f} MB limit", "Check it is the right file; if it is, raise OUTCOMES_MAX_SOURCE_MB")
    for m in members:
        if m.file_size > 1_000_000 and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1):
            raise SourceError(path, None, None, f"{m.filename} inflates {m.file_size / max(m.compress_size, 1):,.0f} times "
                              f"(to {m.file_size / 1e6:,.0f} MB): not a spreadsheet Ofsted publishes",
                              "Download the workbook again from the publication page")


def decode(path: Path) -> tuple[str, str]:
    """Text of a file and the encoding that read it: UTF-8 (with or without BOM), else Windows-1252.

    Ofsted's 2022 and 2024 social care CSVs are Windows-1252; the others UTF-8.
    """
    check_size(path)
    raw = Path(path).read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise SourceError(path, None, None, "the file is UTF-16 or binary, not a CSV in UTF-8 or Windows-1252",
                          "Open it in Excel and save as 'CSV UTF-8 (comma delimited)'")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise SourceError(path, line, None, f"byte 0x{raw[e.start]:02x} is neither UTF-8 nor Windows-1252 text",
                          "Save the file as 'CSV UTF-8 (comma delimited)'") from None


def clean_header(h: object) -> str:
    """Headers with embedded newlines (2025 social care file) or padding read as one line."""
    return re.sub(r"\s+", " ", str(h if h is not None else "")).strip()


def _frame_from_records(path: Path, records: list[tuple[int, list[str]]], header_must: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """Find the header row (the first row naming every `header_must` column), drop title rows
    above it and empty trailing columns, and return the table with `source_row`."""
    must = tuple(m.lower() for m in header_must)
    for i, (_, cells) in enumerate(records[:30]):
        names = [clean_header(c).lower() for c in cells]
        if all(any(n == m or n.startswith(m + " ") for n in names) for m in must):
            header_idx = i
            break
    else:
        raise SourceError(path, None, None, f"no header row naming {', '.join(header_must)} in the first 30 rows",
                          "Check this is the published file of the expected family, not a summary sheet")
    headers = [clean_header(c) for c in records[header_idx][1]]
    body = records[header_idx + 1:]
    width = len(headers)
    data = []
    for line, cells in body:
        cells = [("" if c is None else str(c)) for c in cells]
        cells = (cells + [""] * width)[:width] if len(cells) <= width else cells
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            raise SourceError(path, line, None, f"row has {len(cells)} cells but the header has {width}",
                              "A value may contain an unquoted comma")
        data.append([line] + cells[:width])
    keep = [j for j, h in enumerate(headers) if h or any(r[j + 1].strip() for r in data)]
    cols = ["source_row"] + [headers[j] or f"unnamed_{j + 1}" for j in keep]
    frame = pd.DataFrame([[r[0]] + [r[j + 1] for j in keep] for r in data], columns=cols)
    dupes = frame.columns[frame.columns.duplicated()].tolist()
    if dupes:
        raise SourceError(path, records[header_idx][0], dupes[0], "column name appears twice in the header")
    return frame, records[header_idx][0]


def read_csv_table(path: Path, header_must: tuple[str, ...] = ("URN",)) -> tuple[pd.DataFrame, dict]:
    """Read a published CSV whatever its title rows and encoding; all values as stripped strings."""
    text, encoding = decode(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    start = 1
    for cells in reader:
        records.append((start, cells))
        start = reader.line_num + 1
    frame, header_line = _frame_from_records(path, records, header_must)
    _check_not_cut_off(path, text, records, header_line)
    return _strip(frame), {"encoding": encoding, "header_row": header_line}


def _check_not_cut_off(path: Path, text: str, records: list[tuple[int, list[str]]], header_line: int) -> None:
    """A file that stops mid-row (an interrupted download) ends without a line break on a short row."""
    if text.endswith(("\n", "\r")) or not records or records[-1][0] <= header_line:
        return
    header = next(cells for line, cells in records if line == header_line)
    line, cells = records[-1]
    if len(cells) < len(header):
        raise SourceError(path, line, clean_header(header[len(cells)]),
                          f"the last row stops after {len(cells)} of {len(header)} cells and the file has no final "
                          "line break: it looks cut off", "Download the file again")


def read_sheet_table(path: Path, header_must: tuple[str, ...] = ("URN",), sheet: str | int | None = None) -> tuple[pd.DataFrame, dict]:
    """Read an XLSX or ODS sheet the same way; picks the first sheet with a matching header."""
    engine = "odf" if Path(path).suffix.lower() == ".ods" else "openpyxl"
    check_size(path)
    if Path(path).suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        check_workbook(path)
    book = pd.read_excel(path, sheet_name=None if sheet is None else sheet, header=None, dtype=str, engine=engine)
    sheets = book if isinstance(book, dict) else {sheet: book}
    last_error = None
    for name, raw in sheets.items():
        raw = raw.where(raw.notna(), "")
        records = [(i + 1, list(r)) for i, r in enumerate(raw.itertuples(index=False))]
        try:
            frame, header_line = _frame_from_records(path, records, header_must)
        except SourceError as e:
            last_error = e
            continue
        return _strip(frame), {"sheet": name, "header_row": header_line}
    raise last_error or SourceError(path, None, None, "the workbook has no sheets")


def _parquet_text(value: object) -> str:
    """A parquet cell as the CSV it was saved from wrote it: integer-valued floats without '.0'."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_parquet_table(path: Path, header_must: tuple[str, ...] = ("URN",)) -> tuple[pd.DataFrame, dict]:
    """Read a published table someone saved as parquet from the CSV (pandas `to_parquet`).

    Integer columns with blanks became floats there (URN 100000.0, grade 1.0): they are written
    back as the CSV had them. `source_row` is the line the row had in that CSV (header on line 1),
    so a finding can be checked against Ofsted's own file.
    """
    raw = pd.read_parquet(path)
    names = [clean_header(c).lower() for c in raw.columns]
    missing = [m for m in header_must if not any(n == m.lower() or n.startswith(m.lower() + " ") for n in names)]
    if missing:
        raise SourceError(path, None, None, f"no column named {', '.join(missing)}",
                          "Check this is the published file of the expected family, not a summary table")
    frame = pd.DataFrame({"source_row": range(2, len(raw) + 2)})
    for c in raw.columns:
        frame[clean_header(c)] = [_parquet_text(v) for v in raw[c].tolist()]
    return _strip(frame), {"format": "parquet", "header_row": 1}


def read_table(path: Path, header_must: tuple[str, ...] = ("URN",)) -> tuple[pd.DataFrame, dict]:
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".ods", ".xls"):
        return read_sheet_table(path, header_must)
    if suffix == ".parquet":
        return read_parquet_table(path, header_must)
    return read_csv_table(path, header_must)


def _strip(frame: pd.DataFrame) -> pd.DataFrame:
    for c in frame.columns:
        if c != "source_row":
            frame[c] = frame[c].astype(str).str.strip().replace({"nan": "", "None": "", "NaT": ""})
    return frame


def find_column(frame: pd.DataFrame, *patterns: str, required: bool = True, path: Path | None = None) -> str | None:
    """The first column whose cleaned, lower-cased name matches one of the regexes (in order)."""
    names = {c: clean_header(c).lower() for c in frame.columns}
    for p in patterns:
        for c, n in names.items():
            if re.fullmatch(p, n):
                return c
    if required:
        raise SourceError(path or "", None, _readable(patterns[0]), "expected column not found (missing or renamed)",
                          f"Columns present: {', '.join(map(str, frame.columns[1:]))}")
    return None


def _readable(pattern: str) -> str:
    """A column pattern as words for a message: optional parts dropped, the first of alternatives kept."""
    s = re.sub(r"\(\?:[^()]*\)\?", "", pattern)
    s = re.sub(r"\(\?:([^|()]*)[^()]*\)", r"\1", s)
    return re.sub(r"[\\^$?]", "", s).strip()


_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%Y%m%d", "%Y.%m.%d", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y")


def parse_date(value: object) -> dt.date | None:
    """Dates as Ofsted files write them (dd/mm/yyyy, dd/mm/yy, yyyymmdd...); None if blank.

    Raises ValueError for a value that is not a date. 01/01/1900 is a placeholder for "none".
    """
    s = str(value or "").strip()
    if not s or s.lower() in ("nan", "nat", "none", "null"):
        return None
    s = re.sub(r"\.0$", "", s) if re.fullmatch(r"\d{8}\.0", s) else s
    for fmt in _DATE_FORMATS:
        try:
            d = dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
        return None if d == dt.date(1900, 1, 1) else d
    raise ValueError(f"{value!r} is not a date")


def parse_dates(frame: pd.DataFrame, column: str | None, path: Path) -> list[dt.date | None]:
    if column is None:
        return [None] * len(frame)
    out = []
    for line, v in zip(frame["source_row"], frame[column]):
        try:
            out.append(parse_date(v))
        except ValueError as e:
            raise SourceError(path, int(line), column, str(e), "Dates must be day/month/year") from None
    return out


def clean_code(value: object) -> str:
    """URNs and codes that a spreadsheet turned into floats ('103120.0') back to text."""
    s = str(value or "").strip()
    return s[:-2] if re.fullmatch(r"\d+\.0", s) else s


def blank_to_none(series: pd.Series) -> list:
    return [None if (v is None or str(v).strip() == "") else str(v).strip() for v in series]
