"""The Explore Education Statistics (EES) open data standard, as DfE's screener checks it: time and
geography columns, Total rows, the Institution level and the metadata file. The tables themselves are
made by outcomes.results.tidy.

Source of the rules: DfE's data screener, github.com/dfe-analytical-services/dfe-published-data-qa
(R/fileValidation.r, preCheck1.r, preCheck2.r, mainTests.r); tests/screener.py ports them.
- An aggregate table holds every filter combination: a "Total" row and one row per subtype for
  every area, zero counts included, so the EES table tool can cross any filter with any area.
- The provider-level table is at the EES "Institution" level (institution_id, institution_name):
  EES's "School" level needs a LAESTAB and "Provider" a UKPRN, which Ofsted's URNs are not.
  Rows at that level are ignored by the table tool, so EES takes the file as an ancillary file.
- The metadata lists only real filters (two or more values, no blanks) and every indicator, with
  units, decimal places and hints from the fields registry.
"""
from __future__ import annotations

import pandas as pd

from outcomes.domain.fields import COUNT_INDICATORS, FIELDS, GEOGRAPHY_COLUMNS, TYPES, Level
from outcomes.domain.frameworks import GOOD_OR_BETTER, scale_grades

TOTAL = "Total"
INSTITUTION = "Institution"
META_COLUMNS = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                "filter_hint", "filter_grouping_column"]
# Columns of a provider-level (Institution) file that are categories a reader filters by.
INSTITUTION_FILTERS = ("provider_subtype", "overall_grade")
# EES time convention for an "as at" snapshot: DfE's screener allows only year-like periods
# (4 or 6 digits), and a snapshot at one date each year is a "Reporting year" (4 digits), as
# DfE's own "as at 31 March" statistics (e.g. children looked after) publish it. The exact
# date is kept beside it in as_at_date.
TIME_IDENTIFIER = "Reporting year"


def time_columns(as_at) -> dict[str, str]:
    """The time columns stamped on every row of a release's tables (as_at: the release's date)."""
    return {"time_period": f"{as_at.year:04d}", "time_identifier": TIME_IDENTIFIER, "as_at_date": as_at.isoformat()}


def flow_time_columns(as_at) -> dict[str, str]:
    """The time columns of the year's inspections to `as_at` (the flow): a year to 31 August is an
    academic year, to 31 March a financial year, both written "202425"."""
    kind = "Academic year" if as_at.month == 8 else "Financial year"
    return {"time_period": f"{as_at.year - 1}{str(as_at.year)[2:]}", "time_identifier": kind}


def indicator_columns(provider_type: str, counts: pd.DataFrame | None = None) -> list[str]:
    """Indicators of a provider type: providers, graded, its scale's grades, then shares."""
    grades = [g for g in scale_grades(provider_type) if g in COUNT_INDICATORS]
    extra = [g for g in ("no_overall_grade", "not_known") if counts is not None and g in set(counts["grade"])]
    cols = ["providers"] + (["registered_places"] if TYPES[provider_type].has_places else []) + ["graded"] + grades + extra + ["not_yet_graded"]
    if GOOD_OR_BETTER & set(grades):
        cols.append("pct_good_or_outstanding")
    cols.append("pct_inadequate")
    return cols


def level_columns(level: str) -> list[str]:
    """The EES standard's time and geography columns required at each level."""
    n = {Level.NATIONAL: 5, Level.REGIONAL: 7}.get(level, len(GEOGRAPHY_COLUMNS))
    return GEOGRAPHY_COLUMNS[:n]


def area_keys(level: str) -> list[str]:
    """The geography columns that name one area at a level (none for England)."""
    return {Level.NATIONAL: [], Level.REGIONAL: ["region_code", "region_name"],
            Level.LOCAL_AUTHORITY: ["region_code", "region_name", "new_la_code", "old_la_code", "la_name"]}[level]


def indicators_of(frame: pd.DataFrame) -> list[str]:
    """The indicator columns of a tidy table (by the fields registry)."""
    return [c for c in frame.columns if c in FIELDS and FIELDS[c].role == "indicator"]


def metadata(frame: pd.DataFrame) -> pd.DataFrame:
    """The EES metadata file of a tidy table: its real filters, then its indicators."""
    rows = []
    institution = bool(len(frame)) and "geographic_level" in frame and (frame["geographic_level"] == INSTITUTION).all()
    candidates = INSTITUTION_FILTERS if institution else [c for c in frame.columns if c in FIELDS and FIELDS[c].role == "filter"]
    for c in candidates:
        if c in frame and frame[c].nunique() >= 2 and not frame[c].isna().any():
            f = FIELDS[c]
            rows.append({"col_name": c, "col_type": "Filter", "label": f.label, "indicator_grouping": "",
                         "indicator_unit": "", "indicator_dp": "", "filter_hint": f.description,
                         "filter_grouping_column": ""})
    for c in indicators_of(frame):
        share = FIELDS[c].unit == "%"
        rows.append({"col_name": c, "col_type": "Indicator", "label": FIELDS[c].label,
                     "indicator_grouping": "Shares of graded providers" if share else "Numbers of providers",
                     "indicator_unit": "%" if share else "", "indicator_dp": "1" if share else "0",
                     "filter_hint": "", "filter_grouping_column": ""})
    return pd.DataFrame(rows, columns=META_COLUMNS)
