"""Judgement scales per inspection framework: raw label -> canonical grade, and comparability.

Ofsted has changed its scales several times. A share "good or outstanding" is only compared
across releases on the same side of a break unless the page says so; the breaks are listed here
with the words the site shows.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from outcomes.domain import report_cards
from outcomes.errors import OutcomesError

# Canonical grades, best first, with the words the site uses.
GRADE_LABELS: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "adequate": "Adequate",
    "satisfactory": "Satisfactory",
    "inadequate": "Inadequate",
    "positive": "Positive experiences and outcomes",
    "inconsistent": "Inconsistent experiences and outcomes",
    "widespread_failings": "Widespread or systemic failings",
    "consistently_strong": "Consistently strong service delivery",
    "inconsistent_quality": "Inconsistent quality of service delivery",
    "serious_weaknesses": "Serious or widespread weaknesses",
    **report_cards.LABELS,  # an evaluation area's grade on a report card, a scale of its own
    "met": "Met",
    "not_met": "Not met",
    "no_overall_grade": "No overall grade (framework gives none)",
    "not_known": "Grade not known",
    "not_yet_graded": "Not yet inspected",
}
GOOD_OR_BETTER = frozenset({"outstanding", "good"})
# Grades a share "inadequate" counts: the worst point of each scale.
BAD_GRADES = frozenset({"inadequate", "widespread_failings", "serious_weaknesses"})
# Grades counted in the denominator of "% good or outstanding": a real overall grade was given.
GRADED = frozenset({"outstanding", "good", "requires_improvement", "adequate", "satisfactory", "inadequate"})
# "Adequate" (social care before April 2015) and "Satisfactory" (schools before September 2012)
# sat third of four, where "Requires improvement" sits now: they rank with it but are not the
# same judgement (Ofsted, "Common inspection framework", 2012 and SCCIF, 2015).
GRADE_RANK = {"outstanding": 1, "good": 2, "requires_improvement": 3, "adequate": 3,
              "satisfactory": 3, "inadequate": 4, "positive": 1, "inconsistent": 2,
              "widespread_failings": 3, "consistently_strong": 1, "inconsistent_quality": 2,
              "serious_weaknesses": 3}


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    provider_type: str
    scale: tuple[str, ...]
    in_force: str  # words, for the methodology page
    has_overall_grade: bool = True
    area_scale: tuple[str, ...] = ()  # report cards: the scale each evaluation area is graded on

    @property
    def scale_words(self) -> str:
        """The scale in words, for the methodology page."""
        words = ", ".join(GRADE_LABELS[g] for g in self.scale)
        if self.area_scale:
            words += "; each evaluation area: " + ", ".join(GRADE_LABELS[g] for g in self.area_scale) + "; safeguarding met or not met"
        return words


# The four-point scale of most frameworks, and the one with "satisfactory" third (to 2012).
FOUR_POINT = ("outstanding", "good", "requires_improvement", "inadequate")
SATISFACTORY_SCALE = ("outstanding", "good", "satisfactory", "inadequate")

FRAMEWORKS: dict[str, Framework] = {f.id: f for f in [
    Framework("social_care_pre_2015", "Social care inspections before SCCIF (four-point scale with 'adequate')",
              "social_care_provider", ("outstanding", "good", "adequate", "inadequate"), "to March 2015"),
    Framework("social_care_boarding_pre_2013", "Boarding and residential special school standards before 2013 ('satisfactory')",
              "social_care_provider", SATISFACTORY_SCALE, "to 2013"),
    Framework("sccif", "Social care common inspection framework (SCCIF)", "social_care_provider",
              FOUR_POINT, "from April 2015"),
    Framework("supported_accommodation", "Supported accommodation (three-point scale, no 'good or outstanding')", "social_care_provider",
              ("consistently_strong", "inconsistent_quality", "serious_weaknesses"), "registration from April 2023, first inspections 2024-25"),
    Framework("sif", "Single inspection framework (SIF) for local authority children's services", "la_childrens_services",
              FOUR_POINT, "November 2013 to December 2017 (re-inspections to 2018)"),
    Framework("ilacs", "Inspecting local authority children's services (ILACS)", "la_childrens_services",
              FOUR_POINT, "January 2018 to 2025"),
    Framework("ilacs_2026", "Reformed ILACS (no single overall grade)", "la_childrens_services",
              ("no_overall_grade",), "from 2026", has_overall_grade=False),
    Framework("area_send_2023", "Area SEND inspections (2023 framework)", "area_send",
              ("positive", "inconsistent", "widespread_failings"), "from January 2023"),
    Framework("schools_pre_2012", "School inspections before September 2012 ('satisfactory')", "state_funded_school",
              SATISFACTORY_SCALE, "to August 2012"),
    Framework("schools_2012", "School inspections, September 2012 to August 2019", "state_funded_school",
              FOUR_POINT, "September 2012 to August 2019"),
    Framework("eif", "Education inspection framework (EIF)", "state_funded_school",
              FOUR_POINT, "September 2019 to August 2024"),
    Framework("eif_no_overall", "EIF without an overall effectiveness grade", "state_funded_school",
              ("no_overall_grade",), "September 2024 to November 2025", has_overall_grade=False),
    Framework("report_cards_2025", "Report cards (five-point scale per area, no overall grade)", "state_funded_school",
              ("no_overall_grade",), "from 10 November 2025", has_overall_grade=False, area_scale=report_cards.SCALE),
    Framework("fe_pre_2012", "Further education inspections before September 2012", "further_education",
              SATISFACTORY_SCALE, "to August 2012"),
    Framework("fe_cif", "Further education common inspection framework", "further_education",
              FOUR_POINT, "September 2012 to August 2019"),
    Framework("fe_eif", "Education inspection framework (EIF), further education", "further_education",
              FOUR_POINT, "from September 2019"),
    Framework("early_years_pre_2012", "Early years inspections before September 2012 ('satisfactory')", "early_years",
              SATISFACTORY_SCALE, "to August 2012"),
    Framework("early_years_2012", "Early years inspections, September 2012 to August 2019", "early_years",
              FOUR_POINT, "September 2012 to August 2019"),
    Framework("early_years_eif", "Education inspection framework (EIF), early years", "early_years",
              FOUR_POINT, "September 2019 to November 2025"),
    Framework("early_years_report_cards", "Early years report cards (five-point scale per area, no overall grade)",
              "early_years", ("no_overall_grade",), "from 10 November 2025", has_overall_grade=False,
              area_scale=report_cards.SCALE),
]}


@dataclass(frozen=True)
class FrameworkBreak:
    provider_type: str
    date: dt.date
    title: str
    explanation: str
    # From this date inspections give no overall grade: a share good or outstanding afterwards is of
    # providers still holding a grade from before, never a continuation of the series.
    ends_overall_grade: bool = False


BREAKS: list[FrameworkBreak] = [
    FrameworkBreak("social_care_provider", dt.date(2015, 4, 1), "SCCIF introduced",
                   "From April 2015 'requires improvement to be good' replaced 'adequate' for children's homes; "
                   "the 31 March 2015 release is mostly on the older scale, so shares before and after are not directly comparable."),
    FrameworkBreak("social_care_provider", dt.date(2024, 4, 1), "Supported accommodation added",
                   "From the 31 March 2025 release Ofsted includes supported accommodation providers, most not yet inspected: "
                   "the number of providers jumps, and shares for all providers are not comparable with earlier years."),
    FrameworkBreak("la_childrens_services", dt.date(2013, 11, 1), "Single inspection framework (SIF) begins",
                   "From November 2013 each authority's children's services had one overall effectiveness grade under the SIF. "
                   "Releases from 31 March 2014 count only the authorities inspected under it by then (11 at that date, all 152 "
                   "by early 2018): early shares are of few authorities, and earlier inspections (2009-2013) used other scales."),
    FrameworkBreak("la_childrens_services", dt.date(2018, 1, 1), "ILACS replaced the single inspection framework",
                   "Local authorities are graded on ILACS from January 2018; until each was re-inspected its latest grade "
                   "may be under the single inspection framework (SIF). Both grade on the same four points, but ILACS judges "
                   "different things, so a change across the break is not only a change in services."),
    FrameworkBreak("la_childrens_services", dt.date(2026, 1, 1), "Reformed ILACS gives no overall grade",
                   "Inspections under the reformed framework from 2026 give no single overall effectiveness grade; those "
                   "authorities are counted as 'no overall grade' and left out of the share good or outstanding."),
    FrameworkBreak("state_funded_school", dt.date(2012, 9, 1), "'Satisfactory' replaced by 'requires improvement'",
                   "Schools last inspected before September 2012 keep a 'satisfactory' grade, counted separately."),
    FrameworkBreak("state_funded_school", dt.date(2019, 9, 1), "Education inspection framework (EIF)",
                   "The EIF added the sub-judgements quality of education, behaviour and attitudes and personal development."),
    FrameworkBreak("state_funded_school", dt.date(2024, 9, 1), "No overall effectiveness grade",
                   "From September 2024 graded inspections give no overall effectiveness grade; from November 2025 report "
                   "cards grade each area on a five-point scale. A share good or outstanding cannot be continued past this point.",
                   ends_overall_grade=True),
    FrameworkBreak("state_funded_school", report_cards.START, "Report cards",
                   "From 10 November 2025 an inspection gives a report card: each evaluation area is graded from exceptional "
                   "to urgent improvement and safeguarding is met or not met, with no overall grade. Report card grades are a "
                   "scale of their own: they are never counted as good or outstanding or compared with earlier grades."),
    FrameworkBreak("early_years", report_cards.START, "Early years report cards: no overall grade",
                   "From 10 November 2025 an early years inspection gives a report card: six evaluation areas graded from "
                   "exceptional to urgent improvement and safeguarding standards met or not met, with no overall "
                   "effectiveness grade. A share good or outstanding after this date is of providers still holding a grade "
                   "from an earlier inspection, never a continuation of the series.", ends_overall_grade=True),
]


# Ungraded (section 8) school inspections do not give a grade: they say whether the school's last
# graded judgement still stands. Their outcomes are a scale of their own, never mixed with grades.
# Three outcomes (Ofsted, School inspection handbook, section 8, September 2024): standards
# maintained; improved significantly (the next inspection will be graded, the school may now be
# better); some aspects not as strong (the next inspection will be graded, it may now be worse).
# Before September 2024 the first was worded "School remains Good/Outstanding" and the others
# "... (Improving) - S5 Next" and "... (Concerns) - S5 Next" ("S5 next": a graded inspection next).
UNGRADED_OUTCOMES: dict[str, str] = {
    "standards_maintained": "Standards maintained (the school's last grade stands)",
    "improved_significantly": "Improved significantly (a graded inspection next)",
    "not_as_strong": "Some aspects not as strong (a graded inspection next)",
}
_UNGRADED_WORDS = {
    "standards maintained": "standards_maintained",
    "school remains good": "standards_maintained",
    "school remains outstanding": "standards_maintained",
    "improved significantly": "improved_significantly",
    "school remains good (improving) - s5 next": "improved_significantly",
    "some aspects not as strong": "not_as_strong",
    "school remains good (concerns) - s5 next": "not_as_strong",
    "school remains outstanding (concerns) - s5 next": "not_as_strong",
}


def ungraded_outcome_of(label: object) -> str | None:
    """Canonical outcome of an ungraded school inspection, None if blank; UnknownGrade otherwise."""
    s = _norm(label)
    if s in ("", "nan", "none", "null"):
        return None
    if s in _UNGRADED_WORDS:
        return _UNGRADED_WORDS[s]
    raise UnknownGrade(f"{label!r} is not an ungraded inspection outcome Ofsted uses "
                       f"(known: {', '.join(sorted(_UNGRADED_WORDS))})")


class UnknownGrade(OutcomesError, ValueError):
    """A published label that no framework of this provider type knows."""


def _norm(label: object) -> str:
    s = "" if label is None else str(label)
    s = s.replace("\n", " ").strip().lower().replace("_", " ")
    s = re.sub(r"\s+", " ", s)
    return s


_WORD_TO_GRADE = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement": "requires_improvement",
    "requires improvement to be good": "requires_improvement",
    "adequate": "adequate",
    "satisfactory": "satisfactory",
    "inadequate": "inadequate",
    "not reported post reform": "no_overall_grade",
    "data unreadable": "not_known",
    "met": "met",
    "not met": "not_met",
    "consistently strong service delivery": "consistently_strong",
    "inconsistent quality of service delivery": "inconsistent_quality",
    "serious or widespread weaknesses": "serious_weaknesses",
    "yes": "met",
    "no": "not_met",
    **report_cards.WORDS,
}
# The types graded on Ofsted's numbered four-point scale (1 outstanding to 4 inadequate), with
# safeguarding as met or not met.
_NUMBERED = ("state_funded_school", "further_education", "early_years")
_SCHOOL_NUMBER = {"1": "outstanding", "2": "good", "3": "requires_improvement", "4": "inadequate"}
_SEND_NUMBER = {"1": "positive", "2": "inconsistent", "3": "widespread_failings"}
# Grades that mean "nothing to report" rather than a judgement (ILACS care leavers before 2023,
# school sub-judgements that did not exist, code 9 / 8 in the schools file).
_NOT_JUDGED = {"", "not judged", "nan", "none", "inspection pre dates judgement", "9", "8", "null", "not applicable", "n/a", "na"}


def _number(label: str) -> str | None:
    m = re.fullmatch(r"(\d)(?:\.0+)?", label)
    return m.group(1) if m else None


def grade_of(provider_type: str, label: object, inspection_date: dt.date | None = None) -> str | None:
    """Canonical grade of a published label, or None where the label means 'not judged'.

    Raises UnknownGrade for a label outside every scale of this provider type.
    """
    s = _norm(label)
    if s in _NOT_JUDGED:
        return None
    num = _number(s)
    if num is not None:
        if provider_type == "area_send" and num in _SEND_NUMBER:
            return _SEND_NUMBER[num]
        if provider_type in _NUMBERED and num in _SCHOOL_NUMBER:
            grade = _SCHOOL_NUMBER[num]
            # Grade 3 was "satisfactory" before September 2012 (Ofsted, framework for school inspection, 2012).
            if grade == "requires_improvement" and inspection_date is not None and inspection_date < dt.date(2012, 9, 1):
                return "satisfactory"
            return grade
        raise UnknownGrade(f"grade code {label!r} is not on the scale of {provider_type}")
    if s in _WORD_TO_GRADE:
        grade = _WORD_TO_GRADE[s]
        allowed = {g for f in FRAMEWORKS.values() if f.provider_type == provider_type for g in f.scale + f.area_scale}
        allowed |= {"no_overall_grade", "not_known"}
        if provider_type in _NUMBERED:
            allowed |= {"met", "not_met"}  # safeguarding is effective? yes/no; report cards: met / not met
        if grade in allowed:
            return grade
    raise UnknownGrade(f"{label!r} is not a grade Ofsted uses for {provider_type}")


def framework_of(provider_type: str, grade: str | None, inspection_date: dt.date | None,
                 provider_subtype: str | None = None, inspection_type: str | None = None) -> str | None:
    """The framework an overall grade was given under, from the grade's scale and the date (and,
    for LA children's services, the inspection type: SIF inspections are often undated here)."""
    d = inspection_date
    if provider_type == "social_care_provider":
        if grade == "adequate":
            return "social_care_pre_2015"
        if grade == "satisfactory":
            return "social_care_boarding_pre_2013"
        if grade in ("consistently_strong", "inconsistent_quality", "serious_weaknesses"):
            return "supported_accommodation"
        if grade is None:
            return None
        return "sccif" if d is None or d >= dt.date(2015, 4, 1) else "social_care_pre_2015"
    if provider_type == "la_childrens_services":
        if grade is None:
            return None
        if grade == "no_overall_grade":
            return "ilacs_2026"
        # The SIF ran from November 2013; ILACS inspections began in January 2018 (Ofsted, ILACS
        # framework, 2017). Re-inspections under the SIF were published until August 2018.
        if re.search(r"\bsif\b|single inspection", inspection_type or "", re.I) or (d is not None and d < dt.date(2018, 1, 1)):
            return "sif"
        return "ilacs"
    if provider_type == "area_send":
        return "area_send_2023" if grade else None
    if provider_type in _BY_DATE:
        return None if d is None else next(fw for start, fw in _BY_DATE[provider_type] if d >= start)
    return None


