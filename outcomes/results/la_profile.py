"""What the local authority profile shows, as plain data: every provider type there against its
region and England, the authority's own inspections, what changed, and its statistical neighbours."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from outcomes.domain import geography
from outcomes.domain.fields import TYPES, Level
from outcomes.domain.frameworks import GRADE_LABELS, no_grade_words, old_grades_words
from outcomes.domain.releases import Release, previous_of
from outcomes.domain.wording import long_date, plural
from outcomes.results import charts, six_months, summaries
from outcomes.results.charts import Chart
from outcomes.store.store import Store


@dataclass
class TypeBlock:
    """One provider type on an LA profile."""
    provider_type: str
    heading: str
    release: Release
    subtype: str | None
    la_code: str                       # the code the release uses for this area (may be an older one)
    sentence: str = ""                 # the plain-English summary line
    own_grade_text: str = ""           # LA-level types: the authority's own grade against others
    comparison: Chart | None = None
    trend: Chart | None = None
    breaks: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class LaProfile:
    code: str
    name: str
    caption: str
    region_code: str
    former: bool = False
    former_note: str = ""
    successors: list[tuple[str, str]] = field(default_factory=list)
    split_from: list[tuple[str, str]] = field(default_factory=list)  # (code, name) of authorities it came from
    former_trend: Chart | None = None
    former_trend_release: Release | None = None
    summary: list[str] = field(default_factory=list)
    ilacs_latest: str = ""
    ilacs_history: pd.DataFrame | None = None
    ilacs_points: pd.DataFrame | None = None  # its judgement at each six-monthly release, and its inspections in each period
    blocks: list[TypeBlock] = field(default_factory=list)
    neighbours: pd.DataFrame | None = None
    changes: list[str] = field(default_factory=list)  # what changed since the previous release, in words
    change_notes: list[str] = field(default_factory=list)  # framework breaks those comparisons cross


ILACS_JUDGEMENTS = {"impact_of_leaders": "Impact of leaders", "help_and_protection": "Help and protection",
                    "in_care": "Children in care", "care_leavers": "Care leavers"}


def ilacs_history(store: Store, release: Release, code: str) -> tuple[str, pd.DataFrame | None]:
    """An authority's children's services inspections for people: a sentence and a table."""
    hist = store.by_la("history_by_la", release.id, code)  # = query "history_of" for that LA
    if hist.empty:
        return "", None
    latest = hist.iloc[0]
    report = latest.get("report_url")
    line = (f"Latest: **{GRADE_LABELS.get(latest['overall_grade'], 'not graded')}** overall, inspection starting "
            f"{long_date(latest['inspection_start_date'])}" + (f" ([report]({report}))" if isinstance(report, str) else "") + ".")
    cols = [c for c in ILACS_JUDGEMENTS if c in hist]
    table = pd.DataFrame({"Inspection start": hist["inspection_start_date"].map(long_date),
                          "Published": hist["publication_date"].map(long_date),
                          "Type": hist["inspection_type"].fillna("—"),
                          "Overall effectiveness": hist["overall_grade"].map(lambda g: GRADE_LABELS.get(g, "—") if isinstance(g, str) else "—")})
    for c in cols:
        table[ILACS_JUDGEMENTS[c]] = hist[c].map(lambda g: GRADE_LABELS.get(g, "—") if isinstance(g, str) else "—")
    if "report_url" in hist:
        table["Report"] = hist["report_url"].where(hist["report_url"].notna(), None)
    return line, table


def _trend_chart(store: Store, release: Release, subtype: str | None, la: str, region: str, la_name: str) -> tuple[Chart | None, list]:
    data = summaries.trend(store, release, subtype, la, region)
    if data["date"].nunique() < 2:
        return None, []
    what = plural(subtype, release.provider_type_label)
    desc = f"Line chart of the share of {what} good or outstanding in {la_name}, its region and England at each release."
    breaks = summaries.breaks_between(release.provider_type, data["date"])
    old = old_grades_words(release.provider_type, release.as_at)  # after a break that ended overall grades
    title = f"{what.capitalize()} good or outstanding over time: {la_name}, region and England" + (f" (of those {old})" if old else "")
    chart = charts.trend(data, title, desc, breaks)
    return Chart(chart, desc), [(b.label, f"{b.date:%B %Y}", b.explanation) for b in breaks.itertuples()]


def _block(store: Store, ptype: str, release: Release, la_code: str, la_name: str, region_code: str) -> TypeBlock | None:
    kind = TYPES[ptype]
    subtype = kind.headline_subtype
    comp = summaries.comparison(store, release, la_code, subtype)
    if not comp:
        return None
    block = TypeBlock(ptype, kind.label + (f": {plural(subtype, kind.label)}" if subtype else ""), release, subtype, la_code,
                      sentence=summaries.sentence(la_name, comp, release, subtype))
    la, region, england = comp["la"], comp["region"], comp["england"]
    if kind.la_is_provider or "pct_good_or_outstanding" not in la.index:
        # The authority itself is the one provider: its grade, against how many authorities
        # in its region and in England had each grade.
        grade = next((GRADE_LABELS[g] for g in GRADE_LABELS if g in la.index and pd.notna(la[g]) and la[g]), "not graded")
        key = "pct_good_or_outstanding" if kind.good_or_better_scale else "pct_inadequate"
        words = "good or outstanding" if kind.good_or_better_scale else "with widespread failings"
        parts = [f"{region[key]:.1f}% in {region['region_name']}" if region is not None and pd.notna(region.get(key)) else None,
                 f"{england[key]:.1f}% in England" if england is not None and pd.notna(england.get(key)) else None]
        parts = [p for p in parts if p]
        block.own_grade_text = (f"**{la_name}: {grade.lower()}.**" + (f" Of the local authorities with a grade, {' and '.join(parts)} "
                                                                        f"were {words}." if parts else ""))
        return block
    value = la["pct_good_or_outstanding"]
    frame = pd.DataFrame([
        {"area": la_name, "value": value, "kind": "This area"},
        {"area": region["region_name"] if region is not None else "Region",
         "value": region["pct_good_or_outstanding"] if region is not None else None, "kind": "Region"},
        {"area": "England", "value": england["pct_good_or_outstanding"] if england is not None else None, "kind": "England"}])
    old = old_grades_words(release.provider_type, release.as_at)
    if pd.notna(value):
        rank = f"ranked {comp['rank']} of {comp['ranked']} local authorities"
        title = f"{la_name}: {value:.1f}% good or outstanding, {rank}" + (f" (of those {old})" if old else "")
    else:
        rank = "not ranked: its share is suppressed because fewer than 3 providers were graded"
        title = f"{la_name}: share suppressed (too few graded to show); region and England"
    desc = (f"Bar chart comparing the share good or outstanding in {la_name} with its region and England ({rank}; "
            "rank 1 is the highest share, tied authorities share a rank).")
    since = no_grade_words(release.provider_type, release.as_at)
    block.comparison = Chart(charts.comparison(frame, title, desc, subtitle=f"Counted as no overall grade: {since}" if since else ""), desc)
    block.trend, block.breaks = _trend_chart(store, release, subtype, la_code, region_code, la_name)
    return block


def la_profile(store: Store, code: str) -> LaProfile | None:
    """Everything the LA profile page shows for one authority (None: no such authority)."""
    lookup = store.la_lookup()
    first = store.memo("la_row", lambda: {c: i for i, c in reversed(list(enumerate(lookup["new_la_code"])))})
    if code not in first:
        return None
    chosen = lookup.iloc[first[code]]
    if not chosen["is_current"]:
        return _former_profile(store, code, chosen)
    name = chosen["la_name"]
    profile = LaProfile(code, name, f"{chosen['la_type']} in {chosen['region_name']} · ONS code {code} · DfE number {chosen['old_la_code']}",
                        chosen["region_code"])
    former = store.memo("la_former", lambda: [(c, n, s) for c, n, s, current in
                                              zip(lookup["new_la_code"], lookup["la_name"], lookup["successors"], lookup["is_current"])
                                              if not current])
    profile.split_from = [(c, n) for c, n, s in former if isinstance(s, str) and code in s and "," in s]
    # Earlier codes of this area (North Yorkshire before 2023, Barnsley before 2024...) count as this LA.
    same_area = [code] + sorted(geography.same_area(code) - {code})
    for ptype in TYPES:
        release = store.latest(ptype)
        if release is None or not TYPES[ptype].has_geography:
            continue
        found = store.grades(release.id, Level.LOCAL_AUTHORITY, TYPES[ptype].headline_subtype, las=same_area)
        if found.empty:
            continue
        la_code = next(c for c in same_area if c in set(found["new_la_code"]))
        block = _block(store, ptype, release, la_code, name, chosen["region_code"])
        if block is None:
            continue
        profile.summary.append(block.sentence)
        profile.blocks.append(block)
    ilacs = store.latest("la_childrens_services")
    if ilacs is not None:
        profile.ilacs_latest, profile.ilacs_history = ilacs_history(store, ilacs, code)
        profile.ilacs_points = six_months.la_points(store, same_area)
    _changes(store, profile)
    profile.neighbours = _neighbours(store, code, chosen["stat_neighbours"])
    return profile


def _former_profile(store: Store, code: str, chosen: pd.Series) -> LaProfile | None:
    """A former authority: a new code for the same area opens that area's profile (North Yorkshire
    2023); a split one (Cumbria) keeps its own page, with its children's homes trend while it existed."""
    names = summaries.la_names(store)
    successors = [s for s in chosen["successors"].split(",") if s]
    note = f"{chosen['la_name']} no longer exists: it {chosen['note']}."
    if len(successors) == 1:
        profile = la_profile(store, successors[0])
        if profile is not None:
            profile.former_note, profile.successors = note, [(successors[0], names.get(successors[0], successors[0]))]
        return profile
    profile = LaProfile(code, chosen["la_name"], "", chosen["region_code"], former=True, former_note=note,
                        successors=[(s, names.get(s, s)) for s in successors])
    homes = store.latest("social_care_provider")
    if len(successors) > 1 and homes is not None:
        # A split authority's own figures stay on its own page: nothing else shows them.
        data = summaries.trend(store, homes, TYPES["social_care_provider"].headline_subtype, code, chosen["region_code"])
        if data["date"].nunique() > 1:
            desc = (f"Line chart of the share of children's homes good or outstanding in {chosen['la_name']}, its region "
                    "and England, while it existed.")
            profile.former_trend = Chart(charts.trend(
                data, f"Children's homes good or outstanding: {chosen['la_name']}, region and England", desc), desc)
            profile.former_trend_release = homes
    return profile


def _neighbours(store: Store, code: str, listed: str | None) -> pd.DataFrame | None:
    """The authority beside its statistical neighbours, for people (None: it has none listed)."""
    neighbours = [c for c in (listed or "").split(",") if c]
    if not neighbours:
        return None
    table = summaries.neighbours(store, [code] + neighbours).drop(columns=["new_la_code"])
    share = "Children's homes good or outstanding (%)"
    table[share] = table[share].map(lambda v: "suppressed or none graded" if pd.isna(v) else f"{v:.1f}%")
    return table.rename(columns={"la_name": "Local authority", share: "Children's homes good or outstanding"})


def _changes(store: Store, profile: LaProfile) -> None:
    """'Since the previous release, 3 children's homes improved...' for each type on the profile."""
    for block in profile.blocks:
        previous = previous_of(block.release, store.releases)
        lines, note = summaries.change_lines(store, block.release, previous, la=block.la_code, subtype=block.subtype)
        profile.changes += lines
        if note and lines:
            profile.change_notes.append(f"{block.heading}: {note}")
