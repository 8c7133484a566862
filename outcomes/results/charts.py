"""Vega-Lite chart specs as plain dicts: Analysis Function palette, titles that state the finding,
tooltips, and an accessible description on every chart. Meaning is never carried by colour alone:
bars are labelled and ordered, lines are marked with points and named at their ends.

Specs are written out directly rather than built with Altair: Altair's objects and `to_dict`
(deep copies, schema look-ups, data frame sanitising) were about a third of a first page view.
Tests validate every kind of spec against the Vega-Lite schema instead. Data go in top-level
`datasets` under short stable names, as JSON records (dates as ISO strings, no NaN).
"""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import pandas as pd

from outcomes.domain.frameworks import GRADE_LABELS
from outcomes.results.palette import AF_PALETTE, GRADE_COLOURS

@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec ready to draw (built once per input and shared: never changed in place) and
    the sentence shown beneath it."""
    spec: dict
    description: str


# The Vega-Lite version the specs are written for (the schema the tests validate against).
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
# Vega-Lite's default view size for continuous axes, written out as Altair's default theme did.
VIEW_CONFIG = {"view": {"continuousWidth": 300, "continuousHeight": 300}}

def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows of `columns` as JSON-able dicts. Datetimes become ISO strings without a time zone, as
    Altair wrote them (the browser reads them as local midnight, so "%Y" and "%d %B %Y" show the
    date itself); missing values become None (NaN is not JSON); numpy numbers become Python's."""
    cols = []
    for c in columns:
        s = frame[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            cols.append([None if pd.isna(v) else v.isoformat() for v in s])
        else:
            cols.append(_plain_list(s))
    return [dict(zip(columns, row)) for row in zip(*cols)]


def _plain(v):
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return v.item() if hasattr(v, "item") else v


def _plain_list(s: pd.Series) -> list:
    return [_plain(v) for v in s.tolist()]


def _theme_title(title: str, subtitle: str = "") -> dict:
    out = {"text": title, "anchor": "start", "fontSize": 16, "subtitleColor": "#3D3D3D", "subtitleFontSize": 13}
    if subtitle:
        out["subtitle"] = subtitle
    return out


def _field(name: str, kind: str, **props) -> dict:
    return {"field": name, "type": kind, **props}


def spec(body: dict, datasets: dict[str, list[dict]]) -> dict:
    """A whole spec: the view defaults, the data and the schema, made to fit a phone (fit_narrow)."""
    return fit_narrow({"config": dict(VIEW_CONFIG), **body, "$schema": SCHEMA, "datasets": datasets})


def grade_distribution(counts: pd.DataFrame, title: str, description: str, unit: str = "Providers",
                       subtitle: str = "") -> dict:
    """Horizontal bars, one per grade, labelled with count and share. counts: grade, n. subtitle:
    the framework breaks the counts straddle (frameworks.no_grade_words)."""
    data = counts[counts["n"] > 0]
    total = data["n"].sum()
    shares = (100 * data["n"] / total).round(1).tolist() if total else [0] * len(data)
    values = [{"label": GRADE_LABELS[g], "n": _plain(n), "share": share, "text": f"{n:,} ({share:.0f}%)"}
              for g, n, share in zip(data["grade"], data["n"].tolist(), shares)]
    present = set(data["grade"])
    grades = [g for g in GRADE_COLOURS if g in present]
    order = [GRADE_LABELS[g] for g in grades]
    encoding = {
        "tooltip": [_field("label", "nominal", title="Grade"), _field("n", "quantitative", format=",", title=unit),
                    _field("share", "quantitative", format=".1f", title="Share (%)")],
        "x": _field("n", "quantitative", axis={"format": ",d"}, title=unit),
        "y": _field("label", "nominal", axis={"labelFontSize": 13, "labelLimit": 260}, sort=order, title=None),
    }
    colour = _field("label", "nominal", legend=None, scale={"domain": order, "range": [GRADE_COLOURS[g] for g in grades]})
    # Altair's layering put the title and description on each layer; kept so the chart draws as before.
    common = {"description": description, "title": _theme_title(title, subtitle)}
    bars = {"mark": {"type": "bar", "color": AF_PALETTE[0]}, **common, "encoding": {"color": colour, **encoding}}
    labels = {"mark": {"type": "text", "align": "left", "color": "#0B0C0C", "dx": 4, "fontSize": 13}, **common,
              "encoding": {"text": _field("text", "nominal"), **encoding}}
    return spec({"layer": [bars, labels], "data": {"name": "values"}, "description": description,
                  "height": {"step": 36}, "width": "container"}, {"values": values})


def trend(series: pd.DataFrame, title: str, description: str, breaks: pd.DataFrame | None = None,
          y_title: str = "Good or outstanding (%)") -> dict:
    """Share over time, one line per series, points marked; framework breaks as labelled rules.

    series: date (datetime), value, series (name). breaks: date, label.
    """
    data = series.dropna(subset=["value"])
    names = list(dict.fromkeys(data["series"]))
    encoding = {
        "color": _field("series", "nominal", legend={"labelLimit": 300, "orient": "bottom"},
                        scale={"domain": names, "range": AF_PALETTE[:len(names)]}, title=None),
        "tooltip": [_field("series", "nominal", title="Series"), _field("date", "temporal", format="%d %B %Y", title="As at"),
                    _field("value", "quantitative", format=".1f", title=y_title)],
        # One tick a year: with releases six months apart Vega's own ticks named each year twice.
        "x": _field("date", "temporal", axis={"format": "%Y", "tickCount": {"interval": "year", "step": 1}}, title="As at"),
        "y": _field("value", "quantitative", scale={"nice": True, "zero": False}, title=y_title),
    }
    shapes = _field("series", "nominal", legend=None, scale={"range": ["circle", "square", "triangle-up", "diamond"]})
    values = {"name": "values"}
    layers = [{"data": values, "mark": {"type": "line", "strokeWidth": 2.5}, "encoding": encoding},
              {"data": values, "mark": {"type": "point", "filled": True, "size": 70}, "encoding": {**encoding, "shape": shapes}}]
    datasets = {"values": records(data, ["date", "value", "series"])}
    if breaks is not None and len(breaks):
        datasets["breaks"] = records(breaks, ["date", "label"])
        layers.append({"data": {"name": "breaks"}, "mark": {"type": "rule", "color": "#3D3D3D", "strokeDash": [6, 4]},
                       "encoding": {"tooltip": [_field("label", "nominal", title="Framework change"),
                                                _field("date", "temporal", format="%B %Y")],
                                    "x": _field("date", "temporal")}})
        # Labels stagger down the chart so neighbouring breaks do not overprint each other.
        staggered = breaks.sort_values("date").assign(row=lambda d: [4 + 16 * (i % 4) for i in range(len(d))])
        # Labels of breaks in the later half run leftwards from their rule, so no label reaches past
        # the plot: a label beyond it would squeeze the plot on a narrow screen (autosize "fit").
        middle = data["date"].min() + (data["date"].max() - data["date"].min()) / 2 if len(data) else None
        later = staggered["date"] > middle if middle is not None else pd.Series(False, index=staggered.index)
        for name, part, align, dx in (("breaks_left", staggered[~later], "left", 4), ("breaks_right", staggered[later], "right", -4)):
            if len(part):
                datasets[name] = records(part, ["date", "label", "row"])
                layers.append({"data": {"name": name},
                               "mark": {"type": "text", "align": align, "baseline": "top", "color": "#3D3D3D", "dx": dx, "fontSize": 12},
                               "encoding": {"text": _field("label", "nominal"), "x": _field("date", "temporal"),
                                            "y": _field("row", "quantitative", scale=None)}})
    body = {"layer": layers, "description": description, "height": 360, "title": _theme_title(title), "width": "container"}
    if len(layers) == 2:  # no breaks: the layers share their data, as Altair wrote it
        body["data"] = values
        for layer in layers:
            del layer["data"]
    return spec(body, datasets)


def comparison(frame: pd.DataFrame, title: str, description: str, value_title: str = "Good or outstanding (%)",
               subtitle: str = "") -> dict:
    """Bars comparing an area with its region and England. frame: area, value, kind."""
    data = frame.dropna(subset=["value"])
    values = [{"area": a, "value": _plain(v), "kind": k, "text": f"{v:.1f}%"}
              for a, v, k in zip(data["area"], data["value"].tolist(), data["kind"])]
    order = list(data["area"])
    encoding = {
        "tooltip": [_field("area", "nominal", title="Area"), _field("value", "quantitative", format=".1f", title=value_title)],
        "x": _field("value", "quantitative", scale={"domain": [0, 100]}, title=value_title),
        "y": _field("area", "nominal", axis={"labelFontSize": 13, "labelLimit": 260}, sort=order, title=None),
    }
    colour = _field("kind", "nominal", legend=None, scale={"domain": ["This area", "Region", "England"],
                                                           "range": [AF_PALETTE[0], AF_PALETTE[1], AF_PALETTE[4]]})
    common = {"description": description, "title": _theme_title(title, subtitle)}
    bars = {"mark": {"type": "bar"}, **common, "encoding": {"color": colour, **encoding}}
    labels = {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 13}, **common,
              "encoding": {"text": _field("text", "nominal"), **encoding}}
    return spec({"layer": [bars, labels], "data": {"name": "values"}, "description": description,
                  "height": {"step": 40}, "width": "container"}, {"values": values})