# The frameworks of the types whose framework follows from the inspection's date alone, latest first:
# each from its first day (the EIF from September 2019, no overall grade for schools from September
# 2024, report cards from 10 November 2025).
_BY_DATE: dict[str, tuple[tuple[dt.date, str], ...]] = {
    "state_funded_school": ((report_cards.START, "report_cards_2025"), (dt.date(2024, 9, 1), "eif_no_overall"),
                            (dt.date(2019, 9, 1), "eif"), (dt.date(2012, 9, 1), "schools_2012"),
                            (dt.date.min, "schools_pre_2012")),
    "further_education": ((dt.date(2019, 9, 1), "fe_eif"), (dt.date(2012, 9, 1), "fe_cif"), (dt.date.min, "fe_pre_2012")),
    "early_years": ((report_cards.START, "early_years_report_cards"), (dt.date(2019, 9, 1), "early_years_eif"),
                    (dt.date(2012, 9, 1), "early_years_2012"), (dt.date.min, "early_years_pre_2012")),
}


def breaks_for(provider_type: str) -> list[FrameworkBreak]:
    return [b for b in BREAKS if b.provider_type == provider_type]


def overall_grades_ended(provider_type: str, as_at: dt.date) -> FrameworkBreak | None:
    """The break after which the type's inspections give no overall grade, when `as_at` is past it
    (schools as at 31 August 2025): the release's overall grades are all from before that break."""
    return next((b for b in breaks_for(provider_type) if b.ends_overall_grade and b.date <= as_at), None)


