"""The serving tables: everything a page shows, computed once at build time.

A page run on release day must only read small tables, so `make data` writes, for every built
release (published or still under embargo: the store filters by publication time when it reads):
- grades.parquet: grade counts and shares at every level (national, regional, local authority)
  for every subtype and for all of them together, disclosure-controlled (outcomes.domain.disclosure),
  with each LA's rank among the LAs whose share may be shown;
- judgement_counts.parquet: sub-judgement counts per release and subtype (England);
- change_counts.parquet: what changed since the previous release, by LA and subtype (outcomes.build.changes).
Written atomically (outcomes.atomic), so a running site never reads half a file. Each row carries
the `build_id` of the release folder it was computed from: a build cut short between writing a
release and these tables leaves rows that no longer match their folder, and the store then makes
that release's rows itself (`release_rows`), so a release always reads as one build (issue 20).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from outcomes import atomic, settings
from outcomes.build import changes, layout, national_counts
from outcomes.domain import disclosure, ees
from outcomes.domain.fields import AREA_LEVELS, GEOGRAPHY_COLUMNS, Counts, Level
from outcomes.domain.frameworks import BAD_GRADES, GOOD_OR_BETTER, GRADED
from outcomes.domain.geography import ENGLAND
from outcomes.domain.releases import Release, load_catalogue, previous_of

ALL = ""  # subtype key of the all-subtypes rows (NULL would not match an equality filter)
# Grades in the denominator of a share besides the four-point ones: area SEND's 2023 scale.
_SEND_GRADED = ("positive", "inconsistent", "widespread_failings")

# The build's own queries over the built release tables. Parameters are bound, never formatted in.
QUERIES = {
    "grade_counts_by_subtype": """
        SELECT p.region_code, p.region_name, p.new_la_code, p.old_la_code, p.la_name, p.provider_subtype,
               coalesce(p.overall_grade, 'not_yet_graded') AS grade, count(*) AS n
        FROM providers p
        WHERE p.release_id = $release_id AND p.in_england
        GROUP BY ALL ORDER BY ALL""",
    # Registered places by area and subtype (NULL where no provider has places recorded).
    "places_by_subtype": """
        SELECT p.region_code, p.new_la_code, p.provider_subtype, sum(p.places) AS registered_places
        FROM providers p
        WHERE p.release_id = $release_id AND p.in_england
        GROUP BY ALL ORDER BY ALL""",
    "judgement_counts_by_subtype": """
        SELECT p.provider_subtype, j.judgement, j.judgement_label, j.grade, count(*) AS n
        FROM judgements j JOIN providers p ON p.release_id = j.release_id AND p.urn = j.urn
        WHERE j.release_id = $release_id AND p.in_england
        GROUP BY ALL ORDER BY ALL""",
    "provider_rows": """SELECT * FROM providers WHERE release_id = $release_id ORDER BY la_name NULLS LAST, urn""",
    "history_of_release": """SELECT * FROM history WHERE release_id = $release_id ORDER BY new_la_code, inspection_start_date""",
}


class BuiltData:
    """Every built release under a data folder, embargoed or superseded, in an in-memory DuckDB
    database: what the serving tables are computed from (one thread, at build time). `folders`
    ({id: built folder}) names the releases and where each is instead (the store's repairs)."""

    def __init__(self, data_dir: Path, catalogue: list[Release] | None = None, folders: dict[str, Path] | None = None):
        cat = catalogue if catalogue is not None else load_catalogue()
        self.folders = folders if folders is not None else layout.built_folders(data_dir, cat)
        self.releases = sorted((r for r in cat if r.id in self.folders), key=lambda r: (r.provider_type, r.as_at))
        self.data_dir = Path(data_dir)
        self._con = duckdb.connect()
        layout.load_release_tables(self._con, {r.id: self.folders[r.id] for r in self.releases})

    def query(self, name: str, **params) -> pd.DataFrame:
        sql = QUERIES[name]
        return self._con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).df()


