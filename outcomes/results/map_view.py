"""What a map shows: measures per provider type, values per shape, titles and legend words.

A release is on the LAs of its own date. Former LAs with a shape of their own (Cumbria,
Northamptonshire: unions of their successors) are drawn as themselves; Bournemouth, Poole and
Dorset County have none, so their rows are combined onto the area that replaced them, with a
note under the map (outcomes.domain.boundaries.map_notes).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from outcomes.domain import boundaries, disclosure
from outcomes.domain.fields import TYPES, Level
from outcomes.domain.frameworks import BAD_GRADES, GOOD_OR_BETTER, GRADE_LABELS, no_grade_words, old_grades_words
from outcomes.domain.geography import PREDECESSORS
from outcomes.domain.releases import Release
from outcomes.domain.wording import long_date, plural
from outcomes.results import choropleth
from outcomes.results.charts import Chart
from outcomes.results.palette import GRADE_COLOURS
from outcomes.results.tidy import grade_table
from outcomes.store.store import Store

# A regional map on an LA profile outlines that LA. The spec is built once per region with this
# placeholder in the outline rule and the LA's code put in per page (a string swap, about 1 ms,
# outcomes.web.cache.map_view), so a first view of an LA does not rebuild its region's map.
HIGHLIGHT = "__outcomes_highlight__"



KINDS = {"pct_good_or_outstanding": "share", "pct_inadequate": "share", "providers": "count", "judgement": "category"}


def measures(provider_type: str) -> dict[str, str]:
    out = {}
    kind = TYPES[provider_type]
    if kind.good_or_better_scale:
        out["pct_good_or_outstanding"] = "Good or outstanding (%)"
    out["pct_inadequate"] = "Inadequate (%)" if kind.good_or_better_scale else "Widespread failings (%)"
    out["providers"] = "Number of providers"
    if kind.la_is_provider:  # one provider per area: its own judgement is a measure
        out = {"judgement": "Latest judgement"} | out
    return out


def _combine(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Sum counts of rows drawn on the same shape, then recompute the shares."""
    counts = [c for c in table.columns if c not in ("code", "name", key) and pd.api.types.is_numeric_dtype(table[c]) and not c.startswith("pct_")]
    g = table.groupby("code", as_index=False).agg({**{c: "sum" for c in counts}, "name": lambda s: " and ".join(dict.fromkeys(s))})
    graded = g["graded"].where(g["graded"] > 0)
    good = [c for c in counts if c in GOOD_OR_BETTER]
    bad = [c for c in counts if c in BAD_GRADES]
    g["pct_good_or_outstanding"] = 100 * g[good].sum(axis=1) / graded if good else float("nan")
    g["pct_inadequate"] = 100 * g[bad].sum(axis=1) / graded if bad else float("nan")
    return g


