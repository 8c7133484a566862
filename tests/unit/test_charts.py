"""Chart builders: colours readable against the page, titles and descriptions on every chart,
meaning not by colour alone."""
from __future__ import annotations

import pandas as pd
import pytest

from outcomes import charts


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


@pytest.mark.parametrize("grade,colour", list(charts.GRADE_COLOURS.items()))
def test_every_grade_colour_stands_out_from_the_white_page(grade, colour):
    assert contrast(colour, "#FFFFFF") >= 3.0, f"{grade} {colour} is below 3:1 against white (WCAG 1.4.11)"


def test_grades_that_mean_different_things_look_different():
    c = charts.GRADE_COLOURS
    for a, b in [("outstanding", "good"), ("good", "requires_improvement"), ("requires_improvement", "inadequate"),
                 ("not_yet_graded", "not_known")]:
        assert c[a] != c[b]


def _counts():
    return pd.DataFrame({"grade": ["outstanding", "good", "requires_improvement", "inadequate"], "n": [10, 60, 20, 5]})


def test_distribution_chart_has_title_description_and_labels_not_just_colour():
    spec = charts.grade_distribution(_counts(), "70% good", "Bar chart of grades.").to_dict()
    assert spec["description"] == "Bar chart of grades."
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert "text" in marks, "each bar carries its count and share as text"


def test_stacked_bars_separate_segments_with_white_edges():
    table = pd.DataFrame({"region_name": ["London", "North East"], "outstanding": [5, 3], "good": [10, 9]})
    spec = charts.stacked_by_area(table, "region_name", ["outstanding", "good"], "t", "d").to_dict()
    assert spec["mark"]["stroke"] == "white"


def test_trend_marks_each_series_with_a_shape_and_labels_breaks():
    data = pd.DataFrame({"date": pd.to_datetime(["2020-03-31", "2021-03-31"] * 2), "value": [80, 81, 70, 72],
                         "series": ["England", "England", "Leeds", "Leeds"]})
    breaks = pd.DataFrame({"date": pd.to_datetime(["2020-09-01"]), "label": ["New framework"]})
    spec = charts.trend(data, "t", "Line chart.", breaks).to_dict()
    assert spec["description"] == "Line chart."
    encodings = [layer.get("encoding", {}) for layer in spec["layer"]]
    assert any("shape" in e for e in encodings), "series are told apart by point shape as well as colour"
    assert any(layer.get("mark", {}).get("type") == "text" for layer in spec["layer"] if isinstance(layer.get("mark"), dict))
