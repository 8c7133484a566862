"""The flow beside the stock: inspections carried out in the year and published by the cut-off.

Ofsted's releases report two things: each provider's most recent inspection as at a date (the
stock, the providers table) and the inspections carried out in the year to that date whose
reports were published by the cut-off (the flow, this module). For state-funded schools the flow
is the year's graded inspections with their key judgements and its ungraded inspections with
their outcomes (Ofsted, "State-funded schools inspections and outcomes as at 31 August 2025":
inspections between 1 September 2024 and 31 August 2025 published by 30 September 2025).

The schools file holds each school's latest graded inspection and its latest ungraded inspection
since then, so a school inspected twice in the year (or ungraded, then graded) counts once here:
the year's counts are a little below Ofsted's (see headlines.NOT_REPRODUCED).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from outcomes.fields import IN_YEAR_COLUMNS

FILENAME = "inspections_in_year.parquet"
# The judgements of a graded school inspection that the in-year tables report, in Ofsted's order.
KEY_JUDGEMENTS = ["overall_effectiveness", "quality_of_education", "behaviour_and_attitudes",
                  "personal_development", "leadership_and_management"]
GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]
_GEOGRAPHY = ["new_la_code", "old_la_code", "la_name", "region_code", "region_name"]


def year_start(as_at: dt.date) -> dt.date:
    """The first day of the year that ends on `as_at` (1 September for a 31 August release)."""
    return dt.date(as_at.year - 1, as_at.month, as_at.day) + dt.timedelta(days=1)


def _in_year(start: pd.Series, published: pd.Series, as_at: dt.date, cutoff_days: int) -> pd.Series:
    s, p = pd.to_datetime(start), pd.to_datetime(published)
    limit = pd.Timestamp(as_at + dt.timedelta(days=cutoff_days))
    return (s >= pd.Timestamp(year_start(as_at))) & (s <= pd.Timestamp(as_at)) & p.notna() & (p <= limit)


def schools(providers: pd.DataFrame, judgements: pd.DataFrame, as_at: dt.date, cutoff_days: int) -> pd.DataFrame:
    """One row per judgement of each graded inspection in the year, and one per ungraded inspection
    in the year (judgement 'ungraded_outcome'), for schools in England."""
    england = providers[providers["in_england"].astype(bool)]
    graded = england[_in_year(england["inspection_start_date"], england["publication_date"], as_at, cutoff_days)]
    base = ["urn", "provider_subtype", *_GEOGRAPHY]
    rows = []
    overall = graded[base + ["inspection_start_date", "publication_date"]].assign(
        inspection_kind="graded", judgement="overall_effectiveness", grade=graded["overall_grade"])
    rows.append(overall)
    keyed = judgements[judgements["judgement"].isin(KEY_JUDGEMENTS[1:]) & judgements["urn"].isin(graded["urn"])]
    rows.append(graded[base + ["inspection_start_date", "publication_date"]].merge(keyed[["urn", "judgement", "grade"]], on="urn")
                .assign(inspection_kind="graded"))
    if "ungraded_inspection_date" in england:
        ungraded = england[_in_year(england["ungraded_inspection_date"], england["ungraded_publication_date"], as_at, cutoff_days)]
        rows.append(ungraded[base].assign(
            inspection_start_date=ungraded["ungraded_inspection_date"], publication_date=ungraded["ungraded_publication_date"],
            inspection_kind="ungraded", judgement="ungraded_outcome", grade=None, ungraded_outcome=ungraded["ungraded_outcome"]))
    out = pd.concat(rows, ignore_index=True).reindex(columns=IN_YEAR_COLUMNS)
    return out.astype({"urn": str}).reset_index(drop=True)


def load(data_dir: Path, release_id: str) -> pd.DataFrame | None:
    """A built release's in-year table, or None when it has none (only its stock)."""
    from outcomes.settings import release_dir

    path = release_dir(data_dir, release_id) / FILENAME
    return pd.read_parquet(path) if path.exists() else None


def judgement_table(frame: pd.DataFrame, as_at: dt.date, level: str = "national", subtype: str | None = None) -> pd.DataFrame:
    """The tidy (EES) table of the year's graded inspections: one row per key judgement (a
    `judgement` filter) and area, with counts and the share good or outstanding. The share is of
    inspections given a grade for that judgement; 'z' where none was (overall effectiveness from
    September 2024)."""
    graded = frame[frame["inspection_kind"] == "graded"]
    if subtype:
        graded = graded[graded["provider_subtype"] == subtype]
    # Schools: all five judgements, each always reported; social care: overall effectiveness only.
    sub = set(frame["judgement"]) - {"overall_effectiveness", "ungraded_outcome"}
    judgements = KEY_JUDGEMENTS if sub else ["overall_effectiveness"]
    keys = {"national": [], "regional": ["region_code", "region_name"],
            "local_authority": ["region_code", "region_name", "new_la_code", "old_la_code", "la_name"]}[level]
    rows = []
    for key, part in (graded.groupby(keys, dropna=False) if keys else [((), graded)]):
        key = key if isinstance(key, tuple) else (key,)
        for j in judgements:
            grades = part.loc[part["judgement"] == j, "grade"].value_counts()
            counts = {g: int(grades.get(g, 0)) for g in GRADES}
            given = sum(counts.values())
            rows.append({**dict(zip(keys, key)), "judgement": j,
                         # each overall_effectiveness row is one inspection (a provider may have two in a year)
                         "inspections": int((part["judgement"] == "overall_effectiveness").sum()),
                         **counts, "no_overall_grade": int(grades.get("no_overall_grade", 0)),
                         "pct_good_or_outstanding": round(100 * (counts["outstanding"] + counts["good"]) / given, 1) if given else "z"})
    table = pd.DataFrame(rows)
    start = year_start(as_at)
    # EES: a year to 31 August is an academic year, to 31 March a financial year ("202425").
    year = "Academic year" if as_at.month == 8 else "Financial year"
    geography = {"time_period": f"{start.year}{str(as_at.year)[2:]}", "time_identifier": year,
                 "geographic_level": {"national": "National", "regional": "Regional", "local_authority": "Local authority"}[level],
                 "country_code": "E92000001", "country_name": "England"}
    for c, v in reversed(list(geography.items())):
        table.insert(0, c, v)
    table.insert(len(geography) + len(keys), "provider_subtype", subtype or "All")
    return table


