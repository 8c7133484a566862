"""Tables in the Explore Education Statistics (EES) open data standard, as DfE's screener checks them.

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

from outcomes.fields import FIELDS
from outcomes.releases import Release
from outcomes.store import Store
from outcomes.tables import grade_table, level_columns, provider_table

TOTAL = "Total"
INSTITUTION = "Institution"
META_COLUMNS = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                "filter_hint", "filter_grouping_column"]
# Columns of a provider-level (Institution) file that are categories a reader filters by.
INSTITUTION_FILTERS = ("provider_subtype", "overall_grade")


def _indicators(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c in FIELDS and FIELDS[c].role == "indicator"]


def aggregate_table(store: Store, release: Release, level: str, subtype: str | None = None,
                    region: str | None = None, la: str | None = None) -> pd.DataFrame:
    """Numeric tidy table at one level with every area x subtype combination and Total rows.

    With `subtype`, only that subtype's rows (the file then has no subtype filter)."""
    subtypes = sorted(store.query("subtypes", release_id=release.id)["provider_subtype"])
    if subtype:
        return grade_table(store, release, level, subtype, region, la)
    total = total_table(store, release, level, region, la)
    if len(subtypes) < 2:  # one subtype (e.g. "Local authority") is the Total itself: not a filter
        return total
    indicators = _indicators(total)
    areas = total[[c for c in total.columns if c not in indicators and c != "provider_subtype"]]
    keys = [c for c in level_columns(level) if c in areas]
    frames = [total]
    for s in subtypes:
        part = grade_table(store, release, level, s, region, la)
        # An area with none of this subtype still gets its row: counts 0, shares 'z' (no graded).
        values = part[keys + [c for c in indicators if c in part]]
        part = areas.merge(values, on=keys, how="left") if keys else \
            pd.concat([areas.reset_index(drop=True), values.reset_index(drop=True)], axis=1)
        part["provider_subtype"] = s
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)[total.columns]
    counts = [c for c in indicators if not c.startswith("pct_")]
    out[counts] = out[counts].fillna(0).astype("int64")
    return out.reset_index(drop=True)


def total_table(store: Store, release: Release, level: str, region: str | None = None, la: str | None = None) -> pd.DataFrame:
    """The Total rows alone: every subtype together, one row per area."""
    total = grade_table(store, release, level, None, region, la)
    total["provider_subtype"] = TOTAL
    return total


def institution_table(store: Store, release: Release, subtype: str | None = None, la: str | None = None) -> pd.DataFrame:
    """Provider rows at the EES Institution level: the URN and name are the level's columns."""
    out = provider_table(store, release, subtype, la).rename(columns={"urn": "institution_id", "provider_name": "institution_name"})
    out["geographic_level"] = INSTITUTION
    # The Institution level needs a name on every row; a source with no names (the GIAS-derived
    # schools file) gets the GSS wording for a value the source does not give.
    out["institution_name"] = out["institution_name"].fillna("Not available").replace("", "Not available")
    # The screener fails a column with no value at all (fileValidation.r data_empty_cols): some
    # sources publish no geography, inspection number or publication date, so such a column is
    # left out (the five mandatory columns are always filled).
    empty = [c for c in out.columns if out[c].isna().all() or out[c].astype(str).eq("").all()]
    return out.drop(columns=empty)


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
    for c in _indicators(frame):
        share = FIELDS[c].unit == "%"
        rows.append({"col_name": c, "col_type": "Indicator", "label": FIELDS[c].label,
                     "indicator_grouping": "Shares of graded providers" if share else "Numbers of providers",
                     "indicator_unit": "%" if share else "", "indicator_dp": "1" if share else "0",
                     "filter_hint": "", "filter_grouping_column": ""})
    return pd.DataFrame(rows, columns=META_COLUMNS)
