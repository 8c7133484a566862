"""One function turns a view's state into its table; the page draws it and the CSV serialises it.

Tables follow the Explore Education Statistics open data standard: time and geography columns
first, then filters, then indicators. The published form carries the GSS symbols (z, c) in
place of numbers; the numeric form feeds the charts.
"""
from __future__ import annotations

import pandas as pd

from outcomes import disclosure
from outcomes.fields import COUNT_INDICATORS, GEOGRAPHY_COLUMNS
from outcomes.frameworks import GOOD_OR_BETTER, GRADED, scale_grades
from outcomes.geography import ENGLAND, WALES
from outcomes.releases import Release
from outcomes.store import Store

LEVELS = ("national", "regional", "local_authority", "provider")
# EES time convention for an "as at" snapshot: DfE's screener allows only year-like periods
# (4 or 6 digits), and a snapshot at one date each year is a "Reporting year" (4 digits), as
# DfE's own "as at 31 March" statistics (e.g. children looked after) publish it. The exact
# date is kept beside it in as_at_date.
TIME_IDENTIFIER = "Reporting year"


def time_columns(release: Release) -> dict[str, str]:
    """The time columns stamped on every row of a release's tables."""
    return {"time_period": f"{release.as_at.year:04d}", "time_identifier": TIME_IDENTIFIER,
            "as_at_date": release.as_at.isoformat()}


LEVEL_LABELS = {"national": "National", "regional": "Regional", "local_authority": "Local authority", "provider": "Provider"}
BAD_GRADES = {"inadequate", "widespread_failings", "serious_weaknesses"}


def indicator_columns(provider_type: str, counts: pd.DataFrame | None = None) -> list[str]:
    """Indicators of a provider type: providers, graded, its scale's grades, then shares."""
    grades = [g for g in scale_grades(provider_type) if g in COUNT_INDICATORS]
    extra = [g for g in ("no_overall_grade", "not_known") if counts is not None and g in set(counts["grade"])]
    cols = ["providers", "graded"] + grades + extra + ["not_yet_graded"]
    if GOOD_OR_BETTER & set(grades):
        cols.append("pct_good_or_outstanding")
    cols.append("pct_inadequate")
    return cols


def _level_keys(level: str) -> list[str]:
    return {"national": [], "regional": ["region_code", "region_name"],
            "local_authority": ["region_code", "region_name", "new_la_code", "old_la_code", "la_name"]}[level]


def compute_grade_table(counts: pd.DataFrame, release: Release, level: str, subtype: str | None = None) -> pd.DataFrame:
    """Numeric tidy table of grade counts and shares at one level, from a release's grade counts
    (store query `grade_counts`). Run at build time by outcomes.serving; shares are not yet masked."""
    if subtype is not None:
        counts = counts[counts["provider_subtype"] == subtype]
    counts = counts.drop(columns=["provider_subtype"], errors="ignore")
    cols = indicator_columns(release.provider_type, counts)
    keys = _level_keys(level)
    if counts.empty or (level != "national" and counts["new_la_code"].isna().all()):
        return pd.DataFrame(columns=level_columns(level) + ["as_at_date", "provider_type", "provider_subtype"] + cols)
    pivot = counts.pivot_table(index=keys or None, columns="grade", values="n", aggfunc="sum", fill_value=0) if keys else \
        counts.groupby("grade")["n"].sum().to_frame().T
    pivot = pivot.reset_index(drop=not keys)
    pivot.columns.name = None
    for g in cols:
        if g not in pivot and g not in ("providers", "graded", "pct_good_or_outstanding", "pct_inadequate"):
            pivot[g] = 0
    grade_cols = [c for c in pivot.columns if c not in keys and c not in ("index",)]
    pivot["providers"] = pivot[grade_cols].sum(axis=1)
    graded_cols = [g for g in grade_cols if g in GRADED or g in ("positive", "inconsistent", "widespread_failings")]
    pivot["graded"] = pivot[graded_cols].sum(axis=1) if graded_cols else 0
    good = [g for g in graded_cols if g in GOOD_OR_BETTER]
    bad = [g for g in graded_cols if g in BAD_GRADES]
    denominator = pivot["graded"].where(pivot["graded"] > 0)
    if "pct_good_or_outstanding" in cols:
        pivot["pct_good_or_outstanding"] = (100 * pivot[good].sum(axis=1) / denominator).round(1)
    pivot["pct_inadequate"] = (100 * pivot[bad].sum(axis=1) / denominator).round(1) if bad else float("nan")
    out = pivot.copy()
    for c, v in time_columns(release).items():
        out[c] = v
    out["geographic_level"] = LEVEL_LABELS[level]
    out["country_code"], out["country_name"] = ENGLAND
    for c in GEOGRAPHY_COLUMNS:
        if c not in out:
            out[c] = None
    out["provider_type"] = release.provider_type
    out["provider_subtype"] = subtype or "All"
    if level == "local_authority":
        out = out.sort_values(["region_name", "la_name"])
    elif level == "regional":
        out = out.sort_values("region_name")
    return out[level_columns(level) + ["as_at_date", "provider_type", "provider_subtype"] + cols].reset_index(drop=True)