def compute_grade_table(counts: pd.DataFrame, release: Release, level: str, subtype: str | None = None,
                        places: pd.DataFrame | None = None, national: pd.DataFrame | None = None) -> pd.DataFrame:
    """Numeric tidy table of grade counts and shares at one level, from a release's grade counts
    (query `grade_counts_by_subtype`) and registered places (`places_by_subtype`); shares are not
    yet masked. `national`: Ofsted's own national counts (outcomes.build.national_counts)."""
    if subtype is not None:
        counts = counts[counts["provider_subtype"] == subtype]
        places = places[places["provider_subtype"] == subtype] if places is not None else None
    counts = counts.drop(columns=["provider_subtype"], errors="ignore")
    cols = ees.indicator_columns(release.provider_type, counts)
    keys = ees.area_keys(level)
    end = ees.level_columns(level) + ["as_at_date", "provider_type", "provider_subtype", "counts_basis"]
    if counts.empty or (level != Level.NATIONAL and counts["new_la_code"].isna().all()):
        return pd.DataFrame(columns=end + cols)
    pivot = counts.pivot_table(index=keys or None, columns="grade", values="n", aggfunc="sum", fill_value=0) if keys else \
        counts.groupby("grade")["n"].sum().to_frame().T
    pivot = pivot.reset_index(drop=not keys)
    pivot.columns.name = None
    for g in cols:
        if g not in pivot and g not in ("providers", "graded", "pct_good_or_outstanding", "pct_inadequate"):
            pivot[g] = 0
    grade_cols = [c for c in pivot.columns if c not in keys and c not in ("index",)]
    pivot["providers"] = pivot[grade_cols].sum(axis=1)
    graded_cols = [g for g in grade_cols if g in GRADED or g in _SEND_GRADED]
    pivot["graded"] = pivot[graded_cols].sum(axis=1) if graded_cols else 0
    good = [g for g in graded_cols if g in GOOD_OR_BETTER]
    bad = [g for g in graded_cols if g in BAD_GRADES]
    denominator = pivot["graded"].where(pivot["graded"] > 0)
    if "pct_good_or_outstanding" in cols:
        pivot["pct_good_or_outstanding"] = (100 * pivot[good].sum(axis=1) / denominator).round(1)
    pivot["pct_inadequate"] = (100 * pivot[bad].sum(axis=1) / denominator).round(1) if bad else float("nan")
    out = pivot.copy()
    if "registered_places" in cols:
        out["registered_places"] = _places(out, keys, places)
    out["counts_basis"] = release.counts.label
    if level == Level.NATIONAL and national is not None:
        out = _with_national_counts(out, national, subtype, cols)
    for c, v in ees.time_columns(release.as_at).items():
        out[c] = v
    out["geographic_level"] = Level(level).label
    out["country_code"], out["country_name"] = ENGLAND
    for c in GEOGRAPHY_COLUMNS:
        if c not in out:
            out[c] = None
    out["provider_type"] = release.provider_type
    out["provider_subtype"] = subtype or "All"
    if level == Level.LOCAL_AUTHORITY:
        out = out.sort_values(["region_name", "la_name"])
    elif level == Level.REGIONAL:
        out = out.sort_values("region_name")
    return out[end + cols].reset_index(drop=True)


def _places(table: pd.DataFrame, keys: list[str], places: pd.DataFrame | None) -> pd.Series:
    """Registered places of each area of the table (NA where the file gives none)."""
    if places is None or places.empty:
        return pd.Series(pd.NA, index=table.index, dtype="Int64")
    code = {Level.REGIONAL: "region_code", Level.LOCAL_AUTHORITY: "new_la_code"}
    by = next((code[lv] for lv in (Level.LOCAL_AUTHORITY, Level.REGIONAL) if code[lv] in keys), None)
    if by is None:
        return pd.Series(places["registered_places"].sum(min_count=1), index=table.index).astype("Int64")
    sums = places.groupby(by, dropna=False)["registered_places"].sum(min_count=1)
    return table[by].map(sums).astype("Int64")


def _with_national_counts(row: pd.DataFrame, national: pd.DataFrame, subtype: str | None, cols: list[str]) -> pd.DataFrame:
    """England's row with Ofsted's own counts of every active provider: providers and places from
    its series, the difference from the file counted as not yet inspected; shares unchanged."""
    theirs = national[national["provider_subtype"] == (subtype or national_counts.ALL)]
    if theirs.empty:
        return row
    t = theirs.iloc[0]
    out = row.copy()
    extra = int(t["providers"]) - int(out["providers"].iloc[0])
    out["providers"] = int(t["providers"])
    out["not_yet_graded"] = int(out["not_yet_graded"].iloc[0]) + extra
    if "registered_places" in cols and pd.notna(t["places"]):
        out["registered_places"] = int(t["places"])
    out["counts_basis"] = Counts.ALL_REGISTERED.label
    return out


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    """Rank 1 = highest share good or outstanding; suppressed or ungraded LAs are not ranked."""
    out = table.copy()
    if "pct_good_or_outstanding" in out:
        shares = out["pct_good_or_outstanding"]
        out["rank"] = shares.rank(method="min", ascending=False).astype("Int64")
        out["ranked"] = int(shares.notna().sum())
    else:
        out["rank"], out["ranked"] = pd.NA, 0
    return out


