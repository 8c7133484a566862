"""What changed since the previous release, provider by provider, computed at build time.

Each provider's overall grade is compared, by URN, with the previous release of the same series
(same provider type and reader), ranked with frameworks.GRADE_RANK. Where a framework break falls
between the two "as at" dates the comparison is kept but labelled (`break_label`), never silently
mixed. For local authority children's services, each authority's first ILACS inspection is also
compared with its latest: the movement Ofsted reports in its LA release ("Of the 65 LAs that
received more than 1 inspection under the ILACS framework, 26 improved...", Ofsted, Local
authority inspection outcomes as at 31 March 2024, main findings).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from outcomes.frameworks import GRADE_RANK, breaks_for
from outcomes.releases import Release

# The words each outcome is shown with, in the order a page lists them.
CHANGES: dict[str, str] = {
    "improved": "improved",
    "declined": "declined",
    "same": "kept the same grade",
    "newly_inspected": "were newly inspected",
    "new_not_yet_inspected": "are new and not yet inspected",
    "not_yet_inspected": "are still not yet inspected",
    "not_comparable": "have grades on scales that cannot be compared",
    "closed_or_left": "closed or left the register",
}
PREVIOUS_RELEASE = "previous_release"
FIRST_TO_LATEST_ILACS = "first_to_latest_ilacs"
ILACS_START = dt.date(2018, 1, 1)  # ILACS replaced the single inspection framework (frameworks.BREAKS)
COUNT_COLUMNS = ["release_id", "comparison", "previous_id", "break_label", "new_la_code", "la_name",
                 "provider_subtype", "change", "n"]


def series_of(release: Release) -> str:
    """Releases compared with each other: same provider type and same reader (as outcomes.build)."""
    return f"{release.provider_type}:{release.reader}"


def previous_of(release: Release, releases: list[Release]) -> Release | None:
    """The latest release of the same series before this one."""
    earlier = [r for r in releases if series_of(r) == series_of(release) and r.as_at < release.as_at]
    return max(earlier, key=lambda r: r.as_at, default=None)


def break_label(provider_type: str, before: dt.date, after: dt.date) -> str:
    """The framework changes between two 'as at' dates, in words ('' when none)."""
    return "; ".join(f"{b.title} ({b.date:%B %Y})" for b in breaks_for(provider_type) if before < b.date <= after)


def classify(previous: str | None, current: str | None, in_previous: bool, in_current: bool) -> str:
    """One provider's change between two releases (grades are canonical grade keys or None)."""
    p, c = GRADE_RANK.get(previous or ""), GRADE_RANK.get(current or "")
    if not in_current:
        return "closed_or_left"
    if not in_previous:
        return "newly_inspected" if c is not None else "new_not_yet_inspected"
    if p is not None and c is not None:
        return "improved" if c < p else "declined" if c > p else "same"
    if c is not None:
        return "newly_inspected" if previous in (None, "not_yet_graded") else "not_comparable"
    if current in (None, "not_yet_graded") and previous in (None, "not_yet_graded"):
        return "not_yet_inspected"
    return "not_comparable"


def provider_changes(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """One row per provider in either release (England only): urn, LA, subtype, both grades, change."""
    keep = ["urn", "new_la_code", "la_name", "provider_subtype", "overall_grade"]
    cur = current[current["in_england"].astype(bool)][keep].drop_duplicates("urn")
    prev = previous[previous["in_england"].astype(bool)][keep].drop_duplicates("urn")
    both = cur.merge(prev, on="urn", how="outer", suffixes=("", "_previous"), indicator=True)
    for col in ("new_la_code", "la_name", "provider_subtype"):  # a closed provider is counted where it was
        both[col] = both[col].where(both[col].notna(), both[f"{col}_previous"])
    both["change"] = [classify(p if isinstance(p, str) else None, c if isinstance(c, str) else None, m != "left_only", m != "right_only")
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
    """Each LA with more than one graded ILACS inspection: first grade, latest grade, change."""
    h = history.copy()
    h["start"] = pd.to_datetime(h["inspection_start_date"], errors="coerce")
    h = h[h["start"].notna() & (h["start"] >= pd.Timestamp(ILACS_START)) & h["overall_grade"].map(lambda g: g in GRADE_RANK)]
    rows = []
    for code, g in h.sort_values("start").groupby("new_la_code"):
        if len(g) < 2:
            continue
        first, latest = g.iloc[0], g.iloc[-1]
        rows.append({"new_la_code": code, "la_name": latest["la_name"], "first_grade": first["overall_grade"],
                     "latest_grade": latest["overall_grade"],
                     "change": classify(first["overall_grade"], latest["overall_grade"], True, True)})
    return pd.DataFrame(rows, columns=["new_la_code", "la_name", "first_grade", "latest_grade", "change"])


def release_counts(store, release: Release, releases: list[Release]) -> pd.DataFrame:
    """Every count of one release's changes (since the previous release; ILACS first to latest)."""
    frames = []
    prev = previous_of(release, releases)
    if prev is not None:
        changes = provider_changes(store.query("provider_rows", release_id=release.id, subtype=None, la=None),
                                   store.query("provider_rows", release_id=prev.id, subtype=None, la=None))
        frames.append(count_changes(changes).assign(comparison=PREVIOUS_RELEASE, previous_id=prev.id,
                                                     break_label=break_label(release.provider_type, prev.as_at, release.as_at)))
    if release.provider_type == "la_childrens_services":
        moves = ilacs_movement(store.query("history_of_release", release_id=release.id))
        if not moves.empty:
            counts = count_changes(moves.assign(provider_subtype=None))
            frames.append(counts[counts["provider_subtype"].eq("")].assign(comparison=FIRST_TO_LATEST_ILACS, previous_id="", break_label=""))
    if not frames:
        return empty_counts()
    return pd.concat(frames, ignore_index=True).assign(release_id=release.id)[COUNT_COLUMNS]


def empty_counts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "n" else "string") for c in COUNT_COLUMNS})


def sentence(counts: pd.DataFrame, what: str) -> str:
    """'Since the previous release, 3 children's homes improved, 1 declined...' from count rows."""
    n = counts.groupby("change")["n"].sum()
    bits = [f"{int(n[k]):,} {CHANGES[k]}" for k in CHANGES if k in n.index and n[k]]
    if not bits:
        return ""
    return f"{what[:1].upper()}{what[1:]}: " + ", ".join(bits) + "."