def ungraded_share(frame: pd.DataFrame, outcomes: tuple[str, ...] = ("standards_maintained", "improved_significantly")) -> float | None:
    """Share of the year's ungraded inspections with one of `outcomes`, to one decimal place."""
    ungraded = frame[frame["inspection_kind"] == "ungraded"]
    return round(100 * ungraded["ungraded_outcome"].isin(outcomes).mean(), 1) if len(ungraded) else None


SCOPES = ("as_at", "in_year")


def export_frames(data_dir: Path, release, level: str, subtype: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The in-year tidy table of a (published) release and its metadata, or ValueError when the
    release holds no in-year data."""
    from outcomes.downloads import metadata_for

    frame = load(data_dir, release.id)
    if frame is None:
        raise ValueError(f"{release.id} has no in-year data (only each provider's latest inspection as at {release.as_at})")
    if level not in ("national", "regional", "local_authority"):
        raise ValueError(f"level {level!r}: in-year tables are national, regional or local_authority")
    data = judgement_table(frame, release.as_at, level, subtype)
    return data, metadata_for(data)


def from_catalogue(release, source_dir: Path, register) -> tuple[pd.DataFrame | None, list]:
    """The release's table of the year's inspections (catalogue `in_year`), canonical and checked
    against Ofsted's own in-year counts. A missing file is skipped (INFO); the stock still builds."""
    from outcomes import frameworks, geography, quality
    from outcomes.build import _date, _resolve_la, overall_grade, reader_for  # build imports this module
    from outcomes.quality import HARD, INFO, WARNING, Finding
    from outcomes.releases import sha256_of
    from outcomes.sources.base import SourceError
    from outcomes.sources.csc_aggregates import PROVISION_GROUPS, in_year_series

    side, rid, ptype = release.in_year, release.id, release.provider_type
    path = Path(source_dir) / side.path
    if not path.exists():
        return None, [Finding(rid, INFO, "in_year", f"skipped: {side.path} is not in {source_dir}", path.name)]
    found = []
    if side.sha256 and sha256_of(path) != side.sha256:
        found.append(Finding(rid, WARNING, "in_year", f"{side.path} differs from the file catalogued (sha256 {side.sha256[:12]}...)", path.name))
    try:
        table = reader_for(side.reader)([path], release.as_at)
    except SourceError as e:
        return None, found + [Finding(rid, HARD, "read_error", e.problem, Path(e.path).name, e.row, e.column or "")]
    found += [Finding(rid, INFO, "read", n, path.name) for n in table.notes]
    rows = []
    for r in table.rows.to_dict("records"):
        if geography.is_welsh(r["la_published"]):
            continue
        try:
            v = _resolve_la(register, table.la_key, r["la_published"], release.as_at)
            grade = overall_grade(ptype, r["overall_published"], _date(r["inspection_start_date"]))
        except (geography.UnknownArea, frameworks.UnknownGrade) as e:
            found.append(Finding(rid, HARD, "in_year", f"URN {r['urn']}: {e}", path.name, int(r["source_row"])))
            continue
        rows.append({"urn": str(r["urn"]), "provider_subtype": r["provider_subtype"], "new_la_code": v.ons_code,
                     "old_la_code": v.dfe_code, "la_name": v.name, "region_code": v.region_code, "region_name": v.region_name,
                     "inspection_kind": "graded", "inspection_start_date": _date(r["inspection_start_date"]),
                     "publication_date": _date(r["publication_date"]), "judgement": "overall_effectiveness", "grade": grade})
    frame = pd.DataFrame(rows).reindex(columns=IN_YEAR_COLUMNS)
    found += quality.validate_fields(rid, frame, IN_YEAR_COLUMNS, FILENAME)
    as_grades = frame.assign(overall_grade=frame["grade"], in_england=True, places=pd.array([None] * len(frame), dtype="Int64"))
    series = {"latest_oe": in_year_series(path, release.as_at), "six_monthly": pd.DataFrame(columns=["provision"])}
    found += quality.ofsted_aggregates(rid, as_grades, series, PROVISION_GROUPS, file=path.name,
                                       label="Ofsted's in-year time series (Tables 9a-9e)")
    return frame, found
