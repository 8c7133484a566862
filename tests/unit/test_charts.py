"""Chart builders: colours readable against the page, titles and descriptions on every chart,
meaning not by colour alone."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from outcomes.results import charts
from outcomes.results import palette


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("grade,colour", list(palette.GRADE_COLOURS.items()))
def test_every_grade_colour_stands_out_from_the_white_page(grade, colour):
    assert contrast(colour, "#FFFFFF") >= 3.0, f"{grade} {colour} is below 3:1 against white (WCAG 1.4.11)"


def test_grades_that_mean_different_things_look_different():
    c = palette.GRADE_COLOURS
    for a, b in [("outstanding", "good"), ("good", "requires_improvement"), ("requires_improvement", "inadequate"),
                 ("not_yet_graded", "not_known")]:
        assert c[a] != c[b]


def _counts():
    return pd.DataFrame({"grade": ["outstanding", "good", "requires_improvement", "inadequate"], "n": [10, 60, 20, 5]})


def test_distribution_chart_has_title_description_and_labels_not_just_colour():
    spec = charts.grade_distribution(_counts(), "70% good", "Bar chart of grades.")
    assert spec["description"] == "Bar chart of grades."
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert "text" in marks, "each bar carries its count and share as text"


def test_stacked_bars_separate_segments_with_white_edges():
    table = pd.DataFrame({"region_name": ["London", "North East"], "outstanding": [5, 3], "good": [10, 9]})
    spec = charts.stacked_by_area(table, "region_name", ["outstanding", "good"], "t", "d")
    assert spec["mark"]["stroke"] == "white"
    assert spec["datasets"]["values"][0] == {"region_name": "London", "n": 5, "label": "Outstanding"}


def test_trend_marks_each_series_with_a_shape_and_labels_breaks():
    data = pd.DataFrame({"date": pd.to_datetime(["2020-03-31", "2021-03-31"] * 2), "value": [80, 81, 70, 72],
                         "series": ["England", "England", "Leeds", "Leeds"]})
    breaks = pd.DataFrame({"date": pd.to_datetime(["2020-09-01"]), "label": ["New framework"]})
    spec = charts.trend(data, "t", "Line chart.", breaks)
    assert spec["description"] == "Line chart."
    encodings = [layer.get("encoding", {}) for layer in spec["layer"]]
    assert any("shape" in e for e in encodings), "series are told apart by point shape as well as colour"
    assert any(layer.get("mark", {}).get("type") == "text" for layer in spec["layer"] if isinstance(layer.get("mark"), dict))


def test_trend_labels_breaks_in_the_later_half_leftwards_and_staggered():
    """A label right of a late rule would run past the plot and squeeze it on a phone."""
    data = pd.DataFrame({"date": pd.to_datetime(["2016-03-31", "2024-03-31"]), "value": [80.0, 81.0],
                         "series": ["England", "England"]})
    breaks = pd.DataFrame({"date": pd.to_datetime(["2017-01-01", "2018-01-01", "2023-01-01"]),
                           "label": ["A", "B", "C"]})
    spec = charts.trend(data, "t", "Line chart.", breaks)
    texts = {layer["data"]["name"]: layer["mark"] for layer in spec["layer"] if layer["mark"]["type"] == "text"}
    assert texts["breaks_left"]["align"] == "left" and texts["breaks_right"]["align"] == "right"
    assert [(r["label"], r["row"]) for r in spec["datasets"]["breaks_left"]] == [("A", 4), ("B", 20)]
    assert spec["datasets"]["breaks_right"] == [{"date": "2023-01-01T00:00:00", "label": "C", "row": 36}]


def test_chart_data_are_json_records_without_nan():
    """Missing values are dropped or null, never NaN (not JSON); dates are ISO text read as local dates."""
    data = pd.DataFrame({"date": pd.to_datetime(["2020-03-31", "2021-03-31", "2021-03-31"]),
                         "value": [80.5, None, 70.0], "series": ["England", "England", "Leeds"]})
    spec = charts.trend(data, "t", "d")
    assert spec["datasets"]["values"] == [{"date": "2020-03-31T00:00:00", "value": 80.5, "series": "England"},
                                          {"date": "2021-03-31T00:00:00", "value": 70.0, "series": "Leeds"}]
    frame = pd.DataFrame({"area": ["Leeds", "Yorkshire and The Humber", "England"], "value": [float("nan"), 80.0, 81.25],
                          "kind": ["This area", "Region", "England"]})
    spec = charts.comparison(frame, "t", "d")
    assert [r["text"] for r in spec["datasets"]["values"]] == ["80.0%", "81.2%"]
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Yorkshire and The Humber", "England"]
    json.dumps(spec, allow_nan=False)


def test_long_titles_come_as_lines_and_legends_one_entry_a_row():
    spec = charts.trend(pd.DataFrame({"date": pd.to_datetime(["2020-03-31"]), "value": [1.0], "series": ["England"]}),
                        "Children's homes good or outstanding over time: Leeds, region and England", "d")
    assert isinstance(spec["title"]["text"], list) and all(len(line) <= charts.TITLE_LINE_CHARS for line in spec["title"]["text"])
    assert spec["config"]["legend"]["columns"] == 1
    # Width fits the screen; the plot keeps its height (a "fit" chart squeezed the plot to make room).
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"} and "padding" not in spec
