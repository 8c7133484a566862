"""A Vega-Lite choropleth over boundary shapes (outcomes.domain.boundaries).

No Streamlit here. A page draws `choropleth(...)` with st.vega_lite_chart(..., on_select="rerun")
and reads the clicked LA from the selection named "la" (field `code`).
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from outcomes.results import charts, palette
from outcomes.results.palette import AF_PALETTE, SELECTED_STROKE

AF_CATEGORICAL = tuple(AF_PALETTE)
NO_DATA_COLOUR = palette.NO_DATA
NO_DATA = "No data"
# The layer holding the areas and the selection, when a "No data" legend layer sits beneath it.
MAIN_VIEW = "areas"

def _words(col: str) -> str:
    s = str(col).replace("_", " ").strip()
    return s[:1].upper() + s[1:]


def choropleth(features: Sequence[dict], values: pd.DataFrame, code_col: str, value_col: str, title: str,
               kind: str = "share", category_order: Sequence[str] | None = None,
               category_colours: Sequence[str] | None = None,
               tooltip_cols: Sequence[str | tuple[str, str]] = (), *, legend_title: str | None = None,
               area_label: str = "Local authority", description: str | None = None,
               height: int = 560, highlight: str | None = None, url: str | None = None) -> dict:
    """A Vega-Lite choropleth spec (a dict, ready to draw) of `values` joined to `features` by code
    (a Vega lookup on properties.code).

    kind "share": value_col holds fractions 0-1, shown as percentages; "count": numbers;
    "category": labels, coloured in `category_order` (default: sorted) with the AF palette.
    Areas with no value are light grey, with a "No data" legend entry. tooltip_cols are extra
    columns of `values` (a name, or (name, title)). Clicking an area selects it in the point
    selection "la" on field `code`. Each code may appear once in `values`, and only codes that
    have a feature (map former LAs with shape_code_for and combine their rows first).
    With `url` (publish_boundaries), the shapes are fetched by the browser from that file and
    filtered to the codes of `features`; the chart itself then carries only the values.
    """
    _check_arguments(features, values, code_col, value_col, kind)
    tips = _tooltip_columns(values, tooltip_cols)
    df = _chart_values(values, code_col, value_col, tips)
    feature_codes = [f["properties"]["code"] for f in features]
    _check_codes(df, feature_codes)
    order = _value_by_kind(df, kind, value_col, category_order)

    has_value = set(df.loc[df["value"].notna(), "key"])
    any_missing = any(c not in has_value for c in feature_codes)
    records = json.loads(df.to_json(orient="records", date_format="iso"))
    legend_title = legend_title or _words(value_col)
    fmt = {"share": ".0%", "count": ",.0f"}.get(kind)

    shapes, only_features = _shapes(features, feature_codes, url)
    transform = _area_transform(only_features, len(tips), fmt)
    encoding = _outline(highlight) | {"tooltip": _tooltip(area_label, legend_title, tips)}
    if kind == "category":
        encoding["color"] = _category_colour(order, category_colours, any_missing, legend_title)
        transform.append({"calculate": f"isValid(datum.value) ? datum.value : '{NO_DATA}'", "as": "category"})
    else:
        encoding["color"] = _scale_colour(fmt, legend_title)
    main = {**shapes, "mark": {"type": "geoshape", "strokeWidth": 0.5}, "encoding": encoding, "transform": transform}
    # Categories carry "No data" in their own legend; a colour scale needs a layer beneath for it.
    layered = kind != "category" and any_missing
    layers = [_no_data_legend(shapes, only_features), {**main, "name": MAIN_VIEW}] if layered else [main]

    if not description:
        description = (f"Map of England by {area_label.lower()}: {title}. {len(has_value)} of {len(feature_codes)} areas "
                       f"have a value; areas without one are grey. The table beside the map gives every value.")
    top = {"description": description, "height": height, "projection": {"type": "mercator"}, "title": title,
           "width": "container"}
    return charts.spec(_body(main, layers, top), {"values": records})


def _check_arguments(features: Sequence[dict], values: pd.DataFrame, code_col: str, value_col: str, kind: str) -> None:
    """Refuse a map of nothing, an unknown kind, or columns the values table lacks."""
    if not features:
        raise ValueError("no features to draw: load them with load_shapes")
    if kind not in ("share", "count", "category"):
        raise ValueError(f"kind must be 'share', 'count' or 'category', not {kind!r}")
    for col in (code_col, value_col):
        if col not in values.columns:
            raise KeyError(f"column {col!r} is not in the values table")


def _tooltip_columns(values: pd.DataFrame, tooltip_cols: Sequence[str | tuple[str, str]]) -> list[tuple[str, str]]:
    """(column, title) of each extra tooltip column, each checked to be in `values`."""
    tips = [(t, t) if isinstance(t, str) else (t[0], t[1]) for t in tooltip_cols]
    for col, _ in tips:
        if col not in values.columns:
            raise KeyError(f"tooltip column {col!r} is not in the values table")
    return tips


def _chart_values(values: pd.DataFrame, code_col: str, value_col: str, tips: list[tuple[str, str]]) -> pd.DataFrame:
    """The values under the chart's own field names: key, value, tip0, tip1, ..."""
    # Fixed field names inside the chart: a column name with a dot or bracket would be read
    # by Vega as a nested field.
    df = pd.DataFrame({"key": values[code_col].astype(str).str.strip(), "value": values[value_col]})
    for i, (col, _) in enumerate(tips):
        df[f"tip{i}"] = values[col].to_numpy()
    return df


