"""Headlines, trends, comparisons and plain-English sentences, computed from the store."""
from __future__ import annotations

import pandas as pd

from outcomes.frameworks import breaks_for
from outcomes.releases import Release
from outcomes.store import Store
from outcomes.tables import grade_table

SUBTYPE_PLURALS = {
    "Children's home": "children's homes", "Independent fostering agency": "independent fostering agencies",
    "Local authority": "local authorities' children's services",
}


def long_date(d) -> str:
    return f"{d.day} {d:%B %Y}"


def series_releases(store: Store, release: Release) -> list[Release]:
    """Releases that form one time series with `release`: same type and same reader (coverage)."""
    return [r for r in store.releases_of(release.provider_type) if r.reader == release.reader]


def trend(store: Store, release: Release, subtype: str | None = None, la: str | None = None,
          region: str | None = None) -> pd.DataFrame:
    """Share good or outstanding for England (and an LA / region when given) at each release date."""
    rows = []
    for r in series_releases(store, release):
        nat = grade_table(store, r, "national", subtype)
        if nat.empty or "pct_good_or_outstanding" not in nat:
            continue
        rows.append({"date": pd.Timestamp(r.as_at), "value": nat["pct_good_or_outstanding"].iloc[0], "series": "England", "graded": nat["graded"].iloc[0]})
        if region:
            reg = grade_table(store, r, "regional", subtype, region=region)
            if len(reg):
                rows.append({"date": pd.Timestamp(r.as_at), "value": reg["pct_good_or_outstanding"].iloc[0],
                             "series": reg["region_name"].iloc[0], "graded": reg["graded"].iloc[0]})
        if la:
            t = grade_table(store, r, "local_authority", subtype, la=la)
            if len(t):
                rows.append({"date": pd.Timestamp(r.as_at), "value": t["pct_good_or_outstanding"].iloc[0],
                             "series": t["la_name"].iloc[0], "graded": t["graded"].iloc[0]})
    return pd.DataFrame(rows, columns=["date", "value", "series", "graded"])


def breaks_between(provider_type: str, dates: pd.Series) -> pd.DataFrame:
    """Framework breaks that fall inside the span of a trend, for the chart and the words under it."""
    if dates.empty:
        return pd.DataFrame(columns=["date", "label", "explanation"])
    lo, hi = dates.min().date(), dates.max().date()
    rows = [{"date": pd.Timestamp(b.date), "label": b.title, "explanation": b.explanation}
            for b in breaks_for(provider_type) if lo < b.date <= hi]
    return pd.DataFrame(rows, columns=["date", "label", "explanation"])


def comparison(store: Store, release: Release, la_code: str, subtype: str | None = None) -> dict:
    """An LA's figures against its region and England, with its rank among LAs (1 = highest share)."""
    las = grade_table(store, release, "local_authority", subtype)
    row = las[las["new_la_code"] == la_code]
    if row.empty:
        return {}
    row = row.iloc[0]
    reg = grade_table(store, release, "regional", subtype, region=row["region_code"])
    nat = grade_table(store, release, "national", subtype).iloc[0]
    out = {"la": row, "region": reg.iloc[0] if len(reg) else None, "england": nat, "rank": None, "ranked": 0}
    if "pct_good_or_outstanding" in las and pd.notna(row["pct_good_or_outstanding"]):
        ranked = las.dropna(subset=["pct_good_or_outstanding"])
        out["rank"] = int((ranked["pct_good_or_outstanding"] > row["pct_good_or_outstanding"]).sum()) + 1
        out["ranked"] = len(ranked)
    return out


def plural(subtype: str | None, provider_type_label: str) -> str:
    if subtype:
        return SUBTYPE_PLURALS.get(subtype, subtype.lower() + (" providers" if not subtype.lower().endswith("s") else ""))
    return provider_type_label[:1].lower() + provider_type_label[1:]


def sentence(la_name: str, comp: dict, release: Release, subtype: str | None) -> str:
    """'In Leeds, 85.0% of children's homes were good or outstanding as at 31 March 2024, above England's 82.1%.'"""
    la, eng = comp["la"], comp["england"]
    if release.provider_type in ("la_childrens_services", "area_send"):
        return _la_level_sentence(la_name, la, eng, release)
    what = plural(subtype, release.provider_type_label)
    if pd.isna(la.get("pct_good_or_outstanding")):
        return f"In {la_name}, {int(la['providers'])} {what} were registered as at {long_date(release.as_at)}, none yet graded."
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
