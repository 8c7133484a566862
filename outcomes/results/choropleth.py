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
    if not features:
        raise ValueError("no features to draw: load them with load_shapes")
    if kind not in ("share", "count", "category"):
        raise ValueError(f"kind must be 'share', 'count' or 'category', not {kind!r}")
    for col in (code_col, value_col):
        if col not in values.columns:
            raise KeyError(f"column {col!r} is not in the values table")
    tips = [(t, t) if isinstance(t, str) else (t[0], t[1]) for t in tooltip_cols]
    for col, _ in tips:
        if col not in values.columns:
            raise KeyError(f"tooltip column {col!r} is not in the values table")

    # Fixed field names inside the chart: a column name with a dot or bracket would be read
    # by Vega as a nested field.
    df = pd.DataFrame({"key": values[code_col].astype(str).str.strip(), "value": values[value_col]})
    for i, (col, _) in enumerate(tips):
        df[f"tip{i}"] = values[col].to_numpy()

    feature_codes = [f["properties"]["code"] for f in features]
    dupes = sorted(set(df.loc[df["key"].duplicated(), "key"]))
    if dupes:
        raise ValueError(f"more than one row for {', '.join(dupes)}: combine them before mapping")
    unmapped = sorted(set(df["key"]) - set(feature_codes))
    if unmapped:
        raise ValueError(f"no shape among the features for {', '.join(unmapped)} "
                         f"(map former LAs with shape_code_for, or drop these rows)")
    if kind == "share":
        v = pd.to_numeric(df["value"], errors="raise")
        if ((v < 0) | (v > 1)).any():
            raise ValueError(f"share values must be fractions between 0 and 1 ({value_col})")
        df["value"] = v
    elif kind == "count":
        df["value"] = pd.to_numeric(df["value"], errors="raise")
    else:
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

    has_value = set(df.loc[df["value"].notna(), "key"])
    any_missing = any(c not in has_value for c in feature_codes)
    records = json.loads(df.to_json(orient="records", date_format="iso"))
    legend_title = legend_title or _words(value_col)
    fmt = {"share": ".0%", "count": ",.0f"}.get(kind)

    values_data = {"name": "values"}
    # With a URL the browser fetches every area's shape and keeps those of `features`.
    shapes = ({"data": {"values": list(features)}} if url is None else
              {"data": {"url": url, "format": {"type": "json", "property": "features"}}})
    only_features = [] if url is None else [{"filter": f"indexof({json.dumps(feature_codes)}, datum.properties.code) >= 0"}]

    def lookup(fields: list[str]) -> dict:
        return {"lookup": "properties.code", "from": {"data": values_data, "key": "key", "fields": fields}}

    label_expr = ("isValid(datum.value) ? " + (f"format(datum.value, '{fmt}')" if fmt else "datum.value")
                  + f" : '{NO_DATA}'")
    tooltip = [{"field": "name", "title": area_label, "type": "nominal"},
               {"field": "value_label", "title": legend_title, "type": "nominal"}]
    tooltip += [{"field": f"tip{i}", "title": t, "type": "nominal"} for i, (_, t) in enumerate(tips)]
    transform = [*only_features, lookup(["value", *[f"tip{i}" for i in range(len(tips))]]),
                 {"calculate": "datum.properties.code", "as": "code"},
                 {"calculate": "datum.properties.name", "as": "name"},
                 {"calculate": label_expr, "as": "value_label"}]
    # The selected area, or the page's own LA (`highlight`), is outlined in black.
    # outcomes.web.cache swaps a placeholder `highlight` for the LA's code in the finished spec's JSON.
    outlined = f"datum.code === {json.dumps(highlight)}"
    encoding = {
        "stroke": {"condition": [{"param": "la", "value": SELECTED_STROKE, "empty": False},
                                 {"test": outlined, "value": SELECTED_STROKE}], "value": "white"},
        "strokeWidth": {"condition": [{"param": "la", "value": 2, "empty": False},
                                      {"test": outlined, "value": 2.5}], "value": 0.5},
        "tooltip": tooltip,
    }
    # Clicking an area selects its code; a page reads it from Streamlit's event (mapping.clicked_code).
    la = {"name": "la", "select": {"type": "point", "fields": ["code"]}}
    main = {**shapes, "mark": {"type": "geoshape", "strokeWidth": 0.5}, "encoding": encoding, "transform": transform}

    if kind == "category":
        domain = order + ([NO_DATA] if any_missing else [])
        # Callers with a meaning per category (grades) pass their own colours, so a grade looks
        # the same on the map as on every other chart.
        colours = list(category_colours or AF_CATEGORICAL[: len(order)]) + ([NO_DATA_COLOUR] if any_missing else [])
        encoding["color"] = {"field": "category", "legend": {"orient": "bottom", "symbolType": "square"},
                             "scale": {"domain": domain, "range": colours}, "sort": domain,
                             "title": legend_title, "type": "nominal"}
        transform.append({"calculate": f"isValid(datum.value) ? datum.value : '{NO_DATA}'", "as": "category"})
        layers = [main]
    else:
        # One view holds every area (grey where there is no value) and the selection, so a click
        # anywhere selects. A "No data" legend entry needs a nominal scale of its own: it comes
        # from a layer drawn beneath the main one, wholly covered by it.
        encoding["color"] = {"condition": {"test": "!isValid(datum.value)", "value": NO_DATA_COLOUR},
                             "field": "value", "legend": {"format": fmt, "orient": "bottom"},
                             "scale": {"scheme": {"name": "blues", "extent": [0.2, 1]}},
                             "title": legend_title, "type": "quantitative"}
        layers = [main]
        if any_missing:
            legend_only = {**shapes, "mark": {"type": "geoshape", "stroke": None, "strokeWidth": 0},
                           "encoding": {"color": {"field": "status", "legend": {"orient": "bottom", "symbolType": "square"},
                                                  "scale": {"domain": [NO_DATA], "range": [NO_DATA_COLOUR]},
                                                  "title": None, "type": "nominal"}},
                           "transform": [*only_features, lookup(["value"]), {"filter": "!isValid(datum.value)"},
                                         {"calculate": f"'{NO_DATA}'", "as": "status"}]}
            layers = [legend_only, {**main, "name": MAIN_VIEW}]

    if not description:
        n = len(has_value)
        description = (f"Map of England by {area_label.lower()}: {title}. {n} of {len(feature_codes)} areas "
                       f"have a value; areas without one are grey. The table beside the map gives every value.")
    top = {"description": description, "height": height, "projection": {"type": "mercator"}, "title": title,
           "width": "container"}
    if len(layers) == 1:
        body = {**main, **top, "params": [la]}
    else:
        body = {"layer": layers, **top, "params": [{**la, "views": [MAIN_VIEW]}],
                "resolve": {"scale": {"color": "independent"}}}
    return charts.spec(body, {"values": records})