def _check_codes(df: pd.DataFrame, feature_codes: list[str]) -> None:
    """Each code once, and each with a shape among the features."""
    dupes = sorted(set(df.loc[df["key"].duplicated(), "key"]))
    if dupes:
        raise ValueError(f"more than one row for {', '.join(dupes)}: combine them before mapping")
    unmapped = sorted(set(df["key"]) - set(feature_codes))
    if unmapped:
        raise ValueError(f"no shape among the features for {', '.join(unmapped)} "
                         f"(map former LAs with shape_code_for, or drop these rows)")


def _value_by_kind(df: pd.DataFrame, kind: str, value_col: str, category_order: Sequence[str] | None) -> list[str] | None:
    """Check and convert df["value"] in place for its kind; the categories in order (None unless "category")."""
    if kind == "share":
        v = pd.to_numeric(df["value"], errors="raise")
        if ((v < 0) | (v > 1)).any():
            raise ValueError(f"share values must be fractions between 0 and 1 ({value_col})")
        df["value"] = v
    elif kind == "count":
        df["value"] = pd.to_numeric(df["value"], errors="raise")
    else:
        return _categories(df, category_order)
    return None


def _categories(df: pd.DataFrame, category_order: Sequence[str] | None) -> list[str]:
    """The categories in legend order (default: sorted); df["value"] becomes text, missing kept missing."""
    present = [x for x in pd.unique(df["value"].dropna())]
    order = list(category_order) if category_order is not None else sorted(map(str, present))
    df["value"] = df["value"].where(df["value"].isna(), df["value"].astype(str))
    unknown = sorted({str(x) for x in present} - set(order))
    if unknown:
        raise ValueError(f"categories not in category_order: {', '.join(unknown)}")
    if NO_DATA in order:
        raise ValueError(f"{NO_DATA!r} is kept for areas without a value; it is not a category")
    if len(order) > len(AF_CATEGORICAL):
        raise ValueError(f"{len(order)} categories: the palette has {len(AF_CATEGORICAL)} colours")
    return order


def _shapes(features: Sequence[dict], feature_codes: list[str], url: str | None) -> tuple[dict, list[dict]]:
    """The shapes' data, and the transform that keeps only those of `features` (none when they are inline)."""
    # With a URL the browser fetches every area's shape and keeps those of `features`.
    shapes = ({"data": {"values": list(features)}} if url is None else
              {"data": {"url": url, "format": {"type": "json", "property": "features"}}})
    only_features = [] if url is None else [{"filter": f"indexof({json.dumps(feature_codes)}, datum.properties.code) >= 0"}]
    return shapes, only_features


def _lookup(fields: list[str]) -> dict:
    """The transform joining the chart's values to each shape by its code."""
    return {"lookup": "properties.code", "from": {"data": {"name": "values"}, "key": "key", "fields": fields}}