def grade_rows(data: BuiltData, release: Release) -> pd.DataFrame:
    """Every level x subtype table of one release, masked and ranked, stacked long."""
    counts = data.query("grade_counts_by_subtype", release_id=release.id)
    places = data.query("places_by_subtype", release_id=release.id)
    national = national_counts.load(data.folders[release.id])
    subtypes = [None] + sorted(s for s in counts["provider_subtype"].dropna().unique())
    frames = []
    for subtype in subtypes:
        for level in AREA_LEVELS:
            table = compute_grade_table(counts, release, level, subtype, places, national)
            columns = ",".join(table.columns)
            if table.empty:
                continue
            table = disclosure.mask(table, level)
            if level == Level.LOCAL_AUTHORITY:
                table = _ranked(table)
            frames.append(table.assign(release_id=release.id, level=str(level), subtype_key=subtype or ALL, columns=columns))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _judgement_counts(data: BuiltData, release: Release) -> pd.DataFrame | None:
    jc = data.query("judgement_counts_by_subtype", release_id=release.id)
    if jc.empty:
        return None
    everything = jc.groupby(["judgement", "judgement_label", "grade"], as_index=False, dropna=False)["n"].sum()
    jc = pd.concat([jc, everything.assign(provider_subtype=None)], ignore_index=True)
    return jc.assign(release_id=release.id, subtype_key=jc["provider_subtype"].fillna(ALL))


def release_rows(data: BuiltData, release: Release) -> dict[str, pd.DataFrame]:
    """One release's rows of each serving table ({file name: rows}), stamped with its folder's build id."""
    stamp = layout.build_id(data.folders[release.id])
    rows = {layout.GRADES: grade_rows(data, release), layout.JUDGEMENT_COUNTS: _judgement_counts(data, release),
            layout.CHANGE_COUNTS: changes.release_counts(data, release, data.releases)}
    return {name: frame.assign(build_id=stamp) for name, frame in rows.items() if frame is not None and not frame.empty}


def rows_of(data_dir: Path, catalogue: list[Release], release: Release, folder: Path) -> dict[str, pd.DataFrame]:
    """One release's serving rows made from `folder` (the store's repair, when the tables on disk
    were made from another build of it), its changes counted against the previous release as the
    build counts them."""
    built = layout.built_folders(data_dir, catalogue) | {release.id: Path(folder)}
    previous = previous_of(release, [r for r in catalogue if r.id in built])
    wanted = [release.id] + ([previous.id] if previous else [])
    return release_rows(BuiltData(data_dir, catalogue, {i: built[i] for i in wanted}), release)


def build(data_dir: Path, progress=None, catalogue: list[Release] | None = None) -> Path:
    """Write the serving tables for every built release under data_dir."""
    data = BuiltData(Path(data_dir), catalogue)
    tables: dict[str, list[pd.DataFrame]] = {layout.GRADES: [], layout.JUDGEMENT_COUNTS: [],
                                             layout.CHANGE_COUNTS: [changes.empty_counts().assign(build_id="")]}
    for release in (progress(data.releases) if progress else data.releases):
        for name, rows in release_rows(data, release).items():
            tables[name].append(rows)
    folder = settings.serving_dir(data_dir)
    empty = {layout.GRADES: GRADE_KEYS + ["providers"], layout.JUDGEMENT_COUNTS: JUDGEMENT_KEYS}
    for name, frames in tables.items():
        frame = pd.concat(frames, ignore_index=True) if frames else _empty(empty[name] + ["build_id"])
        atomic.write_parquet(frame, folder / name)
    return folder


GRADE_KEYS = ["release_id", "level", "subtype_key", "columns", "region_code", "new_la_code"]
JUDGEMENT_KEYS = ["release_id", "subtype_key", "provider_subtype", "judgement", "judgement_label", "grade", "n"]


def _empty(columns: list[str]) -> pd.DataFrame:
    """A table with no rows but every column the store's queries name."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("n", "providers") else "string") for c in columns})
