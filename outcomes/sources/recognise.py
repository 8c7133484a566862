"""What a downloaded file is: its published file family (and so its reader) and format, from its header
rows or sheets alone, for `python -m outcomes intake FILE`.

A family is recognised by the readers' own header rule (outcomes.sources.base: the first of the first
30 rows that names every column the reader must find, a name matching exactly or followed by a space),
with each reader's own columns (`header` below repeats the `header_must` each reader passes to
read_table), plus the columns that tell look-alikes apart. Only the head of a file is read (a workbook's
first 30 rows of each sheet, a parquet file's schema), except where a family must be one row per provider.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from outcomes.errors import UsageError
from outcomes.sources import base, early_years, schools_mi

HEAD_ROWS = 30  # base._frame_from_records looks this far for the header row


@dataclass(frozen=True)
class Family:
    key: str
    label: str
    reader: str                     # the reader that reads it (outcomes.domain.releases.READERS)
    header: tuple[str, ...] = ()    # the columns the reader must find (its header_must)
    also: tuple[str, ...] = ()      # exact column names that tell it from a look-alike
    without: tuple[str, ...] = ()   # column names it never has (its look-alike does)
    sheets: tuple[str, ...] = ()    # a workbook family: every one of these sheets
    role: str = "release"           # release | companion (a release's second file) | crosscheck | lookup
    unique: str = ""                # a column that holds each value once (one row per provider)

    @property
    def rule(self) -> str:
        """What was looked for, in words (for the message when nothing matched)."""
        if self.sheets:
            return f"the sheets {', '.join(self.sheets)}"
        return "a header row naming " + ", ".join(self.header + self.also)


FAMILIES: tuple[Family, ...] = (
    Family("csc_workbook_2022", "Ofsted's workbook 'Children's social care data in England 2022'",
           "la_childrens_services_2013", sheets=("LA_inspections_2009-2022", "LA_level_at_31_Mar_2022")),
    Family("social_care_providers", "Ofsted's children's social care provider-level table "
           "('Children's social care data in England: provider level as at 31 March')",
           "social_care_providers", ("URN", "Provision type", "Local authority"), unique="URN"),
    Family("ilacs_overview", "The latest ILACS judgement of each local authority (Data to Insight's overview)",
           "la_childrens_services_overview", ("urn", "la_code_new", "overall_effectiveness_grade")),
    Family("ilacs_history", "Every ILACS inspection of every local authority (Data to Insight's history)",
           "la_childrens_services_2013", ("urn", "local_authority", "overall_effectiveness_grade"), without=("la_code_new",)),
    Family("ilacs_la_table_2023", "Ofsted's LA-level ILACS table ('Children's social care data in England 2023: LA level')",
           "la_childrens_services_la_table", ("local authority name", "new_la_code", "overall effectiveness"),
           role="crosscheck"),
    Family("area_send", "Area SEND inspections under the 2023 framework (Data to Insight's overview)", "area_send",
           ("urn", "la_code", "outcome_grade")),
    Family("fe_providers", "Further education and skills providers ('inspections and outcomes as at 31 August', "
           "reduced by the DfE R training course)", "further_education", ("ukprn", "provider_name", "inspection_number")),
    Family("fe_scores", "The judgements of each further education inspection (the DfE R training course's scores file)",
           "further_education", ("inspection_id", "inspection_category", "score"), role="companion"),
    Family("schools_official", "Ofsted's 'State-funded schools inspections and outcomes as at 31 August'",
           "schools_official", ("URN", "Ofsted phase"), without=(schools_mi.HEADER_MUST[1].lower(),)),
    Family("schools_mi", "Ofsted's monthly management information on state-funded schools (report cards from "
           "10 November 2025: 'latest inspections as at')", "schools_mi", schools_mi.HEADER_MUST),
    Family("early_years", "Ofsted's quarterly early years management information ('childcare provider data as at')",
           "early_years", early_years.HEADER_MUST),
    Family("schools_gias", "A list of each school's latest Ofsted rating derived from GIAS", "schools_gias",
           ("unique_reference_number", "rating")),
    Family("schools_register_2018", "A scraped register of schools (2018)", "schools_history_2018", ("URN",),
           also=("name", "type", "local authority")),
    Family("schools_ratings_2018", "A scraped history of school inspections (2018)", "schools_history_2018", ("URN",),
           also=("rating", "inspection date"), role="companion"),
    Family("la_lookup", "The local authority lookup (Provider_data_lookup.csv)", "",
           ("urn", "la_code", "la_code_new", "local_authority_ons_name"), role="lookup"),
)


@dataclass
class Recognised:
    family: Family
    path: Path
    format: str                    # how it was read, for people: "CSV (cp1252)", "workbook, sheet 'X'", "parquet"
    header_row: int | None         # None for a workbook family, recognised by its sheets
    columns: list[str]             # its header, as base cleans it
    title: str                     # the rows above the header, and the sheet names (the as-at date is read here)


def recognise(path: Path) -> Recognised:
    """The family of one file, or a UsageError saying what was looked for and what the file has."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path} is not a file", fix="Give the path of the downloaded file")
    base.check_size(path)
    tables, sheets = _heads(path)
    found = [f for f in FAMILIES if f.sheets and set(f.sheets) <= set(sheets)]
    found_in = {f.key: ("workbook", None, [], "") for f in found}
    if not found:
        for where, records in tables:
            for f in FAMILIES:
                hit = _match(path, f, records) if f.header and f.key not in found_in else None
                if hit is not None:
                    found.append(f)
                    found_in[f.key] = (where, *hit)
    if not found:
        raise UsageError(f"not a file of any family this site reads ({_first_row(tables)})",
                         path, fix="Looked for " + "; or ".join(f"{f.rule} ({f.label})" for f in FAMILIES))
    if len(found) > 1:
        raise UsageError(f"the header fits {len(found)} families: {'; '.join(f.label for f in found)}", path,
                         fix="Say which in the catalogue by hand (its reader)")
    family = found[0]
    where, header_row, columns, title = found_in[family.key]
    out = Recognised(family, path, where, header_row, columns, " ".join([title, *sheets]).strip())
    if family.unique:
        _check_unique(out, tables)
    return out


