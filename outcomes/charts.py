"""Altair builders: Analysis Function palette, titles that state the finding, tooltips,
and an accessible description on every chart. Meaning is never carried by colour alone:
bars are labelled and ordered, lines are marked with points and named at their ends.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from outcomes.frameworks import GRADE_LABELS

# Analysis Function colour palette (GSS guidance "Data visualisation: colours", 2023):
# categorical order chosen so neighbouring colours differ in lightness (3:1 between neighbours).
AF_PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
AF_SEQUENTIAL = ["#C8DCEF", "#8DB4D9", "#4F84BB", "#12436D"]
NO_DATA = "#D9D9D9"

# One colour per grade, best to worst, consistent on every chart.
GRADE_COLOURS = {
    "outstanding": "#12436D", "good": "#28A197", "requires_improvement": "#F46A25", "adequate": "#F46A25",
    "satisfactory": "#F46A25", "inadequate": "#801650", "positive": "#12436D", "inconsistent": "#F46A25",
    "widespread_failings": "#801650", "consistently_strong": "#12436D", "inconsistent_quality": "#F46A25",
    "serious_weaknesses": "#801650", "no_overall_grade": "#A285D1", "not_known": "#3D3D3D",
    "not_yet_graded": "#707070",
}


def _theme_title(title: str, subtitle: str = "") -> alt.TitleParams:
    return alt.TitleParams(title, subtitle=subtitle or alt.Undefined, anchor="start", fontSize=16, subtitleFontSize=13,
                           subtitleColor="#3D3D3D")


def grade_distribution(counts: pd.DataFrame, title: str, description: str, unit: str = "Providers") -> alt.Chart:
    """Horizontal bars, one per grade, labelled with count and share. counts: grade, n."""
    data = counts[counts["n"] > 0].copy()
    total = data["n"].sum()
    data["label"] = data["grade"].map(GRADE_LABELS)
    data["share"] = (100 * data["n"] / total).round(1) if total else 0
    data["text"] = data.apply(lambda r: f"{r['n']:,} ({r['share']:.0f}%)", axis=1)
    order = [GRADE_LABELS[g] for g in GRADE_COLOURS if g in set(data["grade"])]
    colour = alt.Color("label:N", scale=alt.Scale(domain=order, range=[GRADE_COLOURS[g] for g in GRADE_COLOURS if g in set(data["grade"])]), legend=None)
    base = alt.Chart(data, title=_theme_title(title), description=description).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, labelFontSize=13)),
        x=alt.X("n:Q", title=unit, axis=alt.Axis(format=",d")),
        tooltip=[alt.Tooltip("label:N", title="Grade"), alt.Tooltip("n:Q", title=unit, format=","),
                 alt.Tooltip("share:Q", title="Share (%)", format=".1f")],
    )
    return (base.mark_bar(color=AF_PALETTE[0]).encode(color=colour) +
            base.mark_text(align="left", dx=4, fontSize=13, color="#0B0C0C").encode(text="text:N")).properties(
        height=alt.Step(36), width="container", description=description)


def trend(series: pd.DataFrame, title: str, description: str, breaks: pd.DataFrame | None = None,
          y_title: str = "Good or outstanding (%)") -> alt.Chart:
    """Share over time, one line per series, points marked; framework breaks as labelled rules.

    series: date (datetime), value, series (name). breaks: date, label.
    """
    data = series.dropna(subset=["value"]).copy()
    names = list(dict.fromkeys(data["series"]))
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=AF_PALETTE[:len(names)]),
                       legend=alt.Legend(orient="bottom", labelLimit=300))
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title="As at", axis=alt.Axis(format="%Y")),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False, nice=True)),
        color=colour,
        tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("date:T", title="As at", format="%d %B %Y"),
                 alt.Tooltip("value:Q", title=y_title, format=".1f")],
    )
    shapes = alt.Shape("series:N", legend=None, scale=alt.Scale(range=["circle", "square", "triangle-up", "diamond"]))
    layers = [base.mark_line(strokeWidth=2.5), base.mark_point(size=70, filled=True).encode(shape=shapes)]
    if breaks is not None and len(breaks):
        rule = alt.Chart(breaks).mark_rule(strokeDash=[6, 4], color="#3D3D3D").encode(
            x="date:T", tooltip=[alt.Tooltip("label:N", title="Framework change"), alt.Tooltip("date:T", format="%B %Y")])
        # Labels stagger down the chart so neighbouring breaks do not overprint each other.
        staggered = breaks.sort_values("date").assign(row=lambda d: [4 + 16 * (i % 4) for i in range(len(d))])
        # Labels of breaks in the later half run leftwards from their rule, so no label reaches past
        # the plot: a label beyond it would squeeze the plot on a narrow screen (autosize "fit").
        middle = data["date"].min() + (data["date"].max() - data["date"].min()) / 2 if len(data) else None
        later = staggered["date"] > middle if middle is not None else pd.Series(False, index=staggered.index)
        for part, align, dx in ((staggered[~later], "left", 4), (staggered[later], "right", -4)):
            if len(part):
                layers.append(alt.Chart(part).mark_text(align=align, dx=dx, fontSize=12, color="#3D3D3D", baseline="top").encode(
                    x="date:T", y=alt.Y("row:Q", scale=None), text="label:N"))
        layers.insert(2, rule)
    return alt.layer(*layers, title=_theme_title(title), description=description).properties(height=360, width="container")


def comparison(frame: pd.DataFrame, title: str, description: str, value_title: str = "Good or outstanding (%)") -> alt.Chart:
    """Bars comparing an area with its region and England. frame: area, value, kind."""
    data = frame.dropna(subset=["value"]).copy()
    data["text"] = data["value"].map(lambda v: f"{v:.1f}%")
    order = list(data["area"])
    base = alt.Chart(data, title=_theme_title(title), description=description).encode(
        y=alt.Y("area:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, labelFontSize=13)),
        x=alt.X("value:Q", title=value_title, scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("value:Q", title=value_title, format=".1f")],
    )
    bars = base.mark_bar().encode(color=alt.Color("kind:N", scale=alt.Scale(domain=["This area", "Region", "England"],
                                                                          range=[AF_PALETTE[0], AF_PALETTE[1], AF_PALETTE[4]]),
                                                 legend=None))
    return (bars + base.mark_text(align="left", dx=4, fontSize=13).encode(text="text:N")).properties(
        height=alt.Step(40), width="container", description=description)


def stacked_by_area(table: pd.DataFrame, area_col: str, grades: list[str], title: str, description: str) -> alt.Chart:
    """100% stacked bars of grades per area (regions), sorted by share good or outstanding."""
    long = table.melt(id_vars=[area_col], value_vars=grades, var_name="grade", value_name="n")
    long["label"] = long["grade"].map(GRADE_LABELS)
    order = [GRADE_LABELS[g] for g in grades]
    # White edges between segments: each colour then needs 3:1 only against white (WCAG 1.4.11),
    # not against its neighbour.
    return alt.Chart(long, title=_theme_title(title), description=description).mark_bar(stroke="white", strokeWidth=1).encode(
        y=alt.Y(f"{area_col}:N", title=None, sort=list(table[area_col]), axis=alt.Axis(labelLimit=260)),
        x=alt.X("sum(n):Q", stack="normalize", title="Share of providers", axis=alt.Axis(format="%")),
        color=alt.Color("label:N", title="Grade", scale=alt.Scale(domain=order, range=[GRADE_COLOURS[g] for g in grades]),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("grade_order:Q"),
        tooltip=[alt.Tooltip(f"{area_col}:N", title="Area"), alt.Tooltip("label:N", title="Grade"), alt.Tooltip("n:Q", title="Providers")],
    ).transform_calculate(grade_order=f"indexof({order!r}, datum.label)").properties(height=alt.Step(30), width="container")


# A phone is about 360 px across inside the page's margins; a 16 px bold title fits about 40
# characters in that. Vega-Lite does not wrap titles (it cuts them with "…"), so long titles are
# given as lines, on every screen: the finding a title states is never cut off.
TITLE_LINE_CHARS = 40


def title_lines(text: str, width: int = TITLE_LINE_CHARS) -> str | list[str]:
    """A title as lines of at most `width` characters, broken at spaces (one string if it fits)."""
    import textwrap

    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return lines if len(lines) > 1 else text


def fit_narrow(spec: dict) -> dict:
    """A Vega-Lite spec that fits a phone's width: titles wrapped to lines and legends stacked one
    entry per row (a row of legend entries runs off the side of a narrow chart). A new dict: specs
    are cached and shared, so the input is left unchanged."""
    out = dict(spec)
    if "layer" in out:
        out["layer"] = [dict(layer) for layer in out["layer"]]
    for part in [out] + out.get("layer", []):
        title = part.get("title")
        if isinstance(title, str):
            part["title"] = title_lines(title)
        elif isinstance(title, dict) and isinstance(title.get("text"), str):
            part["title"] = {**title, "text": title_lines(title["text"])}
    out["config"] = {**out.get("config", {}), "legend": {**out.get("config", {}).get("legend", {}), "columns": 1}}
    lines = max((len(t["text"]) for t in [out.get("title")] if isinstance(t, dict) and isinstance(t.get("text"), list)), default=1)
    if lines > 1:
        # Vega lays a title out as one line when a chart is sized to fit its container: the padding
        # keeps the other lines from being drawn above the chart, over what precedes it.
        out["padding"] = {"top": 5 + 20 * (lines - 1), "left": 5, "right": 5, "bottom": 5}
    return out
