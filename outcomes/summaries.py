"""Headlines, trends, comparisons and plain-English sentences, computed from the store."""
from __future__ import annotations

import pandas as pd

from outcomes import disclosure
from outcomes.fields import GEOGRAPHY_COLUMNS, TYPES
from outcomes.frameworks import breaks_for
from outcomes.geography import PREDECESSORS
from outcomes.releases import Release
from outcomes.store import Store
from outcomes.tables import cast_counts, grade_table

SUBTYPE_PLURALS = {
    "Children's home": "children's homes", "Independent fostering agency": "independent fostering agencies",
    "Local authority": "local authorities' children's services",
}


def long_date(d) -> str:
    return f"{d.day} {d:%B %Y}"


def series_releases(store: Store, release: Release) -> list[Release]:
    """Releases that form one time series with `release`: same type and same reader (coverage)."""
    return [r for r in store.releases_of(release.provider_type) if r.reader == release.reader]


def same_area(code: str) -> set[str]:
    """An LA's code and the codes its area had before a change that did not split it (North
    Yorkshire's E10000023, Barnsley's E08000016; Bournemouth and Poole before BCP)."""
    return {code} | {p.ons_code for p in PREDECESSORS if p.successors == (code,)}


def trend_table(store: Store, release: Release, subtype: str | None = None, la: str | None = None,
                region: str | None = None) -> pd.DataFrame:
    """The tidy rows behind a trend: England (and a region and an LA when given) at each release
    of the series. The chart and the download are both drawn from this one frame."""
    las = sorted(same_area(la)) if la else []
    pieces = []
    for r in series_releases(store, release):  # oldest first: England, then the region, then the LA
        pieces.append((r.id, "national", subtype, {}))
        if region:
            pieces.append((r.id, "regional", subtype, {"region": region}))
        if la:
            pieces.append((r.id, "local_authority", subtype, {"las": las}))
    # One take from the serving table, equal to concatenating each piece's store.grades (tested).
    out = store.stacked(pieces, drop=("rank", "ranked"))
    if out.empty:
        return pd.DataFrame()
    # Rows of several levels share one table: every geography column is present (EES standard).
    geo = [c for c in GEOGRAPHY_COLUMNS if c in out or la or region]
    return cast_counts(out.reindex(columns=geo + [c for c in out.columns if c not in GEOGRAPHY_COLUMNS]))


def trend(store: Store, release: Release, subtype: str | None = None, la: str | None = None,
          region: str | None = None) -> pd.DataFrame:
    """Chart form of trend_table: date, value (share good or outstanding), series, graded."""
    t = trend_table(store, release, subtype, la, region)
    if t.empty or "pct_good_or_outstanding" not in t:
        return pd.DataFrame(columns=["date", "value", "series", "graded"])
    series = pd.Series("England", index=t.index)
    if "region_name" in t:
        series = series.mask(t["geographic_level"] == "Regional", t["region_name"])
    if "la_name" in t:
        series = series.mask(t["geographic_level"] == "Local authority", t["la_name"])
    return pd.DataFrame({"date": pd.to_datetime(t["as_at_date"]), "value": t["pct_good_or_outstanding"],
                         "series": series, "graded": t["graded"]})


def breaks_between(provider_type: str, dates: pd.Series) -> pd.DataFrame:
    """Framework breaks that fall inside the span of a trend, for the chart and the words under it."""
    if dates.empty:
        return pd.DataFrame(columns=["date", "label", "explanation"])
    lo, hi = dates.min().date(), dates.max().date()
    rows = [{"date": pd.Timestamp(b.date), "label": b.title, "explanation": b.explanation}
            for b in breaks_for(provider_type) if lo < b.date <= hi]
    return pd.DataFrame(rows, columns=["date", "label", "explanation"])


def comparison(store: Store, release: Release, la_code: str, subtype: str | None = None) -> dict:
    """An LA's figures against its region and England, with its rank among the LAs whose share may
    be shown (1 = highest share; a suppressed LA has no rank: disclosure control at build time)."""
    row = store.grades(release.id, "local_authority", subtype, la=la_code)
    if row.empty:
        return {}
    ranked = row = row.iloc[0]
    reg = grade_table(store, release, "regional", subtype, region=row["region_code"])
    nat = grade_table(store, release, "national", subtype)
    rank = ranked.get("rank")
    return {"la": row, "region": reg.iloc[0] if len(reg) else None, "england": nat.iloc[0] if len(nat) else None,
            "rank": int(rank) if pd.notna(rank) else None, "ranked": int(ranked.get("ranked") or 0)}


