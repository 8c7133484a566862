"""What each page shows, as plain data: one function per page, no Streamlit.

A page file reads its widgets, calls one of these, and lays out the result. Everything here reads
the store's small precomputed tables (outcomes.serving), so a page run is a few milliseconds of
queries; the site caches each result per input (outcomes.web). Charts are returned as Vega-Lite
specs (plain dicts from outcomes.charts and outcomes.maps; tests validate them against the schema).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from outcomes import charts, summaries
from outcomes.fields import TYPES
from outcomes.frameworks import GRADE_LABELS
from outcomes.releases import Release
from outcomes.store import Store


# A regional map on an LA profile outlines that LA. The spec is built once per region with this
# placeholder in the outline rule and the LA's code put in per page (a string swap, about 1 ms,
# outcomes.web.map_view), so a first view of an LA does not rebuild its region's map.
HIGHLIGHT = "__outcomes_highlight__"


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec ready for st.vega_lite_chart (built once per input and shared: never
    changed in place) and the sentence shown beneath it."""
    spec: dict
    description: str


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
    blocks: list[TypeBlock] = field(default_factory=list)
    neighbours: pd.DataFrame | None = None
    changes: list[str] = field(default_factory=list)  # what changed since the previous release, in words
    change_notes: list[str] = field(default_factory=list)  # framework breaks those comparisons cross


ILACS_JUDGEMENTS = {"impact_of_leaders": "Impact of leaders", "help_and_protection": "Help and protection",
                    "in_care": "Children in care", "care_leavers": "Care leavers"}


def _date_text(value) -> str:
    """'12 Mar 2024', or 'not known' for a missing date (the compiled ILACS history has a few)."""
    return "not known" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d %b %Y")


