"""The one row loop every reader's rows go through: each row's local authority on the release date
and its canonical overall grade, with what went wrong said in words.

The build (canonical tables), the cross-check (an independent table) and the in-year tables (the
flow) read different files with the same questions: which LA does this cell name on this date, and
which grade does this label mean. They ask them here; each turns the problems into its own findings
(outcomes.quality), at the severity that matters to it (a hard finding for the release's own file, a
warning for a cross-check that never blocks).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from outcomes.domain import geography
from outcomes.domain.frameworks import UnknownGrade, overall_grade
from outcomes.sources.base import SourceTable

GRADE_COLUMN = "overall judgement"
LA_COLUMN = "local authority"


def cell_date(value: object) -> dt.date | None:
    """A reader's date cell as a date or None (pandas may hand back NaT or NaN for a blank)."""
    return None if value is None or pd.isna(value) else value


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one row: the QA check it fails, in words, and the column at fault."""
    check: str  # unknown_grade | missing_la | unknown_la | la_not_current_at_date
    message: str
    column: str


@dataclass
class ResolvedRow:
    row: dict                          # the reader's row as it was read
    line: int                          # its source_row
    start: dt.date | None              # inspection start date
    grade: str | None                  # canonical overall grade (None: not yet inspected)
    la: geography.LaVersion | None     # None: no LA (national files), Welsh, or a problem below
    in_england: bool = True
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def unusable(self) -> list[RowProblem]:
        """Problems that leave the row without its LA or its grade (a side table skips such a row)."""
        return [p for p in self.problems if p.check != "la_not_current_at_date"]

    @property
    def la_columns(self) -> dict[str, str | None]:
        """The geography columns of a built row."""
        v = self.la
        return {"new_la_code": v.ons_code if v else None, "old_la_code": v.dfe_code if v else None,
                "la_name": v.name if v else None, "region_code": v.region_code if v else None,
                "region_name": v.region_name if v else None}


def _grade(provider_type: str, r: dict, start: dt.date | None, problems: list[RowProblem]) -> str | None:
    try:
        return overall_grade(provider_type, r["overall_published"], start)
    except UnknownGrade as e:
        problems.append(RowProblem("unknown_grade", f"{e}: use a label of the framework's scale (see the methodology page)",
                                   GRADE_COLUMN))
        return overall_grade(provider_type, None, start)


def _la(table: SourceTable, register: geography.LaRegister, r: dict, day: dt.date,
        problems: list[RowProblem]) -> tuple[geography.LaVersion | None, bool]:
    """(the LA, whether the row is in England)."""
    value = r["la_published"]
    if table.la_key == "none":
        return None, True
    if table.la_key == "name" and geography.is_welsh(value):
        return None, False
    if value is None or str(value).strip() == "":
        problems.append(RowProblem("missing_la", f"URN {r['urn']}: no local authority given", LA_COLUMN))
        return None, True
    try:
        v = geography.resolve_la(register, table.la_key, value, day)
    except geography.UnknownArea as e:
        problems.append(RowProblem("unknown_la", f"URN {r['urn']}: {e}; add the spelling to geography.py or correct the file",
                                   LA_COLUMN))
        return None, True
    if not v.valid_at(day):
        problems.append(RowProblem("la_not_current_at_date",
                                   f"URN {r['urn']}: {value!r} names {v.name} ({v.ons_code}), which did not exist on {day}",
                                   LA_COLUMN))
    return v, True


def resolved(table: SourceTable, register: geography.LaRegister, provider_type: str, day: dt.date,
             rows: pd.DataFrame | None = None, england_only: bool = False) -> Iterator[ResolvedRow]:
    """Each row of the table (or of `rows`, a selection of them) with its LA on `day` and its grade;
    with england_only, rows in Welsh local authorities are left out."""
    for r in (table.rows if rows is None else rows).to_dict("records"):
        problems: list[RowProblem] = []
        start = cell_date(r["inspection_start_date"])
        grade = _grade(provider_type, r, start, problems)
        la, in_england = _la(table, register, r, day, problems)
        if in_england or not england_only:
            yield ResolvedRow(r, int(r["source_row"]), start, grade, la, in_england, problems)