def old_grades_words(provider_type: str, as_at: dt.date) -> str:
    """'that still hold an overall effectiveness grade from an inspection before September 2024', or ''."""
    b = overall_grades_ended(provider_type, as_at)
    return f"that still hold an overall effectiveness grade from an inspection before {b.date:%B %Y}" if b else ""


def no_grade_words(provider_type: str, as_at: dt.date) -> str:
    """The breaks in force at `as_at` after which the type's inspections give no overall grade, in
    words for a chart's subtitle ('' when none): 'No overall effectiveness grade from 1 September
    2024; Report cards from 10 November 2025'."""
    found = [b for b in breaks_for(provider_type) if b.date <= as_at and (b.ends_overall_grade or b.date == report_cards.START)]
    return "; ".join(f"{b.title} from {b.date.day} {b.date:%B %Y}" for b in found)


def break_label(provider_type: str, before: dt.date, after: dt.date) -> str:
    """The framework changes between two 'as at' dates, in words ('' when none)."""
    return "; ".join(f"{b.title} ({b.date:%B %Y})" for b in breaks_for(provider_type) if before < b.date <= after)


def overall_grade(provider_type: str, label: object, start: dt.date | None) -> str | None:
    """The canonical overall grade of a published label (raises UnknownGrade). A blank label on an
    inspection under a framework that gives no overall grade is 'no_overall_grade', never None
    (schools inspected from September 2024)."""
    grade = grade_of(provider_type, label, start)
    if grade in report_cards.SCALE:
        raise UnknownGrade(f"{label!r} is a report card grade of one evaluation area, never an overall grade")
    if grade is None and start is not None:
        fw_id = framework_of(provider_type, "good", start)
        if fw_id and not FRAMEWORKS[fw_id].has_overall_grade:
            grade = "no_overall_grade"
    return grade


def grade_or_none(provider_type: str, label: object, start: dt.date | None) -> str | None:
    """grade_of, with None for a label no framework knows (history rows are shown as published;
    the latest rows report the unknown label as a finding)."""
    try:
        return grade_of(provider_type, label, start)
    except UnknownGrade:
        return None


def scale_grades(provider_type: str) -> list[str]:
    """Every grade the provider type's frameworks use, best first (for table columns and legends).

    Frameworks that give no overall grade are left out: "no overall grade" is not on a scale, and
    tables add it as a count only where a release has such providers (tables.indicator_columns;
    listing it here as well made it a duplicate column)."""
    seen: list[str] = []
    for g in GRADE_LABELS:
        if any(g in f.scale for f in FRAMEWORKS.values() if f.provider_type == provider_type and f.has_overall_grade):
            seen.append(g)
    return seen
