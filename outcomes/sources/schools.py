"""What the readers of state-funded school inspection outcomes share: the sub-judgements, the rows
that are schools, each school's LA, Ofsted's grade codes, and how each checks its files, builds its
rows and says what it read.

Three file families give a school's latest inspection, each read by its own module: Ofsted's
official statistics (one row per open school; schools_official), a rating list derived from GIAS
(Get Information About Schools; schools_gias), a scraped inspection history from which the
rating as at any date can be rebuilt (schools_2018), and Ofsted's monthly management information
with report cards from November 2025 (schools_mi).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pandas as pd

from outcomes.sources.base import JUDGEMENT_PREFIX, READER_COLUMNS, SourceError, clean_code

PROVIDER_TYPE = "state_funded_school"

# Sub-judgements of the latest graded inspection, with Ofsted's wording.
JUDGEMENTS: dict[str, str] = {
    "quality_of_education": "Quality of education",
    "behaviour_and_attitudes": "Behaviour and attitudes",
    "personal_development": "Personal development",
    "leadership_and_management": "Effectiveness of leadership and management",
    "safeguarding": "Safeguarding is effective?",
    "early_years": "Early years provision (where applicable)",
    "sixth_form": "Sixth form provision (where applicable)",
}


def one_file(paths: list[Path], family: str) -> Path:
    """The one file a single-file reader takes; an error naming the family otherwise."""
    if len(paths) != 1:
        raise SourceError(paths[0] if paths else "", None, None,
                          f"the {family} reader takes one file, got {len(paths)}",
                          "List one file per release in the catalogue")
    return Path(paths[0])


def code_or_none(value: object) -> str | None:
    """A code or grade as text, with the '.0' a spreadsheet added removed; None when blank."""
    s = clean_code(value)
    return s or None


def column_values(frame: pd.DataFrame, column: str | None, convert=lambda v: v or None) -> list:
    """A column's values converted (blank to None by default), or all None when the file lacks it."""
    return [convert(v) for v in frame[column]] if column else [None] * len(frame)


def reader_frame(rows: dict[str, list], judgement_ids: list[str]) -> pd.DataFrame:
    """The reader's output: READER_COLUMNS then one 'j_<id>' column per sub-judgement, as objects."""
    n = len(rows["source_row"])
    columns = READER_COLUMNS + [JUDGEMENT_PREFIX + j for j in judgement_ids]
    data = {c: rows.get(c, [None] * n) for c in columns}
    out = pd.DataFrame(data, columns=columns, dtype=object)
    out["source_row"] = out["source_row"].astype(int)
    return out


def read_note(path: Path, meta: dict) -> str:
    """The note saying how a file was read: its sheet, format or encoding, and its header row."""
    where = (f"sheet '{meta['sheet']}'" if "sheet" in meta
             else "parquet saved from the CSV; rows numbered as the CSV's lines" if meta.get("format") == "parquet"
             else f"encoding {meta.get('encoding')}")
    header = meta["header_row"]
    titles = f", {header - 1} title row(s) above it skipped" if header > 1 else ""
    return f"read {path.name} ({where}): header on row {header}{titles}"


def coverage_note(la_values: list, regions: list | None) -> str:
    """The note saying how many LAs (and which regions, where the file gives them) the rows cover."""
    las = {v for v in la_values if v}
    text = f"covers {len(las)} local authorities"
    if regions is not None:
        names = sorted({r for r in regions if r})
        text += f" in {len(names)} region(s): {', '.join(names)}"
    return text


# Ofsted's grade codes: 1 outstanding, 2 good, 3 requires improvement (satisfactory before
# September 2012), 4 inadequate. Sub-judgements add 9 (not judged under the framework of that
# inspection) and 8 (no such provision); safeguarding is Yes / No. 9 and 8 are kept as published.
OVERALL_CODES = {"1", "2", "3", "4"}
SUB_JUDGEMENT_CODES = OVERALL_CODES | {"8", "9", "yes", "no"}
# Placeholders a file may put where an inspection gave no overall grade (from September 2024).
NO_OVERALL_GRADE = {"9", "8", "not applicable", "n/a", "na", "null", "not judged", "no grade"}

