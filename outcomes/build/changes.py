"""What changed since the previous release, provider by provider, counted at build time (the rules
of what counts as a change are outcomes.domain.changes; the counts are the serving table
change_counts.parquet)."""
from __future__ import annotations

import pandas as pd

from outcomes.build.canonical import placed_start
from outcomes.domain.changes import FIRST_TO_LATEST_ILACS, ILACS_START, PREVIOUS_RELEASE, classify
from outcomes.domain.fields import CHANGE_COUNT_COLUMNS, TYPES, Counts
from outcomes.domain.frameworks import GRADE_RANK, break_label
from outcomes.domain.releases import Release, previous_of


def provider_changes(current: pd.DataFrame, previous: pd.DataFrame, current_inspected_only: bool = False,
                     previous_inspected_only: bool = False) -> pd.DataFrame:
    """One row per provider in either release (England only): urn, LA, subtype, both grades, change
    (a file of inspected providers only limits what can be followed: domain.changes.classify)."""
    keep = ["urn", "new_la_code", "la_name", "provider_subtype", "overall_grade"]
    cur = current[current["in_england"].astype(bool)][keep].drop_duplicates("urn")
    prev = previous[previous["in_england"].astype(bool)][keep].drop_duplicates("urn")
    both = cur.merge(prev, on="urn", how="outer", suffixes=("", "_previous"), indicator=True)
    for col in ("new_la_code", "la_name", "provider_subtype"):  # a closed provider is counted where it was
        both[col] = both[col].where(both[col].notna(), both[f"{col}_previous"])
    both["change"] = [classify(p if isinstance(p, str) else None, c if isinstance(c, str) else None, m != "left_only",
                               m != "right_only", previous_inspected_only, current_inspected_only)
                      for p, c, m in zip(both["overall_grade_previous"], both["overall_grade"], both["_merge"])]
    return both.rename(columns={"overall_grade_previous": "previous_grade"})[
        ["urn", "new_la_code", "la_name", "provider_subtype", "previous_grade", "overall_grade", "change"]]


def count_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """Counts by LA and subtype, with all-subtype rows (subtype '') and England rows (LA code '')."""
    frame = changes.assign(provider_subtype=changes["provider_subtype"].fillna(""),
                           new_la_code=changes["new_la_code"].fillna(""), la_name=changes["la_name"].fillna(""))
    parts = []
    for by_la in (True, False):
        for by_subtype in (True, False):
            f = frame.copy()
            if not by_la:
                f["new_la_code"], f["la_name"] = "", "England"
            if not by_subtype:
                f["provider_subtype"] = ""
            parts.append(f.groupby(["new_la_code", "la_name", "provider_subtype", "change"], as_index=False).size())
    out = pd.concat(parts, ignore_index=True).rename(columns={"size": "n"})
    return out[out["new_la_code"].ne("") | out["la_name"].eq("England")].drop_duplicates()


def ilacs_movement(history: pd.DataFrame) -> pd.DataFrame:
    """Each LA with more than one graded ILACS inspection: first grade, latest grade, change. An
    inspection the sources hold without a start date is placed by its publication (placed_start);
    SIF inspections, including re-inspections published after ILACS began, are left out."""
    h = history.copy()
    h["start"] = placed_start(h, TYPES["la_childrens_services"].report_lag_days)
    sif = h["inspection_type"].fillna("").str.startswith("Single inspection framework")
    h = h[h["start"].notna() & (h["start"] >= pd.Timestamp(ILACS_START)) & ~sif & h["overall_grade"].map(lambda g: g in GRADE_RANK)]
    rows = []
    for code, g in h.sort_values("start").groupby("new_la_code"):
        if len(g) < 2:
            continue
        first, latest = g.iloc[0], g.iloc[-1]
        rows.append({"new_la_code": code, "la_name": latest["la_name"], "first_grade": first["overall_grade"],
                     "latest_grade": latest["overall_grade"],
                     "change": classify(first["overall_grade"], latest["overall_grade"], True, True)})
    return pd.DataFrame(rows, columns=["new_la_code", "la_name", "first_grade", "latest_grade", "change"])


def release_counts(data, release: Release, releases: list[Release]) -> pd.DataFrame:
    """Every count of one release's changes (since the previous release; ILACS first to latest)."""
    frames = []
    prev = previous_of(release, releases)
    if prev is not None:
        changes = provider_changes(data.query("provider_rows", release_id=release.id),
                                   data.query("provider_rows", release_id=prev.id),
                                   release.counts == Counts.INSPECTED_ONLY, prev.counts == Counts.INSPECTED_ONLY)
        frames.append(count_changes(changes).assign(comparison=PREVIOUS_RELEASE, previous_id=prev.id,
                                                     break_label=break_label(release.provider_type, prev.as_at, release.as_at)))
    if release.provider_type == "la_childrens_services":
        moves = ilacs_movement(data.query("history_of_release", release_id=release.id))
        if not moves.empty:
            counts = count_changes(moves.assign(provider_subtype=None))
            frames.append(counts[counts["provider_subtype"].eq("")].assign(comparison=FIRST_TO_LATEST_ILACS, previous_id="", break_label=""))
    if not frames:
        return empty_counts()
    return pd.concat(frames, ignore_index=True).assign(release_id=release.id)[CHANGE_COUNT_COLUMNS]


def empty_counts() -> pd.DataFrame:
    """The change counts table with no rows (typed as the serving table stores it)."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "n" else "string") for c in CHANGE_COUNT_COLUMNS})
