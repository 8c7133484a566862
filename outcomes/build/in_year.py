"""The flow beside the stock: inspections carried out in the year and published by the cut-off.

Ofsted's releases report two things: each provider's most recent inspection as at a date (the
stock, the providers table) and the inspections carried out in the year to that date whose
reports were published by the cut-off (the flow, this module). For state-funded schools the flow
is the year's graded inspections with their key judgements and its ungraded inspections with
their outcomes (Ofsted, "State-funded schools inspections and outcomes as at 31 August 2025":
inspections between 1 September 2024 and 31 August 2025 published by 30 September 2025).

The schools file holds each school's latest graded inspection and its latest ungraded inspection
since then, so a school inspected twice in the year (or ungraded, then graded) counts once here:
the year's counts are a little below Ofsted's (see the ledger, data/ledger.csv). The
read side of these tables is outcomes.results.in_year.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from outcomes.build import layout
from outcomes.domain import geography
from outcomes.domain.fields import IN_YEAR_COLUMNS
from outcomes.domain.releases import Release
from outcomes.errors import SourceError
from outcomes.quality import aggregates, checks
from outcomes.quality.findings import Finding, note
from outcomes.sources import reader_for
from outcomes.sources.csc_aggregates import PROVISION_GROUPS, in_year_series
from outcomes.sources.rows import cell_date, resolved
# The judgements of a graded school inspection that the in-year tables report, in Ofsted's order.
KEY_JUDGEMENTS = ["overall_effectiveness", "quality_of_education", "behaviour_and_attitudes",
                  "personal_development", "leadership_and_management"]
GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]
_GEOGRAPHY = ["new_la_code", "old_la_code", "la_name", "region_code", "region_name"]


def year_start(as_at: dt.date) -> dt.date:
    """The first day of the year that ends on `as_at` (1 September for a 31 August release)."""
    return dt.date(as_at.year - 1, as_at.month, as_at.day) + dt.timedelta(days=1)


def _in_year(start: pd.Series, published: pd.Series, as_at: dt.date, cutoff: dt.date) -> pd.Series:
    s, p = pd.to_datetime(start), pd.to_datetime(published)
    limit = pd.Timestamp(cutoff)
    return (s >= pd.Timestamp(year_start(as_at))) & (s <= pd.Timestamp(as_at)) & p.notna() & (p <= limit)


def schools(providers: pd.DataFrame, judgements: pd.DataFrame, as_at: dt.date, cutoff: dt.date) -> pd.DataFrame:
    """One row per judgement of each graded inspection in the year, and one per ungraded inspection
    in the year (judgement 'ungraded_outcome'), for schools in England."""
    england = providers[providers["in_england"].astype(bool)]
    graded = england[_in_year(england["inspection_start_date"], england["publication_date"], as_at, cutoff)]
    base = ["urn", "provider_subtype", *_GEOGRAPHY]
    rows = []
    overall = graded[base + ["inspection_start_date", "publication_date"]].assign(
        inspection_kind="graded", judgement="overall_effectiveness", grade=graded["overall_grade"])
    rows.append(overall)
    keyed = judgements[judgements["judgement"].isin(KEY_JUDGEMENTS[1:]) & judgements["urn"].isin(graded["urn"])]
    rows.append(graded[base + ["inspection_start_date", "publication_date"]].merge(keyed[["urn", "judgement", "grade"]], on="urn")
                .assign(inspection_kind="graded"))
    if "ungraded_inspection_date" in england:
        ungraded = england[_in_year(england["ungraded_inspection_date"], england["ungraded_publication_date"], as_at, cutoff)]
        rows.append(ungraded[base].assign(
            inspection_start_date=ungraded["ungraded_inspection_date"], publication_date=ungraded["ungraded_publication_date"],
            inspection_kind="ungraded", judgement="ungraded_outcome", grade=None, ungraded_outcome=ungraded["ungraded_outcome"]))
    out = pd.concat(rows, ignore_index=True).reindex(columns=IN_YEAR_COLUMNS)
    return out.astype({"urn": str}).reset_index(drop=True)


def from_catalogue(release: Release, source_dir: Path, register: geography.LaRegister) -> tuple[pd.DataFrame | None, list[Finding]]:
    """The release's table of the year's inspections (catalogue `in_year`), canonical and checked
    against Ofsted's own in-year counts. A missing file is skipped (INFO); the stock still builds."""
    side, rid = release.in_year, release.id
    path = Path(source_dir) / side.path
    if not path.exists():
        return None, [note(rid, "in_year", f"skipped: {side.path} is not in {source_dir}", path.name)]
    found = checks.side_file_changed(rid, "in_year", side.path, path, side.sha256)
    try:
        table = reader_for(side.reader)([path], release.as_at)
    except SourceError as e:
        return None, found + [checks.read_error(rid, e)]
    found += checks.read_notes(rid, table)
    rows = []
    for row in resolved(table, register, release.provider_type, release.as_at, england_only=True):
        if row.unusable:
            found += checks.problem_findings(rid, row, path.name, "in_year", row.unusable)
            continue
        rows.append({"urn": str(row.row["urn"]), "provider_subtype": row.row["provider_subtype"], **row.la_columns,
                     "inspection_kind": "graded", "inspection_start_date": row.start,
                     "publication_date": cell_date(row.row["publication_date"]), "judgement": "overall_effectiveness",
                     "grade": row.grade})
    frame = pd.DataFrame(rows).reindex(columns=IN_YEAR_COLUMNS)
    found += checks.validate_fields(rid, frame, IN_YEAR_COLUMNS, layout.IN_YEAR)
    as_grades = frame.assign(overall_grade=frame["grade"], in_england=True, places=pd.array([None] * len(frame), dtype="Int64"))
    series = {"latest_oe": in_year_series(path, release.as_at), "six_monthly": pd.DataFrame(columns=["provision"])}
    found += aggregates.ofsted_aggregates(rid, as_grades, series, PROVISION_GROUPS, file=path.name,
                                          label="Ofsted's in-year time series (Tables 9a-9e)")
    return frame, found