def plural(subtype: str | None, provider_type_label: str) -> str:
    if subtype:
        return SUBTYPE_PLURALS.get(subtype, subtype.lower() + (" providers" if not subtype.lower().endswith("s") else ""))
    return provider_type_label[:1].lower() + provider_type_label[1:]


def sentence(la_name: str, comp: dict, release: Release, subtype: str | None) -> str:
    """'In Leeds, 85.0% of children's homes were good or outstanding as at 31 March 2024, above England's 82.1%.'"""
    la, eng = comp["la"], comp["england"]
    if TYPES[release.provider_type].la_is_provider:
        return _la_level_sentence(la_name, la, eng, release)
    what = plural(subtype, release.provider_type_label)
    if la["graded"] == 0:
        return f"In {la_name}, {int(la['providers'])} {what} were registered as at {long_date(release.as_at)}, none yet graded."
    if pd.isna(la.get("pct_good_or_outstanding")):
        return (f"In {la_name}, {int(la['providers'])} {what} were registered as at {long_date(release.as_at)}; the share "
                f"good or outstanding is not shown because fewer than {disclosure.THRESHOLD} were graded, which could "
                "identify a provider (so this area is not ranked).")
    v, e = la["pct_good_or_outstanding"], eng["pct_good_or_outstanding"]
    side = "above" if v > e else "below" if v < e else "the same as"
    return (f"In {la_name}, {v:.1f}% of {what} ({int(la['outstanding'] + la['good'])} of {int(la['graded'])} graded) were good or "
            f"outstanding as at {long_date(release.as_at)}, {side} England's {e:.1f}%.")


def _la_level_sentence(la_name: str, la, eng, release: Release) -> str:
    """For inspections of the authority itself: its own grade, then England's share."""
    from outcomes.frameworks import GRADE_LABELS

    grade = next((g for g in GRADE_LABELS if g in la and la[g]), None)
    when = long_date(release.as_at)
    if release.provider_type == "area_send":
        return (f"{la_name}'s local area partnership for SEND: {GRADE_LABELS[grade].lower()} at its latest inspection under "
                f"the 2023 framework (as at {when}).")
    words = GRADE_LABELS.get(grade, "not graded").lower()
    share = eng.get("pct_good_or_outstanding")
    tail = f"; {share:.1f}% of local authorities in England were good or outstanding" if pd.notna(share) else ""
    return f"{la_name}'s children's services were judged {words} at their latest inspection as at {when}{tail}."


def la_names(store: Store) -> dict[str, str]:
    """LA code -> name, current and former (read once per store)."""
    def make():
        lookup = store.la_lookup()
        return dict(zip(lookup["new_la_code"], lookup["la_name"]))
    return store.memo("la_names", make)


def latest_grades(store: Store, release: Release) -> dict[str, tuple]:
    """LA code -> (overall grade, inspection start) of its first provider row in a release (for
    children's services, the authority's own latest inspection)."""
    def make():
        rows = store.query("provider_rows", release_id=release.id, subtype=None, la=None)
        first = rows.drop_duplicates("new_la_code")
        return dict(zip(first["new_la_code"], zip(first["overall_grade"], first["inspection_start_date"])))
    return store.memo(("latest_grades", release.id), make)


def neighbours(store: Store, codes: list[str]) -> pd.DataFrame:
    """An LA and its statistical neighbours side by side: latest ILACS grade and children's homes share."""
    from outcomes.frameworks import GRADE_LABELS

    names = la_names(store)
    ilacs, homes = store.latest("la_childrens_services"), store.latest("social_care_provider")
    grades = latest_grades(store, ilacs) if ilacs else {}
    shares = store.grades(homes.id, "local_authority", TYPES["social_care_provider"].headline_subtype, las=codes) \
        if homes else pd.DataFrame()
    shares = dict(zip(shares["new_la_code"][::-1], shares["pct_good_or_outstanding"][::-1])) if len(shares) else {}
    rows = []
    for c in codes:
        g = grades.get(c)
        rows.append({
            "la_name": names.get(c, c), "new_la_code": c,
            "Children's services (latest overall)": GRADE_LABELS.get(g[0], "not graded") if g else "not held",
            "Inspection started": pd.Timestamp(g[1]).strftime("%d %b %Y") if g and pd.notna(g[1]) else "",
            "Children's homes good or outstanding (%)": shares.get(c),  # masked at build
        })
    return pd.DataFrame(rows)
