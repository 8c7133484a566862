"""Trends, comparisons and plain-English sentences that several pages share, computed from the store."""
from __future__ import annotations

import pandas as pd

from outcomes.domain import disclosure
from outcomes.domain.changes import CHANGES, FIRST_TO_LATEST_ILACS, PREVIOUS_RELEASE
from outcomes.domain.fields import TYPES, Counts, Level
from outcomes.domain.frameworks import GRADE_LABELS, breaks_for, old_grades_words
from outcomes.domain.releases import Release
from outcomes.domain.wording import long_date, plural
from outcomes.results.tidy import grade_table, trend_table
from outcomes.store.store import Store


def counts_note(store: Store, release: Release) -> str:
    """What the release's counts cover, in words, where that is not every registered provider
    ('' for a file that lists every provider)."""
    if release.counts != Counts.INSPECTED_ONLY:
        return ""
    nat = store.grades(release.id, Level.NATIONAL)
    if len(nat) and nat["counts_basis"].iloc[0] == Counts.ALL_REGISTERED.label:
        return ("Ofsted's provider-level file for this date lists inspected providers only. England's counts of providers and "
                "places are Ofsted's own count of every active provider (Table 6 of its 2022 children's social care workbook), "
                "the difference being providers not yet inspected; regional and local authority counts are of inspected "
                "providers only. Shares are of graded providers either way.")
    return ("Ofsted's provider-level file for this date lists inspected providers only, and no count of every active provider "
            "is held: every count of providers and places for this date is of inspected providers only. Shares are of graded "
            "providers either way.")


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
    row = store.grades(release.id, Level.LOCAL_AUTHORITY, subtype, la=la_code)
    if row.empty:
        return {}
    ranked = row = row.iloc[0]
    reg = grade_table(store, release, Level.REGIONAL, subtype, region=row["region_code"])
    nat = grade_table(store, release, Level.NATIONAL, subtype)
    rank = ranked.get("rank")
    return {"la": row, "region": reg.iloc[0] if len(reg) else None, "england": nat.iloc[0] if len(nat) else None,
            "rank": int(rank) if pd.notna(rank) else None, "ranked": int(ranked.get("ranked") or 0)}


def sentence(la_name: str, comp: dict, release: Release, subtype: str | None) -> str:
    """'In Leeds, 85.0% of children's homes were good or outstanding as at 31 March 2024, above England's 82.1%.'"""
    la, eng = comp["la"], comp["england"]
    if TYPES[release.provider_type].la_is_provider:
        return _la_level_sentence(la_name, la, eng, release)
    what = plural(subtype, release.provider_type_label)
    registered = "inspected" if la["counts_basis"] == Counts.INSPECTED_ONLY.label else "registered"
    if la["graded"] == 0:
        return f"In {la_name}, {int(la['providers'])} {what} were {registered} as at {long_date(release.as_at)}, none yet graded."
    if pd.isna(la.get("pct_good_or_outstanding")):
        return (f"In {la_name}, {int(la['providers'])} {what} were {registered} as at {long_date(release.as_at)}; the share "
                f"good or outstanding is not shown because fewer than {disclosure.THRESHOLD} were graded, which could "
                "identify a provider (so this area is not ranked).")
    v, e = la["pct_good_or_outstanding"], eng["pct_good_or_outstanding"]
    side = "above" if v > e else "below" if v < e else "the same as"
    old = old_grades_words(release.provider_type, release.as_at)
    if old:
        # Those inspected since have no overall grade; those never inspected are not among them.
        since = la.get("no_overall_grade")
        since = int(since) if since is not None and pd.notna(since) else 0
        return (f"In {la_name}, of the {int(la['graded'])} {what} {old}, {v:.1f}% hold good or outstanding "
                f"({int(la['outstanding'] + la['good'])}), {side} England's {e:.1f}%; {since} "
                f"inspected since then have no overall grade (as at {long_date(release.as_at)}).")
    return (f"In {la_name}, {v:.1f}% of {what} ({int(la['outstanding'] + la['good'])} of {int(la['graded'])} graded) were good or "
            f"outstanding as at {long_date(release.as_at)}, {side} England's {e:.1f}%.")


def _la_level_sentence(la_name: str, la, eng, release: Release) -> str:
    """For inspections of the authority itself: its own grade, then England's share."""
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
            "Inspection started": long_date(g[1]) if g and pd.notna(g[1]) else "",
            "Children's homes good or outstanding (%)": shares.get(c),  # masked at build
        })
    return pd.DataFrame(rows)


def change_sentence(counts: pd.DataFrame, what: str) -> str:
    """'Since the previous release, 3 children's homes improved, 1 declined...' from count rows."""
    n = counts.groupby("change")["n"].sum()
    bits = [f"{int(n[k]):,} {CHANGES[k]}" for k in CHANGES if k in n.index and n[k]]
    if not bits:
        return ""
    return f"{what[:1].upper()}{what[1:]}: " + ", ".join(bits) + "."


def change_lines(store: Store, release: Release, previous: Release | None, la: str | None = None,
                 subtype: str | None = None, what: str = "") -> tuple[list[str], str]:
    """Sentences counting what changed since the previous release (and, for ILACS, since each
    authority's first ILACS inspection), with the framework break they cross ('' when none)."""
    counts = store.by_la("change_counts_by_la", release.id, la or "")  # = query "change_counts" for that LA
    if counts.empty:
        return [], ""
    counts = counts[counts["provider_subtype"].eq(subtype or "")]
    lines, note = [], ""
    kind = TYPES[release.provider_type]
    what = what or plural(subtype, kind.label)
    since = counts[counts["comparison"].eq(PREVIOUS_RELEASE)]
    if not since.empty and previous is not None and since["previous_id"].iloc[0] == previous.id:
        before = f"since the previous release (as at {long_date(previous.as_at)})"
        if la and kind.la_is_provider and len(since) == 1:  # the authority is the one provider
            line = f"{before[:1].upper()}{before[1:]}, this authority's {kind.label.lower()} {CHANGES[since['change'].iloc[0]]}."
        else:
            line = change_sentence(since, f"{before}, {what}")
        if line:
            lines.append(line)
        note = str(since["break_label"].iloc[0] or "")
    ilacs = counts[counts["comparison"].eq(FIRST_TO_LATEST_ILACS)]
    if not ilacs.empty and la:
        lines.append(f"Comparing its first ILACS inspection with its latest, this authority {CHANGES[ilacs['change'].iloc[0]]}.")
    elif not ilacs.empty:
        n = int(ilacs["n"].sum())
        lines.append(change_sentence(ilacs, f"of the {n} local authorities inspected more than once under ILACS, "
                                             "comparing their first ILACS grade with their latest"))
    return lines, note