def _area_transform(only_features: list[dict], n_tips: int, fmt: str | None) -> list[dict]:
    """Each area's value and tooltips looked up, with its code, name and value as text."""
    label_expr = ("isValid(datum.value) ? " + (f"format(datum.value, '{fmt}')" if fmt else "datum.value")
                  + f" : '{NO_DATA}'")
    return [*only_features, _lookup(["value", *[f"tip{i}" for i in range(n_tips)]]),
            {"calculate": "datum.properties.code", "as": "code"},
            {"calculate": "datum.properties.name", "as": "name"},
            {"calculate": label_expr, "as": "value_label"}]


def _tooltip(area_label: str, legend_title: str, tips: list[tuple[str, str]]) -> list[dict]:
    """The area's name, its value as text, then the extra columns."""
    tooltip = [{"field": "name", "title": area_label, "type": "nominal"},
               {"field": "value_label", "title": legend_title, "type": "nominal"}]
    return tooltip + [{"field": f"tip{i}", "title": t, "type": "nominal"} for i, (_, t) in enumerate(tips)]


def _outline(highlight: str | None) -> dict:
    """The stroke encoding: white edges, black around the selected area and `highlight`."""
    # The selected area, or the page's own LA (`highlight`), is outlined in black.
    # outcomes.web.cache swaps a placeholder `highlight` for the LA's code in the finished spec's JSON.
    outlined = f"datum.code === {json.dumps(highlight)}"
    return {
        "stroke": {"condition": [{"param": "la", "value": SELECTED_STROKE, "empty": False},
                                 {"test": outlined, "value": SELECTED_STROKE}], "value": "white"},
        "strokeWidth": {"condition": [{"param": "la", "value": 2, "empty": False},
                                      {"test": outlined, "value": 2.5}], "value": 0.5},
    }


def _category_colour(order: list[str], category_colours: Sequence[str] | None, any_missing: bool,
                     legend_title: str) -> dict:
    """A nominal colour encoding in `order`, with "No data" last when some area has no value."""
    domain = order + ([NO_DATA] if any_missing else [])
    # Callers with a meaning per category (grades) pass their own colours, so a grade looks
    # the same on the map as on every other chart.
    colours = list(category_colours or AF_CATEGORICAL[: len(order)]) + ([NO_DATA_COLOUR] if any_missing else [])
    return {"field": "category", "legend": {"orient": "bottom", "symbolType": "square"},
            "scale": {"domain": domain, "range": colours}, "sort": domain,
            "title": legend_title, "type": "nominal"}


def _scale_colour(fmt: str | None, legend_title: str) -> dict:
    """A quantitative blue scale; an area without a value is grey."""
    return {"condition": {"test": "!isValid(datum.value)", "value": NO_DATA_COLOUR},
            "field": "value", "legend": {"format": fmt, "orient": "bottom"},
            "scale": {"scheme": {"name": "blues", "extent": [0.2, 1]}},
            "title": legend_title, "type": "quantitative"}


def _no_data_legend(shapes: dict, only_features: list[dict]) -> dict:
    """A layer of the areas without a value, to be drawn beneath the areas: it gives the "No data" legend entry."""
    # One view holds every area (grey where there is no value) and the selection, so a click
    # anywhere selects. A "No data" legend entry needs a nominal scale of its own: it comes
    # from a layer drawn beneath the main one, wholly covered by it.
    return {**shapes, "mark": {"type": "geoshape", "stroke": None, "strokeWidth": 0},
            "encoding": {"color": {"field": "status", "legend": {"orient": "bottom", "symbolType": "square"},
                                   "scale": {"domain": [NO_DATA], "range": [NO_DATA_COLOUR]},
                                   "title": None, "type": "nominal"}},
            "transform": [*only_features, _lookup(["value"]), {"filter": "!isValid(datum.value)"},
                          {"calculate": f"'{NO_DATA}'", "as": "status"}]}


def _body(main: dict, layers: list[dict], top: dict) -> dict:
    """The chart: the areas alone, or the layers with the selection on the areas' layer."""
    # Clicking an area selects its code; a page reads it from Streamlit's event (mapping.clicked_code).
    la = {"name": "la", "select": {"type": "point", "fields": ["code"]}}
    if len(layers) == 1:
        return {**main, **top, "params": [la]}
    return {"layer": layers, **top, "params": [{**la, "views": [MAIN_VIEW]}],
            "resolve": {"scale": {"color": "independent"}}}