def map_values(table: pd.DataFrame, level: str, measure: str, provider_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per shape: code, name, value (fraction, count or category), labels for tooltips."""
    if level == "local_authority":
        t = table.assign(code=[boundaries.shape_code_for(c) for c in table["new_la_code"]], name=table["la_name"])
    else:
        t = table.assign(code=table["region_code"], name=table["region_name"])
    # Rows drawn on one shape are summed, so the combined share passes disclosure control again.
    t = disclosure.mask(_combine(t, "code"), level)
    if measure == "judgement":
        rows = provider_rows.dropna(subset=["new_la_code"])
        grade = dict(zip(rows["new_la_code"].map(boundaries.shape_code_for), rows["overall_grade"]))
        t["value"] = t["code"].map(lambda c: GRADE_LABELS.get(grade.get(c)) if grade.get(c) else None)
        t["value_label"] = t["value"].fillna("No data")
    elif KINDS[measure] == "share":
        t["value"] = t[measure] / 100
        t["value_label"] = [disclosure.shown_share(v, n, level) for v, n in zip(t[measure], t["graded"])]
    else:
        t["value"] = t["providers"]
        t["value_label"] = t["value"].map(lambda v: f"{int(v):,}")
    t["count_label"] = t["providers"].map(lambda v: f"{int(v):,}")
    out = t[["code", "name", "value", "value_label", "count_label"]].reset_index(drop=True)
    if level == "local_authority":
        out.attrs["blank_codes"] = _uncovered(set(out["code"]))
    return out


def _uncovered(codes: set[str]) -> list[str]:
    """Current LAs with no row in this release and no predecessor drawn: shown grey ('No data')."""
    covered = set(codes)
    for p in PREDECESSORS:
        if p.ons_code in codes:
            covered |= set(p.successors)
    current = [f["properties"]["code"] for f in boundaries.load_shapes("la", None)]
    return [c for c in current if c not in covered]


def category_order(view: pd.DataFrame) -> list[str]:
    order = [GRADE_LABELS[g] for g in GRADE_LABELS]
    present = set(view["value"].dropna())
    return [o for o in order if o in present]


def category_colours(order: list[str]) -> list[str]:
    by_label = {GRADE_LABELS[g]: c for g, c in GRADE_COLOURS.items() if g in GRADE_LABELS}
    return [by_label[o] for o in order]


def title(measure: str, what: str, release, view: pd.DataFrame, england: float | None = None) -> str:
    """A title that states the finding: the England figure the areas are read against."""
    when = long_date(release.as_at)
    if measure == "judgement":
        return f"Latest judgement of {what}, as at {when}"
    if measure == "providers":
        return f"Number of {what} by area, as at {when}"
    word = "good or outstanding" if measure == "pct_good_or_outstanding" else "inadequate"
    old = old_grades_words(release.provider_type, release.as_at)
    share = f"Share {word} by area, of the {what} {old}" if old else f"Share of {what} {word} by area"
    if england is None or pd.isna(england):
        return f"{share}, as at {when}"
    return f"{share}, as at {when} (England: {england:.1f}%)"


def legend_words(measure: str, view: pd.DataFrame) -> str:
    if measure == "judgement":
        counts = view["value_label"].value_counts()
        return "**In words:** " + "; ".join(f"{n} areas {k.lower()}" for k, n in counts.items()) + "."
    valued = view.dropna(subset=["value"])
    if valued.empty:
        return "No area has a value."
    lo, hi = valued.loc[valued["value"].idxmin()], valued.loc[valued["value"].idxmax()]
    fmt = (lambda v: f"{int(v):,}") if measure == "providers" else (lambda v: f"{100 * v:.1f}%")
    return (f"**In words:** darker areas have higher values, from {fmt(lo['value'])} ({lo['name']}) to "
            f"{fmt(hi['value'])} ({hi['name']}). Grey areas have no value.")


@dataclass
class MapView:
    values: pd.DataFrame         # one row per shape: code, name, value, value_label, count_label
    chart: Chart
    note: str


def map_view(store: Store, release: Release, subtype: str | None, measure: str, level: str = "local_authority",
             region: str | None = None, highlight: str | None = None, url: str | None = None) -> MapView | None:
    """A choropleth of one measure (None: the release has no geography to map). With `url` the
    browser fetches the shapes from that static file and the spec carries only the values."""
    table = grade_table(store, release, level, subtype, region)
    if table.empty:
        return None
    rows = store.query("provider_rows", release_id=release.id, subtype=subtype, la=None) if measure == "judgement" else None
    values = map_values(table, level, measure, rows)
    shape_level = "la" if level == Level.LOCAL_AUTHORITY else "region"
    blank = [] if region else values.attrs.get("blank_codes", [])
    features = boundaries.load_shapes(shape_level, list(values["code"]) + blank)
    what = plural(subtype, release.provider_type_label)
    national = grade_table(store, release, Level.NATIONAL, subtype)
    england = national[measure].iloc[0] if measure in national and len(national) else None
    heading = title(measure, what, release, values, england)
    order = category_order(values) if measure == "judgement" else None
    figure = choropleth.choropleth(features, values, "code", "value", heading, kind=KINDS[measure], category_order=order,
                                   category_colours=category_colours(order) if order else None,
                                   tooltip_cols=[("count_label", "Providers")],
                                   legend_title=measures(release.provider_type).get(measure, measure),
                                   area_label="Local authority" if level == Level.LOCAL_AUTHORITY else "Region",
                                   height=420 if region else 560, highlight=highlight, url=url)
    desc = f"Map: {heading}. {legend_words(measure, values).replace('**', '')}"
    note = boundaries.map_note(values["code"], level=shape_level)
    since = no_grade_words(release.provider_type, release.as_at)  # the breaks the counts straddle, on every map
    return MapView(values, Chart(figure, desc), f"Counted as no overall grade: {since}. {note}" if since else note)