def ilacs_history(store: Store, release: Release, code: str) -> tuple[str, pd.DataFrame | None]:
    """An authority's children's services inspections for people: a sentence and a table."""
    hist = store.by_la("history_by_la", release.id, code)  # = query "history_of" for that LA
    if hist.empty:
        return "", None
    latest = hist.iloc[0]
    report = latest.get("report_url")
    line = (f"Latest: **{GRADE_LABELS.get(latest['overall_grade'], 'not graded')}** overall, inspection starting "
            f"{_date_text(latest['inspection_start_date'])}" + (f" ([report]({report}))" if isinstance(report, str) else "") + ".")
    cols = [c for c in ILACS_JUDGEMENTS if c in hist]
    table = pd.DataFrame({"Inspection start": hist["inspection_start_date"].map(_date_text),
                          "Published": hist["publication_date"].map(_date_text),
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
    what = summaries.plural(subtype, release.provider_type_label)
    desc = f"Line chart of the share of {what} good or outstanding in {la_name}, its region and England at each release."
    breaks = summaries.breaks_between(release.provider_type, data["date"])
    chart = charts.trend(data, f"{what.capitalize()} good or outstanding over time: {la_name}, region and England", desc, breaks)
    return Chart(chart, desc), [(b.label, f"{b.date:%B %Y}", b.explanation) for b in breaks.itertuples()]


def _block(store: Store, ptype: str, release: Release, la_code: str, la_name: str, region_code: str) -> TypeBlock | None:
    kind = TYPES[ptype]
    subtype = kind.headline_subtype
    comp = summaries.comparison(store, release, la_code, subtype)
    if not comp:
        return None
    block = TypeBlock(ptype, kind.label + (f": {summaries.plural(subtype, kind.label)}" if subtype else ""), release, subtype, la_code,
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
    if pd.notna(value):
        rank = f"ranked {comp['rank']} of {comp['ranked']} local authorities"
        title = f"{la_name}: {value:.1f}% good or outstanding, {rank}"
    else:
        rank = "not ranked: its share is suppressed because fewer than 3 providers were graded"
        title = f"{la_name}: share suppressed (too few graded to show); region and England"
    desc = (f"Bar chart comparing the share good or outstanding in {la_name} with its region and England ({rank}; "
            "rank 1 is the highest share, tied authorities share a rank).")
    block.comparison = Chart(charts.comparison(frame, title, desc), desc)
    block.trend, block.breaks = _trend_chart(store, release, subtype, la_code, region_code, la_name)
    return block


def la_profile(store: Store, code: str) -> LaProfile | None:
    """Everything the LA profile page shows for one authority (None: no such authority)."""
    lookup = store.la_lookup()
    first = store.memo("la_row", lambda: {c: i for i, c in reversed(list(enumerate(lookup["new_la_code"])))})
    if code not in first:
        return None
    chosen = lookup.iloc[first[code]]
    names = summaries.la_names(store)
    if not chosen["is_current"]:
        successors = [s for s in chosen["successors"].split(",") if s]
        note = f"{chosen['la_name']} no longer exists: it {chosen['note']}."
        if len(successors) == 1:  # a new code for the same area (North Yorkshire 2023): that area's page
            profile = la_profile(store, successors[0])
            if profile is not None:
                profile.former_note, profile.successors = note, [(successors[0], names.get(successors[0], successors[0]))]
            return profile
        profile = LaProfile(code, chosen["la_name"], "", chosen["region_code"], former=True,
                            former_note=note,
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
    name = chosen["la_name"]
    profile = LaProfile(code, name, f"{chosen['la_type']} in {chosen['region_name']} · ONS code {code} · DfE number {chosen['old_la_code']}",
                        chosen["region_code"])
    former = store.memo("la_former", lambda: [(c, n, s) for c, n, s, current in
                                              zip(lookup["new_la_code"], lookup["la_name"], lookup["successors"], lookup["is_current"])
                                              if not current])
    profile.split_from = [(c, n) for c, n, s in former if isinstance(s, str) and code in s and "," in s]
    # Earlier codes of this area (North Yorkshire before 2023, Barnsley before 2024...) count as this LA.
    same_area = [code] + sorted(summaries.same_area(code) - {code})
    for ptype in TYPES:
        release = store.latest(ptype)
        if release is None or not TYPES[ptype].has_geography:
            continue
        found = store.grades(release.id, "local_authority", TYPES[ptype].headline_subtype, las=same_area)
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
    _changes(store, profile)
    neighbours = [c for c in (chosen["stat_neighbours"] or "").split(",") if c]
    if neighbours:
        table = summaries.neighbours(store, [code] + neighbours).drop(columns=["new_la_code"])
        share = "Children's homes good or outstanding (%)"
        table[share] = table[share].map(lambda v: "suppressed or none graded" if pd.isna(v) else f"{v:.1f}%")
        profile.neighbours = table.rename(columns={"la_name": "Local authority", share: "Children's homes good or outstanding"})
    return profile


def _changes(store: Store, profile: LaProfile) -> None:
    """'Since the previous release, 3 children's homes improved...' for each type on the profile."""
    from outcomes import changes, release_pages

    for block in profile.blocks:
        previous = changes.previous_of(block.release, store.releases)
        lines, note = release_pages.change_lines(store, block.release, previous, la=block.la_code, subtype=block.subtype)
        profile.changes += lines
        if note and lines:
            profile.change_notes.append(f"{block.heading}: {note}")


@dataclass
class Headline:
    provider_type: str
    label: str
    release: Release
    share: float | None          # % good or outstanding (None: the scale has none, or none graded)
    providers: int
    graded: int
    where: str                   # " (West Midlands)" for partial coverage
    grade_counts: list[tuple[str, int]]  # for scales without good/outstanding


@dataclass
class Overview:
    headlines: list[Headline]
    trend: Chart | None
    breaks: list[tuple[str, str, str]]
    trend_releases: list[tuple[Release, str | None]]


def overview(store: Store) -> Overview:
    """The headline of each provider type's most authoritative release, and the long trend."""
    heads = []
    for ptype, kind in TYPES.items():
        release = store.latest(ptype)
        if release is None:
            continue
        nat = store.grades(release.id, "national")  # all subtypes
        if nat.empty:
            continue
        row = nat.iloc[0]
        share = row.get("pct_good_or_outstanding") if kind.good_or_better_scale else None
        where = "" if release.coverage.startswith("England") else f" ({release.coverage.split(' (')[0].split(':')[0]})"
        counts = [(GRADE_LABELS[g], int(row[g])) for g in ("positive", "inconsistent", "widespread_failings") if g in row.index and pd.notna(row[g])]
        heads.append(Headline(ptype, kind.label, release, None if share is None or pd.isna(share) else float(share),
                              int(row["providers"]), int(row["graded"]), where, counts))
    ch, la = store.latest("social_care_provider"), store.latest("la_childrens_services")
    frames, used = [], []
    if ch:
        homes = TYPES["social_care_provider"].headline_subtype
        frames.append(summaries.trend(store, ch, homes).assign(series="Children's homes"))
        used.append((ch, homes))
    if la:
        frames.append(summaries.trend(store, la, None).assign(series="Local authority children's services"))
        used.append((la, None))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return Overview(heads, None, [], used)
    data = pd.concat(frames, ignore_index=True)
    breaks = pd.concat([summaries.breaks_between(r.provider_type, data["date"]) for r, _ in used], ignore_index=True)
    latest_ch = data[data["series"] == "Children's homes"].tail(1)
    title = "Share good or outstanding at latest inspection"
    if len(latest_ch):
        title = f"{latest_ch['value'].iloc[0]:.0f}% of children's homes were good or outstanding as at {summaries.long_date(latest_ch['date'].iloc[0])}"
    desc = ("Line chart of the share of children's homes and of local authorities' children's services judged good or "
            "outstanding at their latest inspection, at each release date, with framework changes marked.")
    return Overview(heads, Chart(charts.trend(data, title, desc, breaks), desc),
                    [(b.label, f"{b.date:%B %Y}", b.explanation) for b in breaks.itertuples()], used)


@dataclass
class MapView:
    values: pd.DataFrame         # one row per shape: code, name, value, value_label, count_label
    chart: Chart
    note: str


def map_view(store: Store, release: Release, subtype: str | None, measure: str, level: str = "local_authority",
             region: str | None = None, highlight: str | None = None, url: str | None = None) -> MapView | None:
    """A choropleth of one measure (None: the release has no geography to map). With `url` the
    browser fetches the shapes from that static file and the spec carries only the values."""
    from outcomes import mapping, maps
    from outcomes.tables import grade_table

    table = grade_table(store, release, level, subtype, region)
    if table.empty:
        return None
    rows = store.query("provider_rows", release_id=release.id, subtype=subtype, la=None) if measure == "judgement" else None
    values = mapping.map_values(table, level, measure, rows)
    shape_level = "la" if level == "local_authority" else "region"
    blank = [] if region else values.attrs.get("blank_codes", [])
    features = maps.load_shapes(shape_level, list(values["code"]) + blank)
    what = summaries.plural(subtype, release.provider_type_label)
    national = grade_table(store, release, "national", subtype)
    england = national[measure].iloc[0] if measure in national and len(national) else None
    title = mapping.title(measure, what, release, values, england)
    order = mapping.category_order(values) if measure == "judgement" else None
    figure = maps.choropleth(features, values, "code", "value", title, kind=mapping.KINDS[measure], category_order=order,
                             category_colours=mapping.category_colours(order) if order else None,
                             tooltip_cols=[("count_label", "Providers")], legend_title=mapping.measures(release.provider_type).get(measure, measure),
                             area_label="Local authority" if level == "local_authority" else "Region",
                             height=420 if region else 560, highlight=highlight, url=url)
    desc = f"Map: {title}. {mapping.legend_words(measure, values).replace('**', '')}"
    return MapView(values, Chart(figure, desc), maps.map_note(values["code"], level=shape_level))


@dataclass
class ProviderTypeView:
    release: Release
    what: str                    # "children's homes", "state-funded schools"
    share: float | None          # England's share good or outstanding
    distribution: Chart
    has_geography: bool
    by_region: Chart | None
    trend: Chart | None
    breaks: list[tuple[str, str, str]]
    sub_judgements: pd.DataFrame  # judgement x grade counts, labelled for people
    in_year: InYear | None = None    # the flow: inspections carried out in the year (where the release has it)


@dataclass
class InYear:
    """Inspections carried out in the year to the as-at date (the flow), for people."""
    heading: str
    table: pd.DataFrame          # one row per judgement: inspections, grades, share good or outstanding
    ungraded: str                # a sentence on the year's ungraded inspections, or ""


def in_year_view(store: Store, release: Release, subtype: str | None) -> InYear | None:
    """The year's graded inspections by key judgement (and ungraded outcomes), or None."""
    from outcomes import in_year

    frame = in_year.load(store.data_dir, release.id)
    if frame is None:
        return None
    tidy = in_year.judgement_table(frame, release.as_at, "national", subtype)
    if tidy.empty:
        return None
    start = in_year.year_start(release.as_at)
    share = tidy["pct_good_or_outstanding"].map(lambda v: v if isinstance(v, str) else f"{v:.1f}%")
    table = pd.DataFrame({"Judgement": tidy["judgement"].map(lambda j: j.replace("_", " ").capitalize()),
                          "Inspections": tidy["inspections"],
                          **{GRADE_LABELS[g]: tidy[g] for g in in_year.GRADES},
                          "Good or outstanding": share.replace({"z": "z (no grade given)"})})
    ungraded = in_year.ungraded_share(frame[frame["provider_subtype"] == subtype] if subtype else frame)
    what = summaries.plural(subtype, release.provider_type_label)
    words = (f"Of the year's ungraded inspections of {what}, {ungraded:.1f}% found standards maintained or improved "
             "significantly.") if ungraded is not None else ""
    return InYear(f"Inspections carried out from {summaries.long_date(start)} to {summaries.long_date(release.as_at)} "
                  "and published by the cut-off (the flow, not each provider's latest inspection)", table, words)


def provider_type_view(store: Store, release: Release, subtype: str | None) -> ProviderTypeView:
    """The provider types page for one release and subtype."""
    from outcomes.tables import grade_table

    kind = TYPES[release.provider_type]
    nat = grade_table(store, release, "national", subtype)
    what = summaries.plural(subtype, release.provider_type_label)
    grades = [g for g in nat.columns if g in GRADE_LABELS or g == "not_yet_graded"]
    counts = pd.DataFrame({"grade": grades, "n": [int(nat[g].iloc[0]) if len(nat) else 0 for g in grades]})
    share = nat["pct_good_or_outstanding"].iloc[0] if "pct_good_or_outstanding" in nat and len(nat) else None
    share = None if share is None or pd.isna(share) else float(share)
    title = f"{share:.1f}% of graded {what} were good or outstanding" if share is not None else f"Latest inspection outcomes of {what}"
    desc = (f"Bar chart of the number of {what} in England by overall grade at their latest inspection, as at "
            f"{summaries.long_date(release.as_at)}.")
    distribution = Chart(charts.grade_distribution(counts, title, desc, kind.unit.capitalize()), desc)
    reg = grade_table(store, release, "regional", subtype)
    by_region = None
    if not reg.empty:
        # Graded outcomes in scale order, then those not yet graded (once: it is a grade label too).
        shown = [g for g in reg.columns if g in GRADE_LABELS and g != "not_yet_graded" and reg[g].sum() > 0] + \
            (["not_yet_graded"] if reg["not_yet_graded"].sum() else [])
        key = "pct_good_or_outstanding" if "pct_good_or_outstanding" in reg else "pct_inadequate"
        reg = reg.sort_values(key, ascending=False)
        rdesc = f"Stacked bar chart of the share of {what} at each grade in each English region, highest share good or outstanding first."
        by_region = Chart(charts.stacked_by_area(reg, "region_name", shown, f"{what.capitalize()} by region", rdesc), rdesc)
    data = summaries.trend(store, release, subtype)
    trend, breaks = None, []
    if data["date"].nunique() > 1:
        b = summaries.breaks_between(release.provider_type, data["date"])
        tdesc = f"Line chart of the share of graded {what} in England that were good or outstanding at each release date."
        trend = Chart(charts.trend(data, f"Share of {what} good or outstanding over time", tdesc, b), tdesc)
        breaks = [(x.label, f"{x.date:%B %Y}", x.explanation) for x in b.itertuples()]
    sub = store.query("judgement_counts", release_id=release.id, subtype_key=subtype or "")
    if not sub.empty:
        sub["grade"] = sub["grade"].map(lambda g: GRADE_LABELS.get(g, g))
        order = [GRADE_LABELS[g] for g in GRADE_LABELS if GRADE_LABELS[g] in set(sub["grade"])]
        sub = sub.pivot_table(index="judgement_label", columns="grade", values="n", aggfunc="sum", fill_value=0)
        sub = sub.reindex(columns=order + [c for c in sub.columns if c not in order]).rename_axis(index="Judgement", columns=None)
    return ProviderTypeView(release, what, share, distribution, not reg.empty, by_region, trend, breaks, sub,
                            in_year_view(store, release, subtype))


def headline_comparison(store: Store) -> pd.DataFrame:
    """Ofsted's published headlines beside the same figures computed from our build."""
    from outcomes import headlines

    rows = []
    for h in headlines.HEADLINES:
        value = headlines.ours(store, h)
        rows.append({"Ofsted said": h.quote, "Ofsted's figure (%)": h.ofsted,
                     "Ours (%)": "not published here" if value is None else f"{value:.1f}",
                     "Why they differ": h.why or "Rounding only.", "Source": h.source})
    return pd.DataFrame(rows)


# -- Find a school, and its page ------------------------------------------------------------------

SCHOOLS = "state_funded_school"
SEARCH_LIMIT = 50
# Ofsted's provider page for a school (its reports, latest first): reports.ofsted.gov.uk/provider/21/<URN>.
OFSTED_SCHOOL_PAGE = "https://reports.ofsted.gov.uk/provider/21/{urn}"


def is_urn(text: object) -> bool:
    """A URN as it may arrive from the address: digits only, at most 8 (Ofsted's URNs are 6 or 7)."""
    return isinstance(text, str) and text.isdigit() and len(text) <= 8


def find_schools(store: Store, text: str, limit: int = SEARCH_LIMIT) -> pd.DataFrame:
    """Schools whose URN is `text` or whose name contains it (latest schools release only, so no
    children's home, whose names Ofsted withholds, is ever found). Columns: urn, label."""
    release = store.latest(SCHOOLS)
    text = " ".join(str(text).split())[:100]
    if release is None or (len(text) < 3 and not is_urn(text)):
        return pd.DataFrame({"urn": [], "label": []})
    found = store.query("school_search", release_id=release.id, text=text, limit=limit)
    found["label"] = [f"{r.provider_name} · {r.provider_subtype or 'phase not known'} · {r.la_name or 'LA not known'} (URN {r.urn})"
                      for r in found.itertuples()]
    return found[["urn", "label"]]


@dataclass
class SchoolPage:
    urn: str
    name: str
    caption: str                       # phase, LA, region
    la_code: str | None
    release: Release
    report_url: str
    latest: str                        # the latest graded inspection, in words
    key_judgements: pd.DataFrame | None
    no_overall_grade: str              # why there is no overall grade (the framework break), or ""
    ungraded: str
    previous: str
    comparison_of: str                 # "primary schools": the schools the comparison counts
    comparison: pd.DataFrame | None    # share good or outstanding: LA, region, England


def _when(start, published) -> str:
    bits = [f"inspection starting {_date_text(start)}"] + ([f"report published {_date_text(published)}"] if pd.notna(published) else [])
    return ", ".join(bits)


def _comparison(store: Store, release: Release, school: pd.Series) -> tuple[str, pd.DataFrame | None]:
    """Share of graded schools of the same phase good or outstanding in its LA, region and England."""
    phase = school["provider_subtype"] if store.grades(release.id, "national", school["provider_subtype"]).size else None
    what = "pupil referral units" if phase == "PRU" else f"{phase.lower()} schools" if phase else "state-funded schools"
    rows = []
    for level, name, kw in (("local_authority", school["la_name"], {"la": school["new_la_code"]}),
                            ("regional", school["region_name"], {"region": school["region_code"]}),
                            ("national", "England", {})):
        found = store.grades(release.id, level, phase, **kw)
        if found.empty or not isinstance(name, str):
            continue
        row = found.iloc[0]
        share = row.get("pct_good_or_outstanding")
        rows.append({"Area": name, "Good or outstanding": "suppressed (fewer than 3 graded)" if share is None or pd.isna(share)
                     else f"{share:.1f}%", "Graded": f"{int(row['graded']):,}"})
    return what, (pd.DataFrame(rows) if rows else None)


def school_page(store: Store, urn: str) -> SchoolPage | None:
    """Everything the school page shows for one URN of the latest schools release (None: not found)."""
    from outcomes.frameworks import BREAKS, UNGRADED_OUTCOMES
    from outcomes.sources.schools import JUDGEMENTS

    release = store.latest(SCHOOLS)
    if release is None or not is_urn(urn):
        return None
    rows = store.query("school", release_id=release.id, urn=urn)
    if rows.empty:
        return None
    s = rows.iloc[0]
    grade = s["overall_grade"]
    judgements = store.query("school_judgements", release_id=release.id, urn=urn)
    judgements = judgements[judgements["grade"].notna()]
    table = None
    if not judgements.empty:
        order = list(JUDGEMENTS)  # Ofsted's order: quality of education first, safeguarding after leadership
        judgements = judgements.sort_values("judgement", key=lambda j: j.map(lambda x: order.index(x) if x in order else len(order)))
        # Safeguarding is a yes/no question ("Safeguarding is effective?"), not a grade.
        table = pd.DataFrame({"Key judgement": judgements["judgement_label"],
                              "Grade": judgements["grade"].map(lambda g: {"met": "Yes", "not_met": "No"}.get(g) or GRADE_LABELS.get(g, g))})
    no_grade = ""
    if pd.isna(s["inspection_start_date"]):
        latest = "No graded inspection of this school yet (a new school, or one that has not yet been inspected)."
    elif grade == "no_overall_grade":
        # From September 2024 graded inspections give no overall effectiveness grade: never invent one.
        brk = next(b for b in BREAKS if b.provider_type == SCHOOLS and b.title == "No overall effectiveness grade")
        latest = f"Latest graded inspection: **no overall effectiveness grade** ({_when(s['inspection_start_date'], s['publication_date'])}). Its key judgements are below."
        no_grade = brk.explanation
    else:
        latest = (f"Latest graded inspection: overall effectiveness **{GRADE_LABELS.get(grade, 'not known').lower()}** "
                  f"({_when(s['inspection_start_date'], s['publication_date'])}).")
    ungraded = "No ungraded inspection since its latest graded one."
    if pd.notna(s.get("ungraded_inspection_date")):
        outcome = UNGRADED_OUTCOMES.get(s.get("ungraded_outcome"), s.get("ungraded_outcome_published") or "outcome not published")
        ungraded = (f"Latest ungraded inspection: **{outcome}** ({_when(s['ungraded_inspection_date'], s.get('ungraded_publication_date'))}). "
                    "An ungraded inspection gives no grade: it says whether the last graded judgement still stands.")
    previous = "No earlier graded inspection is recorded."
    if pd.notna(s.get("previous_inspection_start_date")):
        was = s.get("previous_overall_grade")
        was = f"overall effectiveness **{GRADE_LABELS[was].lower()}**" if isinstance(was, str) and was in GRADE_LABELS else "no overall grade recorded"
        previous = f"Previous graded inspection: {was} ({_when(s['previous_inspection_start_date'], s.get('previous_publication_date'))})."
    la = s["la_name"] if isinstance(s["la_name"], str) else "local authority not known"
    region = f", {s['region_name']}" if isinstance(s["region_name"], str) else ""
    return SchoolPage(urn, s["provider_name"] or f"School {urn}", f"Phase: {s['provider_subtype'] or 'not known'} · {la}{region} · URN {urn}",
                      s["new_la_code"] if isinstance(s["new_la_code"], str) else None, release,
                      OFSTED_SCHOOL_PAGE.format(urn=urn), latest, table, no_grade, ungraded, previous,
                      *_comparison(store, release, s))
