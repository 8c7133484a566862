"""Report cards: Ofsted's inspections of schools and early years providers from 10 November 2025.

A report card grades each evaluation area on a five-point scale (exceptional, strong standard,
expected standard, needs attention, urgent improvement) and says whether safeguarding standards are
met; it gives no overall grade (Ofsted, "School inspection toolkit" and "Early years inspection
toolkit", November 2025). Its grades are a scale of their own: they are never counted as good or
outstanding, never ranked against the four-point grades and never an overall grade
(outcomes.domain.frameworks.overall_grade refuses them).

Each evaluation area is a judgement of its own in the judgements table, under an id starting `rc_`,
so it can never be read as one of the education inspection framework's key judgements (whose ids
and grades are kept beside it for the same school).
"""
from __future__ import annotations

import datetime as dt

START = dt.date(2025, 11, 10)  # the first report card inspections

# The scale, best first, with Ofsted's words.
LABELS: dict[str, str] = {
    "exceptional": "Exceptional",
    "strong_standard": "Strong standard",
    "expected_standard": "Expected standard",
    "needs_attention": "Needs attention",
    "urgent_improvement": "Urgent improvement",
}
SCALE = tuple(LABELS)
WORDS = {label.lower(): code for code, label in LABELS.items()}  # published label (lower case) -> grade
# The share a report card measure counts: an area at the expected standard or better. It is the
# report card's own threshold, not "good or outstanding": the two are never added together.
EXPECTED_OR_BETTER = frozenset(SCALE[:3])

PREFIX = "rc_"
SAFEGUARDING = "rc_safeguarding"  # met or not met, never a grade on the scale

# The evaluation areas of a school's report card, in Ofsted's order, as its monthly management
# information names its columns (early years and post-16 only where a school has the provision).
SCHOOL_AREAS: dict[str, str] = {
    "rc_inclusion": "Inclusion",
    "rc_curriculum_and_teaching": "Curriculum and teaching",
    "rc_achievement": "Achievement",
    "rc_attendance_and_behaviour": "Attendance and behaviour",
    "rc_personal_development_and_wellbeing": "Personal development and wellbeing",
    "rc_early_years": "Early years (where applicable)",
    "rc_post_16": "Post-16 provision (where applicable)",
    "rc_leadership_and_governance": "Leadership and governance",
}
# The evaluation areas of an early years report card, as the quarterly management information names
# them after its "EYR REIF: Most recent: " prefix.
EARLY_YEARS_AREAS: dict[str, str] = {
    "rc_inclusion": "Inclusion",
    "rc_curriculum_and_teaching": "Curriculum and teaching",
    "rc_achievement": "Achievement",
    "rc_behaviour_attitudes_and_routines": "Behaviour, attitudes and establishing routines",
    "rc_childrens_welfare_and_wellbeing": "Children's welfare and wellbeing",
    "rc_leadership_and_governance": "Leadership and governance",
}
SAFEGUARDING_LABEL = "Safeguarding standards"


def is_report_card(judgement: object) -> bool:
    """A judgement id of a report card (an evaluation area or its safeguarding)."""
    return isinstance(judgement, str) and judgement.startswith(PREFIX)


# Both orders in one: each report card's areas keep Ofsted's order within it; safeguarding comes last.
_ORDER = ["rc_inclusion", "rc_curriculum_and_teaching", "rc_achievement", "rc_attendance_and_behaviour",
          "rc_behaviour_attitudes_and_routines", "rc_personal_development_and_wellbeing", "rc_childrens_welfare_and_wellbeing",
          "rc_early_years", "rc_post_16", "rc_leadership_and_governance"]


def area_order(judgement: str) -> int:
    """Ofsted's order of the areas (schools' and early years' together), safeguarding last."""
    return _ORDER.index(judgement) if judgement in _ORDER else len(_ORDER)
