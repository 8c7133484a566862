"""The colours of every chart and map, said once: the Analysis Function palette (GSS guidance "Data
visualisation: colours", 2023), its categorical order chosen so neighbouring colours differ in
lightness (3:1 between neighbours), and one colour per grade, the same on every chart and map."""
from __future__ import annotations

# Analysis Function colour palette (GSS guidance "Data visualisation: colours", 2023):
# categorical order chosen so neighbouring colours differ in lightness (3:1 between neighbours).
AF_PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
AF_SEQUENTIAL = ["#C8DCEF", "#8DB4D9", "#4F84BB", "#12436D"]
NO_DATA = "#D9D9D9"  # light grey: an area or bar with no value

# One colour per grade, best to worst, consistent on every chart.
GRADE_COLOURS = {
    "outstanding": "#12436D", "good": "#28A197", "requires_improvement": "#F46A25", "adequate": "#F46A25",
    "satisfactory": "#F46A25", "inadequate": "#801650", "positive": "#12436D", "inconsistent": "#F46A25",
    "widespread_failings": "#801650", "consistently_strong": "#12436D", "inconsistent_quality": "#F46A25",
    "serious_weaknesses": "#801650",
    # Report cards' own five points (an evaluation area's grade), best to worst.
    "exceptional": "#12436D", "strong_standard": "#28A197", "expected_standard": "#4F84BB", "needs_attention": "#F46A25",
    "urgent_improvement": "#801650",
    "no_overall_grade": "#A285D1", "not_known": "#3D3D3D",
    "not_yet_graded": "#707070",
}
SELECTED_STROKE = "#0B0C0C"  # the outline of the chosen area on a map
