"""The tidy tables every view, download and export shares: one function turns a view's state into its
table; the page draws it, the CSV serialises the same frame (the datasette pattern).

Tables follow the Explore Education Statistics open data standard (outcomes.domain.ees): time and
geography columns first, then filters, then indicators. They are read from the serving tables the
build made, so a table is a few dictionary lookups. The published form carries the GSS symbols
(z, c) in place of numbers (outcomes.domain.disclosure); the numeric form feeds the charts.
"""
from __future__ import annotations

import pandas as pd

from outcomes.domain import disclosure, ees
from outcomes.domain.fields import GEOGRAPHY_COLUMNS, Level
from outcomes.domain.frameworks import overall_grades_ended
from outcomes.domain.geography import ENGLAND, WALES, same_area
from outcomes.domain.releases import Release
from outcomes.store.store import Store, cast_counts

TABLE_END = ["as_at_date", "provider_type", "provider_subtype", "counts_basis"]


def empty_grade_table(release: Release, level: str) -> pd.DataFrame:
    return pd.DataFrame(columns=ees.level_columns(level) + TABLE_END + ees.indicator_columns(release.provider_type))


def grade_table(store: Store, release: Release, level: str, subtype: str | None = None,
                region: str | None = None, la: str | None = None) -> pd.DataFrame:
    """Tidy table of grade counts and shares at one level, read from the precomputed serving table.
    Shares that disclosure control withholds are blank (NaN); disclosure.published makes them symbols."""
    rows = store.grades(release.id, level, subtype, region, la)
    if rows.empty:
        return empty_grade_table(release, level)
    ranks = [c for c in ("rank", "ranked") if c in rows]  # LA tables only: drop copies every column
    return rows.drop(columns=ranks) if ranks else rows


def provider_table(store: Store, release: Release, subtype: str | None = None, la: str | None = None) -> pd.DataFrame:
    """One row per provider: URN, name as published (REDACTED stays), type, LA, latest inspection."""
    rows = store.query("provider_rows", release_id=release.id, subtype=subtype, la=la)
    times = ees.time_columns(release.as_at)
    return pd.DataFrame({
        "time_period": times["time_period"], "time_identifier": times["time_identifier"],
        "geographic_level": Level.PROVIDER.label, "country_code": [ENGLAND[0] if e else WALES[0] for e in rows["in_england"]],
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
    indicators = ees.indicators_of(total)
    areas = total[[c for c in total.columns if c not in indicators and c != "provider_subtype"]]
    keys = [c for c in ees.level_columns(level) if c in areas]
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
    total["provider_subtype"] = ees.TOTAL
    return total


def institution_table(store: Store, release: Release, subtype: str | None = None, la: str | None = None) -> pd.DataFrame:
    """Provider rows at the EES Institution level: the URN and name are the level's columns."""
    out = provider_table(store, release, subtype, la).rename(columns={"urn": "institution_id", "provider_name": "institution_name"})
    out["geographic_level"] = ees.INSTITUTION
    # The Institution level needs a name on every row; a source with no names (the GIAS-derived
    # schools file) gets the GSS wording for a value the source does not give.
    out["institution_name"] = out["institution_name"].fillna("Not available").replace("", "Not available")
    # The screener fails a column with no value at all (fileValidation.r data_empty_cols): some
    # sources publish no geography, inspection number or publication date, so such a column is
    # left out (the five mandatory columns are always filled).
    empty = [c for c in out.columns if out[c].isna().all() or out[c].astype(str).eq("").all()]
    return out.drop(columns=empty)


def series_releases(store: Store, release: Release) -> list[Release]:
    """Releases that form one time series with `release` (Release.series), oldest first. A release
    after a break that ended overall grades (schools from September 2024) is on no trend with earlier
    ones: its shares are of providers still holding an old grade, not the same measure."""
    ended = overall_grades_ended(release.provider_type, release.as_at)
    return [r for r in store.releases_of(release.provider_type) if r.series == release.series
            and overall_grades_ended(r.provider_type, r.as_at) == ended]


def trend_table(store: Store, release: Release, subtype: str | None = None, la: str | None = None,
                region: str | None = None) -> pd.DataFrame:
    """The tidy rows behind a trend: England (and a region and an LA when given) at each release
    of the series. The chart and the download are both drawn from this one frame."""
    las = sorted(same_area(la)) if la else []
    pieces = []
    for r in series_releases(store, release):  # oldest first: England, then the region, then the LA
        pieces.append((r.id, Level.NATIONAL, subtype, {}))
        if region:
            pieces.append((r.id, Level.REGIONAL, subtype, {"region": region}))
        if la:
            pieces.append((r.id, Level.LOCAL_AUTHORITY, subtype, {"las": las}))
    # One take from the serving table, equal to concatenating each piece's store.grades (tested).
    out = store.stacked(pieces, drop=("rank", "ranked"))
    if out.empty:
        return pd.DataFrame()
    # Rows of several levels share one table: every geography column is present (EES standard).
    geo = [c for c in GEOGRAPHY_COLUMNS if c in out or la or region]
    return cast_counts(out.reindex(columns=geo + [c for c in out.columns if c not in GEOGRAPHY_COLUMNS]))


Frames = tuple[pd.DataFrame, pd.DataFrame]  # a table's data and its EES metadata


def trend_frames(store: Store, release: Release, subtype: str | None = None, la: str | None = None,
                 region: str | None = None) -> Frames:
    """A trend's tidy rows (every release of the series) in their published form, and metadata."""
    data = trend_table(store, release, subtype, la, region)
    data = disclosure.published(data) if not data.empty else data  # each row by its own level
    return data, ees.metadata(data)


def export_frames(store: Store, release: Release, level: str, subtype: str | None = None,
                  region: str | None = None, la: str | None = None, every_subtype: bool = True) -> Frames:
    """The tidy data and metadata frames of a view: the single code path for screen and CSV.

    Every filter combination with Total rows (EES standard); provider rows at the Institution level.
    every_subtype=False: with no subtype chosen, the Total rows only: what a page's table shows
    beside its chart or map (the whole file, every subtype, is the release's own download)."""
    if level == Level.PROVIDER:
        data = institution_table(store, release, subtype, la)
    elif subtype is None and not every_subtype:
        data = disclosure.published(total_table(store, release, level, region, la), level)
    else:
        data = disclosure.published(aggregate_table(store, release, level, subtype, region, la), level)
    return data, ees.metadata(data)


def view_frames(store: Store, releases: list[Release], level: str, subtype: str | None = None,
                las: list[str] | None = None) -> Frames:
    """The data page's table: each release's export table, stacked, filtered to the chosen LAs."""
    frames = []
    for r in releases:
        data, _ = export_frames(store, r, level, subtype)
        if las and "new_la_code" in data:
            data = data[data["new_la_code"].isin(las)]
        frames.append(data)
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return data, ees.metadata(data)
