"""Reader for Ofsted's official statistics of state-funded schools: "State-funded schools inspections
and outcomes as at ...", one row per open school with its latest graded inspection, and from the
2023 layout on its previous graded and latest ungraded inspections.
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import pandas as pd

from outcomes.sources.base import (
    JUDGEMENT_PREFIX,
    SourceTable,
    find_column,
    parse_dates,
    read_table,
)
from outcomes.sources.schools import (
    JUDGEMENTS,
    PROVIDER_TYPE,
    FindColumn,
    code_or_none,
    column_values,
    coverage_note,
    file_notes,
    la_of_each_school,
    one_file,
    overall_codes,
    read_note,
    reader_frame,
    schools_only,
    sub_judgement_codes,
)

# The header patterns that name each sub-judgement (lower-case, whole header). The "Previous ..."
# columns of the same file describe the inspection before and are deliberately not matched.
_JUDGEMENT_PATTERNS: dict[str, tuple[str, ...]] = {
    "quality_of_education": (r"quality of education",),
    "behaviour_and_attitudes": (r"behaviour and attitudes",),
    "personal_development": (r"personal development",),
    "leadership_and_management": (r"effectiveness of leadership and management",),
    "safeguarding": (r"safeguarding is effective\??",),
    "early_years": (r"early years provision( \(where applicable\))?",),
    "sixth_form": (r"sixth form provision( \(where applicable\))?",),
}


def read_official(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Ofsted's "State-funded schools inspections and outcomes as at ..." file (CSV, XLSX or ODS).

    One row per open school with its latest graded inspection. The layout (which judgements, an
    overall grade or not, LA by number or name) is taken from the file's columns, not its year.
    """
    path = one_file(paths, "state-funded schools official statistics")
    frame, meta = read_table(path, header_must=("URN", "Ofsted phase"))
    notes = [read_note(path, meta)]
    col = partial(find_column, frame, path=path)
    frame, urns, set_aside = schools_only(frame, path, col(r"urn"))
    la_key, la = la_of_each_school(frame, path, col, notes)
    overall_col, found = _layout(col, notes)
    judgement_ids = [j for j, c in found.items() if c]
    rows = _latest_graded(frame, path, col, urns, la, overall_col)
    rows["overall_published"], no_grade = overall_codes(rows, path, overall_col)
    if no_grade:
        notes.append(f"{no_grade:,} overall effectiveness value(s) marked not applicable or 'Not judged' read as no "
                     "grade (graded inspections from September 2024 give none; their key judgements are kept)")
    for j in judgement_ids:
        rows[JUDGEMENT_PREFIX + j] = sub_judgement_codes(rows["source_row"], frame, found[j], notes)
    for block in _BLOCKS:
        rows.update(_block(frame, path, notes, *block))
    notes.append(_schools_note(rows["overall_published"], overall_col is not None, no_grade))
    region_col = col(r"region", r"ofsted region", required=False)
    notes.append(coverage_note(la, frame[region_col].tolist() if region_col else None))
    notes += _caveats(frame, col, rows["inspection_start_date"], urns, as_at, set_aside)

    out = reader_frame(rows, judgement_ids)
    for c in UNGRADED_COLUMNS + PREVIOUS_COLUMNS:
        if c in rows:
            out[c] = pd.Series(rows[c], dtype=object)
    return SourceTable(PROVIDER_TYPE, path, out, la_key,
                       judgements={j: JUDGEMENTS[j] for j in judgement_ids}, notes=notes, set_aside=set_aside)


def _layout(col: FindColumn, notes: list[str]) -> tuple[str | None, dict[str, str | None]]:
    """The overall effectiveness column and each sub-judgement's column (None where the file has none)."""
    overall_col = col(r"overall effectiveness", required=False)
    found = {j: col(*p, required=False) for j, p in _JUDGEMENT_PATTERNS.items()}
    layout = ("education inspection framework (EIF) layout" if found["quality_of_education"]
              else "pre-EIF layout (no quality of education judgement)")
    if overall_col is None:
        layout += ", no 'Overall effectiveness' column (no overall grade from September 2024)"
    notes.append(f"detected {layout}")
    absent = [JUDGEMENTS[j] for j, c in found.items() if not c]
    if absent:
        notes.append(f"sub-judgements not in this file: {', '.join(absent)}")
    return overall_col, found


