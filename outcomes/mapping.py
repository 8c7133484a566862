"""What a map shows: measures per provider type, values per shape, titles and legend words.

A release is on the LAs of its own date. Former LAs with a shape of their own (Cumbria,
Northamptonshire: unions of their successors) are drawn as themselves; Bournemouth, Poole and
Dorset County have none, so their rows are combined onto the area that replaced them, with a
note under the map (outcomes.maps.map_notes).
"""
from __future__ import annotations

import pandas as pd

from outcomes import disclosure, maps
from outcomes.fields import TYPES
from outcomes.frameworks import GOOD_OR_BETTER, GRADE_LABELS
from outcomes.geography import PREDECESSORS
from outcomes.summaries import long_date
from outcomes.tables import BAD_GRADES

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
        t = table.assign(code=[maps.shape_code_for(c) for c in table["new_la_code"]], name=table["la_name"])
    else:
        t = table.assign(code=table["region_code"], name=table["region_name"])
    # Rows drawn on one shape are summed, so the combined share passes disclosure control again.
    t = disclosure.mask(_combine(t, "code"), level)
    if measure == "judgement":
        rows = provider_rows.dropna(subset=["new_la_code"])
        grade = dict(zip(rows["new_la_code"].map(maps.shape_code_for), rows["overall_grade"]))
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
    current = [f["properties"]["code"] for f in maps.load_shapes("la", None)]
    return [c for c in current if c not in covered]


def category_order(view: pd.DataFrame) -> list[str]:
    order = [GRADE_LABELS[g] for g in GRADE_LABELS]
    present = set(view["value"].dropna())
    return [o for o in order if o in present]


def category_colours(order: list[str]) -> list[str]:
    from outcomes.charts import GRADE_COLOURS

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
    if england is None or pd.isna(england):
        return f"Share of {what} {word} by area, as at {when}"
    return f"Share of {what} {word} by area, as at {when} (England: {england:.1f}%)"


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


def clicked_code(event) -> str | None:
    """The LA code clicked on the map, from Streamlit's selection event."""
    try:
        points = event["selection"]["la"]
    except (KeyError, TypeError):
        return None
    if isinstance(points, list) and points:
        return points[0].get("code")
    return None


def profile_code(code: str) -> str:
    """LA profiles are for current authorities: a former one opens its (single) successor."""
    for p in PREDECESSORS:
        if p.ons_code == code and len(p.successors) == 1:
            return p.successors[0]
    return code