def _heads(path: Path) -> tuple[list[tuple[str, list]], list[str]]:
    """([(how it was read, first rows as (line, cells))...], sheet names) of a CSV, workbook or parquet file."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq  # only to read a parquet file's schema, not its rows

        return [("parquet", [(1, pq.read_schema(path).names)])], []
    if suffix in (".xlsx", ".xlsm"):
        return _workbook_heads(path)
    if suffix in (".ods", ".xls"):
        import pandas as pd  # openpyxl reads neither; pandas' engines do (slower, so only for these)

        book = pd.read_excel(path, sheet_name=None, header=None, dtype=str, nrows=HEAD_ROWS)
        return ([(f"workbook, sheet '{name}'", [(i + 1, list(r)) for i, r in enumerate(frame.fillna("").itertuples(index=False))])
                 for name, frame in book.items()], list(book))
    if suffix not in (".csv", ".txt", ".tsv"):
        raise UsageError(f"{path.name}: a {suffix or 'suffix-less'} file is not one this site reads",
                         fix="Ofsted's files come as CSV, an Excel or ODS workbook, or parquet")
    text, encoding = base.decode(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    records = [(line, cells) for line, cells in zip(range(1, HEAD_ROWS + 1), reader)]
    return [(f"CSV ({encoding})", records)], []


def _workbook_heads(path: Path) -> tuple[list[tuple[str, list]], list[str]]:
    import openpyxl  # read-only mode: the first rows of each sheet, not the whole workbook

    base.check_workbook(path)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        heads = [(f"workbook, sheet '{ws.title}'",
                  [(i + 1, ["" if v is None else str(v) for v in row]) for i, row in
                   enumerate(ws.iter_rows(max_row=HEAD_ROWS, values_only=True))]) for ws in book.worksheets]
        return heads, list(book.sheetnames)
    finally:
        book.close()


def _match(path: Path, family: Family, records: list) -> tuple[int, list[str], str] | None:
    """(header line, columns, the title rows' text) when the records fit the family's rule, else None."""
    try:
        frame, line = base._frame_from_records(path, records, family.header)  # the readers' own header rule
    except base.SourceError:
        return None
    names = {base.clean_header(c).lower() for c in frame.columns[1:]}
    if not set(family.also) <= names or set(family.without) & names:
        return None
    title = " ".join(base.clean_header(c) for n, cells in records if n < line for c in cells if str(c).strip())
    return line, list(frame.columns[1:]), title


def _first_row(tables: list[tuple[str, list]]) -> str:
    """What the file's first non-empty row names, for the message."""
    for where, records in tables:
        for _, cells in records:
            named = [base.clean_header(c) for c in cells if str(c).strip()]
            if named:
                return f"{where}: its first row names {', '.join(named[:12])}" + (", ..." if len(named) > 12 else "")
    return "it has no rows"


def _check_unique(found: Recognised, tables: list[tuple[str, list]]) -> None:
    """A provider-level table has one row per provider: a file listing a provider twice is a table of
    inspections (Ofsted's 'inspections in year' has the same columns), which no reader takes."""
    frame, _ = base.read_table(found.path, found.family.header)
    column = base.find_column(frame, re.escape(found.family.unique.lower()), path=found.path)
    values = frame[column][frame[column] != ""]
    repeated = values[values.duplicated()]
    if len(repeated):
        raise UsageError(f"{found.family.label} has one row per provider, but {column} {repeated.iloc[0]} is on "
                         f"{int((values == repeated.iloc[0]).sum())} rows ({len(repeated)} repeats): this is a table of "
                         "inspections (such as Ofsted's 'inspections carried out in year'), which no reader takes as a release",
                         found.path, fix="Use the provider-level table of the same publication")


_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_AS_AT = re.compile(r"\bat (\d{1,2} )?(" + "|".join(m[:3] + f"(?:{m[3:]})?" for m in _MONTHS) + r") (\d{4})\b")


def as_at_of(found: Recognised) -> dt.date | None:
    """The 'as at' date in the file's title rows or sheet names, else its file name ('as at 31 March 2024',
    'provider_at_march_2015', 'LA_level_at_31_Mar_2022'); a month without a day is its last day."""
    for text in (found.title, found.path.stem):
        m = _AS_AT.search(re.sub(r"[_\-]+", " ", text).lower())
        if m:
            month, year = _MONTHS[next(k for k in _MONTHS if k.startswith(m.group(2)[:3]))], int(m.group(3))
            if m.group(1):
                return dt.date(year, month, int(m.group(1)))
            return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
    return None