def grade_table(store: Store, release: Release, level: str, subtype: str | None = None,
                region: str | None = None, la: str | None = None) -> pd.DataFrame:
    """Tidy table of grade counts and shares at one level, read from the precomputed serving table.
    Shares that disclosure control withholds are blank (NaN); `published` turns them into symbols."""
    rows = store.grades(release.id, level, subtype, region, la)
    if rows.empty:
        return pd.DataFrame(columns=level_columns(level) + ["as_at_date", "provider_type", "provider_subtype"]
                            + indicator_columns(release.provider_type))
    ranks = [c for c in ("rank", "ranked") if c in rows]  # LA tables only: drop copies every column
    return rows.drop(columns=ranks) if ranks else rows


def cast_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as whole numbers (the serving table's union of every scale's columns holds floats,
    blank where a grade is not on a release's scale: nullable integers keep those blank)."""
    counts = [c for c in table.columns if c in COUNT_INDICATORS or c in ("providers", "graded", "not_yet_graded")]
    # Columns already Int64 are left as they are: astype costs ~0.3 ms a column even then (and
    # rebuilds the whole frame when given no column at all).
    cast = {c: "Int64" for c in counts if table[c].dtype != "Int64"}
    return table.astype(cast) if cast else table.copy(deep=False)


def level_columns(level: str) -> list[str]:
    """The EES standard's time and geography columns required at each level."""
    n = {"national": 5, "regional": 7}.get(level, len(GEOGRAPHY_COLUMNS))
    return GEOGRAPHY_COLUMNS[:n]


def published(table: pd.DataFrame, level: str | None = None) -> pd.DataFrame:
    """The table as downloaded and shown: shares as text, or the disclosure symbol (c, z)."""
    return disclosure.published(table, level)


def provider_table(store: Store, release: Release, subtype: str | None = None, la: str | None = None) -> pd.DataFrame:
    """One row per provider: URN, name as published (REDACTED stays), type, LA, latest inspection."""
    rows = store.query("provider_rows", release_id=release.id, subtype=subtype, la=la)
    times = time_columns(release)
    out = pd.DataFrame({
        "time_period": times["time_period"], "time_identifier": times["time_identifier"],
        "geographic_level": "Provider", "country_code": [ENGLAND[0] if e else WALES[0] for e in rows["in_england"]],
        "country_name": [ENGLAND[1] if e else WALES[1] for e in rows["in_england"]],
        "region_code": rows["region_code"], "region_name": rows["region_name"],
        "new_la_code": rows["new_la_code"], "old_la_code": rows["old_la_code"], "la_name": rows["la_name"],
        "as_at_date": times["as_at_date"], "provider_type": rows["provider_type"], "provider_subtype": rows["provider_subtype"],
        "urn": rows["urn"], "provider_name": rows["provider_name"], "inspection_id": rows["inspection_id"],
        "inspection_type": rows["inspection_type"],
        "inspection_start_date": pd.to_datetime(rows["inspection_start_date"]).dt.strftime("%Y-%m-%d"),
        "publication_date": pd.to_datetime(rows["publication_date"]).dt.strftime("%Y-%m-%d"),
        "framework": rows["framework"], "overall_grade": rows["overall_grade"].fillna("not_yet_graded"),
        "overall_grade_published": rows["overall_grade_published"],
    })
    return out