def _latest_graded(frame: pd.DataFrame, path: Path, col: FindColumn, urns: pd.Series, la: list,
                   overall_col: str | None) -> dict[str, list]:
    """The reader's columns of each school's latest graded inspection, the overall grade as published."""
    id_col = col(r"inspection number of latest (graded|full) inspection", r"inspection number", required=False)
    start_col = col(r"inspection start date( of latest (graded|full) inspection)?", required=False)
    start = parse_dates(frame, start_col, path)
    return {
        "source_row": frame["source_row"].tolist(),
        "urn": urns.tolist(),
        "provider_name": column_values(frame, col(r"school name")),
        "provider_subtype": column_values(frame, col(r"ofsted phase")),
        "la_published": la,
        "inspection_id": column_values(frame, id_col, code_or_none),
        "inspection_type": column_values(frame, col(r"inspection type", required=False)),
        "inspection_start_date": start,
        "publication_date": parse_dates(frame, col(r"publication date( of latest (graded|full) inspection)?",
                                                   required=False), path),
        "overall_published": column_values(frame, overall_col, code_or_none),
    }


def _schools_note(overall: list, has_overall: bool, no_grade: int) -> str:
    """How many schools, and why those without an overall grade have none."""
    n = len(overall)
    if not has_overall:
        return f"{n:,} schools"
    ungraded = sum(v is None for v in overall)
    never = ungraded - no_grade
    return (f"{n:,} schools, {ungraded:,} with no overall grade: "
            + (f"{no_grade:,} marked not judged or not applicable, " if no_grade else "")
            + f"{never:,} blank (no graded inspection yet)")


def _caveats(frame: pd.DataFrame, col: FindColumn, start: list, urns: pd.Series, as_at: dt.date,
             set_aside: int) -> list[str]:
    """Notes on rows to read with care: inherited inspections, inspections after the date, rows set
    aside, repeated URNs."""
    notes = []
    predecessor_col = col(r"does the latest graded inspection relate to the urn of the current school\??",
                          required=False)
    if predecessor_col:
        inherited = int((frame[predecessor_col].str.lower() == "no").sum())
        if inherited:
            # Ofsted counts a new school (e.g. an academy converter) under its predecessor's latest
            # graded inspection until the new school has its own.
            notes.append(f"{inherited:,} schools' latest graded inspection was of a predecessor school")
    late = sum(1 for d in start if d and d > as_at)
    if late:
        notes.append(f"{late} inspection(s) start after the release date {as_at:%d %B %Y}")
    return notes + file_notes(urns, set_aside)


# The ungraded-inspection block of the 2024/25 file: each school's latest ungraded inspection
# since its last graded one (a school inspected graded after an ungraded one has none here).
UNGRADED_COLUMNS = ["ungraded_inspection_date", "ungraded_publication_date", "ungraded_outcome_published"]
# The graded inspection before the latest one (2023 layout onwards): a school page shows it, so a
# reader sees where a school came from. Its overall grade is a code on the same 1-4 scale.
PREVIOUS_COLUMNS = ["previous_inspection_start_date", "previous_publication_date", "previous_overall_grade_published"]
# Each block: its columns (two dates, then the outcome), the header of each, how the outcome is
# read, the column its count is of, and what the note says of it.
_BLOCKS = (
    (UNGRADED_COLUMNS, (r"date of latest ungraded inspection", r"ungraded inspection publication date",
                        r"ungraded inspection overall outcome"), lambda v: v or None, 2,
     "schools have an ungraded inspection since their last graded one (date and outcome kept; outcomes are on their "
     "own scale, see frameworks.UNGRADED_OUTCOMES)"),
    (PREVIOUS_COLUMNS, (r"previous inspection start date", r"previous publication date",
                        r"previous graded inspection overall effectiveness"), code_or_none, 0,
     "schools have a previous graded inspection (its dates and overall effectiveness kept)"),
)


def _block(frame: pd.DataFrame, path: Path, notes: list[str], columns: list[str], headers: tuple[str, str, str],
           convert, counted: int, words: str) -> dict[str, list]:
    """One dated block of the file (two dates and an outcome as published), where the file has it."""
    col = partial(find_column, frame, path=path, required=False)
    outcome_col = col(headers[2])
    if outcome_col is None:
        return {}
    out = dict(zip(columns, (parse_dates(frame, col(headers[0]), path), parse_dates(frame, col(headers[1]), path),
                             column_values(frame, outcome_col, convert))))
    notes.append(f"{sum(v is not None for v in out[columns[counted]]):,} {words}")
    return out
