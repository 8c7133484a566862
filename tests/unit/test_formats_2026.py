"""Ofsted's 2026 formats, read: the monthly schools management information (report cards from 10
November 2025) and the quarterly early years management information, on small files written here
with the real headers and a few real rows of Cheltenham (tests/unit/formats_2026_files.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from outcomes.domain import frameworks, report_cards
from outcomes.domain.fields import GRADE_CODES, TYPES
from outcomes.domain.releases import READERS
from outcomes.errors import SourceError
from outcomes.sources import reader_for
from outcomes.sources.early_years import read as read_early_years
from outcomes.sources.schools_mi import read_mi
from tests.unit import formats_2026_files as files

AS_AT = dt.date(2026, 8, 31)


@pytest.fixture
def mi(tmp_path):
    path = files.write_mi(tmp_path / "mi.csv", files.REAL_SCHOOLS + files.INVENTED_SCHOOLS)
    return read_mi([path], AS_AT)


@pytest.fixture
def early_years(tmp_path):
    path = files.write_ey(tmp_path / "ey.csv", files.REAL_EARLY_YEARS + files.INVENTED_EARLY_YEARS)
    return read_early_years([path], dt.date(2026, 6, 30))


def test_both_readers_are_registered_like_the_others():
    assert reader_for("schools_mi") is read_mi and reader_for("early_years") is read_early_years
    assert READERS["schools_mi"] == "schools_mi:read_mi"


def test_a_report_card_is_the_latest_inspection_and_the_graded_one_is_kept_before_it(mi):
    """Hesters Way Primary School (real row): a report card in January 2026, graded good in 2021."""
    row = mi.rows.set_index("urn").loc["131250"]
    assert (row["inspection_start_date"], row["publication_date"]) == (dt.date(2026, 1, 6), dt.date(2026, 2, 11))
    assert row["overall_published"] is None, "a report card gives no overall grade: none is read or invented"
    assert (row["previous_inspection_start_date"], row["previous_overall_grade_published"]) == (dt.date(2021, 11, 3), "2")
    assert row["j_quality_of_education"] == "2", "the graded inspection's key judgements stay, as themselves"
    assert (row["j_rc_inclusion"], row["j_rc_curriculum_and_teaching"], row["j_rc_safeguarding"]) == \
        ("Strong standard", "Expected standard", "Met")
    assert row["j_rc_post_16"] is None
    assert mi.judgements["rc_inclusion"] == "Inclusion" and mi.judgements["quality_of_education"] == "Quality of education"


def test_a_school_graded_without_an_overall_grade_keeps_its_key_judgements(mi):
    """Balcarras School (real row): graded in March 2025, 'Not judged' overall, every judgement outstanding."""
    row = mi.rows.set_index("urn").loc["136474"]
    assert row["inspection_start_date"] == dt.date(2025, 3, 4) and row["overall_published"] is None
    assert [row[f"j_{j}"] for j in ("quality_of_education", "personal_development", "sixth_form")] == ["1", "1", "1"]
    assert row["j_rc_inclusion"] is None and row["previous_inspection_start_date"] is None


def test_missing_value_markers_are_no_value(mi):
    rows = mi.rows.set_index("urn")
    assert rows.loc["139291", "j_rc_post_16"] is None  # "Not applicable"
    assert rows.loc["900001", "j_rc_early_years"] is None and rows.loc["900001", "j_rc_post_16"] is None  # NULL, 9
    assert rows.loc["131250", "j_sixth_form"] is None  # NULL
    assert rows.loc["139291", "ungraded_outcome_published"] == "School remains Good"  # the older wording
    assert rows.loc["900003", "inspection_start_date"] is None


def test_the_file_is_windows_1252_text_with_the_header_on_line_1(mi):
    assert mi.rows.set_index("urn").loc["900001", "provider_name"] == "École Invented Primary"
    assert any("encoding cp1252" in n and "header on row 1" in n for n in mi.notes)
    assert any("5 schools have a report card" in n and "4 met safeguarding" in n for n in mi.notes)


def test_a_label_of_another_scale_in_a_report_card_column_stops_the_read(tmp_path):
    rows = [files.mi_row("900009", "Odd School", card=("12/01/2026", "20/02/2026", "Met", {"Inclusion": "Good"}))]
    with pytest.raises(SourceError) as e:
        read_mi([files.write_mi(tmp_path / "mi.csv", rows)], AS_AT)
    assert e.value.row == 2 and e.value.column == "Inclusion" and "not a report card label" in e.value.problem


def test_report_card_grades_on_an_inspection_before_report_cards_stop_the_read(tmp_path):
    rows = [files.mi_row("900009", "Odd School", card=("12/01/2025", "20/02/2025", "Met", {"Inclusion": "Exceptional"}))]
    with pytest.raises(SourceError, match="before report cards began"):
        read_mi([files.write_mi(tmp_path / "mi.csv", rows)], AS_AT)


def test_a_report_card_grade_is_never_an_overall_grade():
    assert frameworks.grade_of("state_funded_school", "Expected standard") == "expected_standard"
    with pytest.raises(frameworks.UnknownGrade, match="never an overall grade"):
        frameworks.overall_grade("state_funded_school", "Strong standard", dt.date(2026, 1, 6))
    assert frameworks.overall_grade("state_funded_school", None, dt.date(2026, 1, 6)) == "no_overall_grade"
    assert not set(report_cards.SCALE) & set(frameworks.GRADE_RANK), "never ranked against the four-point grades"
    assert not set(report_cards.SCALE) & (frameworks.GOOD_OR_BETTER | frameworks.GRADED)


def test_the_report_card_scale_is_registered_as_grades_with_labels():
    assert set(report_cards.SCALE) <= set(GRADE_CODES) and all(g in frameworks.GRADE_LABELS for g in report_cards.SCALE)
    assert [frameworks.GRADE_LABELS[g] for g in report_cards.SCALE] == \
        ["Exceptional", "Strong standard", "Expected standard", "Needs attention", "Urgent improvement"]
    assert set(report_cards.SCHOOL_AREAS) | set(report_cards.EARLY_YEARS_AREAS) == \
        {j for j in report_cards._ORDER}, "every area has its place in Ofsted's order"


@pytest.mark.parametrize("provider_type, day, framework", [
    ("state_funded_school", dt.date(2025, 11, 9), "eif_no_overall"),
    ("state_funded_school", dt.date(2025, 11, 10), "report_cards_2025"),
    ("early_years", dt.date(2025, 11, 9), "early_years_eif"),
    ("early_years", dt.date(2025, 11, 10), "early_years_report_cards"),
    ("early_years", dt.date(2011, 5, 1), "early_years_pre_2012"),
    ("further_education", dt.date(2026, 1, 1), "fe_eif"),
])
def test_the_break_of_10_november_2025(provider_type, day, framework):
    assert frameworks.framework_of(provider_type, "good", day) == framework


def test_early_years_stopped_giving_overall_grades_at_report_cards_and_schools_in_2024():
    assert frameworks.overall_grades_ended("early_years", dt.date(2025, 11, 9)) is None
    assert frameworks.overall_grades_ended("early_years", dt.date(2026, 6, 30)).date == report_cards.START
    assert frameworks.overall_grades_ended("state_funded_school", AS_AT).date == dt.date(2024, 9, 1)
    assert "Report cards from 10 November 2025" in frameworks.no_grade_words("state_funded_school", AS_AT)
    assert frameworks.no_grade_words("state_funded_school", dt.date(2025, 8, 31)) == \
        "No overall effectiveness grade from 1 September 2024"


def test_early_years_counts_the_early_years_register_and_sets_the_rest_aside(early_years):
    urns = set(early_years.rows["urn"])
    assert {"EY547310", "101469", "EY900001", "EY900007"} <= urns
    assert not {"EY900008", "EY900009", "EY900010"} & urns, "Childcare Register only, resigned, LA not recorded"
    assert early_years.set_aside == 3
    assert any("1 on the Childcare Register only" in n and "1 not active" in n and "1 with no local authority" in n
               for n in early_years.notes)


def test_childminders_are_counted_but_never_named_or_located(early_years):
    rows = early_years.rows.set_index("urn")
    assert rows.loc["EY900002", "provider_name"] == "REDACTED", "a name in the file is withheld all the same"
    assert rows.loc["EY900007", "provider_name"] == "REDACTED"  # childcare on domestic premises
    assert rows.loc["EY547310", "provider_name"] == "Little Smarties"
    assert not [c for c in early_years.rows.columns if any(w in c for w in ("address", "postcode", "town", "constituency"))]
    assert any("1 name(s) of childminders" in n for n in early_years.notes)
    assert set(TYPES["early_years"].unnamed_subtypes) >= {"Childminder", "Childcare on domestic premises"}


def test_an_early_years_report_card_and_graded_inspection_are_each_kept(early_years):
    """Little Smarties (real row): a report card of January 2026, every area strong, safeguarding met;
    All Saints Playgroup (real row): graded good in January 2025."""
    rows = early_years.rows.set_index("urn")
    card = rows.loc["EY547310"]
    assert card["inspection_start_date"] == dt.date(2026, 1, 29) and card["overall_published"] is None
    assert card["j_rc_behaviour_attitudes_and_routines"] == "Strong standard" and card["j_rc_safeguarding"] == "Met"
    assert card["places"] == 84 and rows.loc["EY900004", "places"] == 9, "nine places is a count, not a missing value"
    graded = rows.loc["101469"]
    assert (graded["inspection_start_date"], graded["overall_published"]) == (dt.date(2025, 1, 29), "2")
    assert graded["j_rc_inclusion"] is None
    assert early_years.la_key == "name" and rows.loc["101469", "la_published"] == "Gloucestershire"