FindColumn = Callable[..., str | None]  # find_column bound to one file's table


def schools_only(frame: pd.DataFrame, path: Path, urn_col: str) -> tuple[pd.DataFrame, pd.Series, int]:
    """The rows that are schools and their URNs, and how many footnote or blank rows were set aside."""
    # Footnotes and source lines under the table have no URN (or text where the URN goes, when
    # the URN is the first column): they are not schools.
    others = [c for c in frame.columns if c not in ("source_row", urn_col)]
    urns = frame[urn_col].map(clean_code)
    rest_blank = (frame[others] == "").all(axis=1) if others else pd.Series(True, index=frame.index)
    footnote = (urns == "") | (~urns.str.fullmatch(r"\d+") & rest_blank)
    bad = frame[~footnote & ~urns.str.fullmatch(r"\d+")]
    if len(bad):
        raise SourceError(path, int(bad["source_row"].iloc[0]), urn_col,
                          f"URN {bad[urn_col].iloc[0]!r} is not a number", "URNs are whole numbers")
    return (frame[~footnote].reset_index(drop=True), urns[~footnote].reset_index(drop=True),
            int(footnote.sum()))


def la_of_each_school(frame: pd.DataFrame, path: Path, col: FindColumn, notes: list[str]) -> tuple[str, list]:
    """How the file names the LA (the la_key) and each school's LA in those terms."""
    # LA: the DfE number is the first three digits of LAESTAB (LA number + establishment number);
    # files without LAESTAB name the LA instead. Decided once per file so one key applies to all rows.
    laestab_col = col(r"laestab", required=False)
    if not laestab_col:
        la = column_values(frame, col(r"local authority", r"la name"))
        notes.append("no LAESTAB column: LA taken from the 'Local authority' name")
        return "name", la
    la = []
    for line, v in zip(frame["source_row"], frame[laestab_col]):
        s = clean_code(v)
        if s and not re.fullmatch(r"\d{7}", s):
            raise SourceError(path, int(line), laestab_col, f"LAESTAB {v!r} is not 7 digits",
                              "LAESTAB is the 3-digit DfE LA number followed by a 4-digit establishment number")
        la.append(s[:3] or None)
    missing = sum(v is None for v in la)
    notes.append("LA from the first 3 digits of LAESTAB (DfE LA number)"
                 + (f"; {missing} school(s) have no LAESTAB" if missing else ""))
    return "dfe", la


def overall_codes(rows: dict[str, list], path: Path, overall_col: str | None) -> tuple[list, int]:
    """The overall grades with the 'no overall grade' placeholders as None, and how many there were."""
    out, no_grade = [], 0
    for line, v in zip(rows["source_row"], rows["overall_published"]):
        if v is not None and v.lower() in NO_OVERALL_GRADE:
            v, no_grade = None, no_grade + 1
        elif v is not None and v not in OVERALL_CODES:
            raise SourceError(path, int(line), overall_col, f"overall effectiveness {v!r} is not a grade code",
                              "Ofsted codes overall effectiveness 1 to 4")
        out.append(v)
    return out, no_grade


def sub_judgement_codes(lines: list[int], frame: pd.DataFrame, column: str, notes: list[str]) -> list:
    """A sub-judgement's codes; a value that is not a code is read as not judged, and noted."""
    values, odd = [], []
    for line, v in zip(lines, frame[column]):
        v = code_or_none(v)
        if v is not None and v.lower() not in SUB_JUDGEMENT_CODES:
            odd.append((line, v))
            v = None
        values.append(v)
    if odd:
        notes.append(f"'{column}': {len(odd)} value(s) that are not grade codes read as not judged "
                     f"(e.g. {odd[0][1]!r} on row {odd[0][0]})")
    return values


def file_notes(urns: pd.Series, set_aside: int) -> list[str]:
    """Notes on the rows set aside and on URNs that appear more than once."""
    notes = []
    if set_aside:
        notes.append(f"{set_aside} footnote or blank row(s) without a URN set aside")
    dupes = urns[urns.duplicated()]
    if len(dupes):
        notes.append(f"{len(dupes)} URN(s) appear more than once, e.g. {dupes.iloc[0]}")
    return notes