def stacked_by_area(table: pd.DataFrame, area_col: str, grades: list[str], title: str, description: str,
                    subtitle: str = "") -> dict:
    """100% stacked bars of grades per area (regions), sorted by share good or outstanding."""
    grades = list(dict.fromkeys(grades))  # a grade named twice is one segment, as pandas' melt made it
    values = [{area_col: _plain(a), "n": _plain(n), "label": GRADE_LABELS[g]}
              for g in grades for a, n in zip(table[area_col].tolist(), table[g].tolist())]
    order = [GRADE_LABELS[g] for g in grades]
    # White edges between segments: each colour then needs 3:1 only against white (WCAG 1.4.11),
    # not against its neighbour.
    return spec({
        "data": {"name": "values"},
        "mark": {"type": "bar", "stroke": "white", "strokeWidth": 1},
        "description": description,
        "encoding": {
            "color": _field("label", "nominal", legend={"orient": "bottom"},
                            scale={"domain": order, "range": [GRADE_COLOURS[g] for g in grades]}, title="Grade"),
            "order": _field("grade_order", "quantitative"),
            "tooltip": [_field(area_col, "nominal", title="Area"), _field("label", "nominal", title="Grade"),
                        _field("n", "quantitative", title="Providers")],
            "x": _field("n", "quantitative", aggregate="sum", axis={"format": "%"}, stack="normalize",
                        title="Share of providers"),
            "y": _field(area_col, "nominal", axis={"labelLimit": 260}, sort=_plain_list(table[area_col]), title=None),
        },
        "height": {"step": 30},
        "title": _theme_title(title, subtitle),
        "transform": [{"calculate": f"indexof({order!r}, datum.label)", "as": "grade_order"}],
        "width": "container",
    }, {"values": values})


# A phone is about 360 px across inside the page's margins; a 16 px bold title fits about 40
# characters in that. Vega-Lite does not wrap titles (it cuts them with "…"), so long titles are
# given as lines, on every screen: the finding a title states is never cut off.
TITLE_LINE_CHARS = 40


def title_lines(text: str, width: int = TITLE_LINE_CHARS) -> str | list[str]:
    """A title as lines of at most `width` characters, broken at spaces (one string if it fits)."""
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
            if isinstance(title.get("subtitle"), str):  # a subtitle is cut off the same way
                part["title"]["subtitle"] = title_lines(title["subtitle"])
    out["config"] = {**out.get("config", {}), "legend": {**out.get("config", {}).get("legend", {}), "columns": 1}}
    # Fit the container's width only. Streamlit's default for a chart as wide as its container is
    # "fit" in both directions, which squeezes the title's lines, the axes and a stacked legend into
    # the chart's height: a trend's plot was left about 20 px tall (the lines flat, one tick on the
    # axis). With "fit-x" the plot keeps its height and the title, axes and legend are added to it.
    out["autosize"] = {"type": "fit-x", "contains": "padding"}
    return out
