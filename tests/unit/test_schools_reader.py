"""The state-funded schools readers: one test per quirk of the published files, plus the real files.

Fixtures are tiny invented files written into tmp_path; no real rows are copied.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from outcomes.domain.frameworks import grade_of
from outcomes.settings import source_dir
from outcomes.sources.base import READER_COLUMNS, SourceError, read_table
from outcomes.sources.schools_2018 import read_history_2018
from outcomes.sources.schools_gias import GIAS_TYPES, read_gias_ratings
from outcomes.sources.schools_official import PREVIOUS_COLUMNS, read_official

AS_AT = dt.date(2023, 8, 31)
HEADER = [
    "URN", "LAESTAB", "School name", "Ofsted phase", "Region", "Local authority",
    "Inspection number of latest graded inspection", "Inspection type", "Inspection start date",
    "Publication date", "Overall effectiveness", "Quality of education", "Behaviour and attitudes",
    "Personal development", "Effectiveness of leadership and management", "Safeguarding is effective?",
    "Early years provision (where applicable)", "Sixth form provision (where applicable)",
    "Previous graded inspection overall effectiveness", "Previous quality of education",
]


def school(urn="900001", laestab="9991001", name="Test Primary School", phase="Primary", overall="2",
           start="14/03/2023", region="Test Region", la="Testshire", **judgements) -> dict:
    row = dict(zip(HEADER, [urn, laestab, name, phase, region, la, "T100", "S5 Inspection", start, "20/04/2023",
                            overall, "2", "2", "1", "2", "Yes", "9", "9", "4", "4"]))
    row.update(judgements)
    return row


def write_csv(path: Path, rows: list[dict], header=HEADER, above: list[list[str]] = (), below: list[list[str]] = (),
              encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f)
        w.writerows(above)
        w.writerow(header)
        w.writerows([[r.get(h, "") for h in header] for r in rows])
        w.writerows(below)
    return path


def j(table, judgement: str) -> list:
    return table.rows[f"j_{judgement}"].tolist()


# --- read_official -------------------------------------------------------------------------------

def test_columns_are_reader_columns_then_judgements(tmp_path):
    t = read_official([write_csv(tmp_path / "s.csv", [school()])], AS_AT)

    # The 2023 layout also gives the previous graded inspection (its own columns, after the judgements).
    assert list(t.rows.columns) == READER_COLUMNS + [f"j_{k}" for k in t.judgements] + PREVIOUS_COLUMNS
    assert t.provider_type == "state_funded_school" and len(t.judgements) == 7
    row = t.rows.iloc[0]
    assert (row.urn, row.la_published, row.provider_subtype, row.overall_published) == ("900001", "999", "Primary", "2")
    assert row.inspection_start_date == dt.date(2023, 3, 14) and row.publication_date == dt.date(2023, 4, 20)
    assert row.places is None and row.sector is None


def test_title_rows_above_header(tmp_path):
    above = [["State-funded schools inspections and outcomes as at 31 August 2099"], ["Published by a test"], []]
    t = read_official([write_csv(tmp_path / "s.csv", [school(), school(urn="900002")], above=above)], AS_AT)
    assert t.rows["urn"].tolist() == ["900001", "900002"]
    assert t.rows["source_row"].tolist() == [5, 6]  # header is line 4
    assert any("header on row 4" in n for n in t.notes)


def test_float_formatted_codes(tmp_path):
    # A pandas-saved subset: an unnamed index column first, numbers written as floats.
    header = [""] + HEADER
    row = school(urn="900001.0", laestab="9991001.0", overall="3.0", **{
        "Quality of education": "3.0", "Early years provision (where applicable)": "8.0",
        "Inspection number of latest graded inspection": "10000001.0"})
    row[""] = "17"
    t = read_official([write_csv(tmp_path / "s.csv", [row], header=header)], AS_AT)
    r = t.rows.iloc[0]
    assert (r.urn, r.la_published, r.overall_published, r.inspection_id) == ("900001", "999", "3", "10000001")
    assert j(t, "quality_of_education") == ["3"] and j(t, "early_years") == ["8"] and j(t, "safeguarding") == ["Yes"]
    assert t.la_key == "dfe"


def test_latest_not_previous_judgements(tmp_path):
    t = read_official([write_csv(tmp_path / "s.csv", [school()])], AS_AT)
    assert t.rows["overall_published"].tolist() == ["2"]  # the "Previous ..." columns hold 4
    assert t.rows["previous_overall_grade_published"].tolist() == ["4"]  # kept apart, as the previous inspection
    assert j(t, "quality_of_education") == ["2"]


def test_missing_overall_effectiveness_column(tmp_path):
    # From September 2024 graded inspections give no overall effectiveness grade.
    header = [h for h in HEADER if h != "Overall effectiveness"]
    t = read_official([write_csv(tmp_path / "s.csv", [school(), school(urn="900002")], header=header)], AS_AT)
    assert t.rows["overall_published"].tolist() == [None, None]
    assert j(t, "leadership_and_management") == ["2", "2"]
    assert any("no 'Overall effectiveness' column" in n for n in t.notes)


def test_blank_overall_is_none_and_labels_are_grades(tmp_path):
    rows = [school(), school(urn="900002", overall="", start="", **{"Publication date": ""})]
    t = read_official([write_csv(tmp_path / "s.csv", rows)], AS_AT)
    assert t.rows["overall_published"].tolist() == ["2", None]
    assert t.rows["inspection_start_date"].tolist()[1] is None
    for column in ["overall_published"] + [f"j_{k}" for k in t.judgements]:
        for label in t.rows[column]:
            grade_of("state_funded_school", label)


def test_sub_judgement_outside_the_scale_is_not_judged_but_overall_raises(tmp_path):
    rows = [school(**{"Early years provision (where applicable)": "0.0"})]
    t = read_official([write_csv(tmp_path / "a.csv", rows)], AS_AT)
    assert j(t, "early_years") == [None]
    assert any("not grade codes" in n and "row 2" in n for n in t.notes)
    t = read_official([write_csv(tmp_path / "b.csv", [school(overall="Not applicable")])], AS_AT)
    assert t.rows["overall_published"].tolist() == [None]
    with pytest.raises(SourceError) as e:
        read_official([write_csv(tmp_path / "c.csv", [school(overall="0")])], AS_AT)
    assert e.value.row == 2 and e.value.column == "Overall effectiveness"


def test_xlsx_with_data_on_second_sheet(tmp_path):
    path = tmp_path / "schools.xlsx"
    # Spreadsheet cells hold numbers and dates, not text.
    data = pd.DataFrame([school(urn=900001, laestab=9991001, overall=1, start=dt.datetime(2023, 3, 14)),
                         school(urn=900002, laestab=9991002)], columns=HEADER)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame({"Contents": ["Cover sheet of a test workbook", "URN: unique reference number"]}).to_excel(
            xl, sheet_name="Cover", index=False)
        pd.DataFrame([["Data table title"]]).to_excel(xl, sheet_name="Data", index=False, header=False)
        data.to_excel(xl, sheet_name="Data", index=False, startrow=2)
    t = read_official([path], AS_AT)
    assert t.rows["urn"].tolist() == ["900001", "900002"]
    assert t.rows["la_published"].tolist() == ["999", "999"]
    assert t.rows["overall_published"].tolist() == ["1", "2"]
    assert t.rows["inspection_start_date"].tolist() == [dt.date(2023, 3, 14)] * 2
    assert any("sheet 'Data'" in n for n in t.notes)


def test_footnote_rows_set_aside(tmp_path):
    below = [[], ["Source: a test footnote"], ["", "", "Totals may not add up"]]
    header = ["Web link"] + HEADER  # footnote text lands in the first column, not the URN
    rows = [dict(school(), **{"Web link": "http://example.invalid/1"})]
    t = read_official([write_csv(tmp_path / "s.csv", rows, header=header, below=below)], AS_AT)
    assert len(t.rows) == 1 and t.set_aside == 3


def test_footnote_in_urn_column_set_aside_but_bad_urn_raises(tmp_path):
    t = read_official([write_csv(tmp_path / "a.csv", [school()], below=[["Note: provisional figures"]])], AS_AT)
    assert len(t.rows) == 1 and t.set_aside == 1
    with pytest.raises(SourceError) as e:
        read_official([write_csv(tmp_path / "b.csv", [school(), school(urn="9OOOO2")])], AS_AT)
    assert e.value.row == 3 and e.value.column == "URN"


def test_no_laestab_uses_la_name(tmp_path):
    header = [h for h in HEADER if h != "LAESTAB"]
    t = read_official([write_csv(tmp_path / "s.csv", [school(la="Testshire")], header=header)], AS_AT)
    assert t.la_key == "name" and t.rows["la_published"].tolist() == ["Testshire"]


def test_coverage_note(tmp_path):
    rows = [school(), school(urn="900002", laestab="9981001", region="Other Region")]
    t = read_official([write_csv(tmp_path / "s.csv", rows)], AS_AT)
    assert "covers 2 local authorities in 2 region(s): Other Region, Test Region" in t.notes


def test_malformed_date_raises_naming_file_row_and_column(tmp_path):
    path = write_csv(tmp_path / "bad_dates.csv", [school(), school(urn="900002", start="31/02/2023")])
    with pytest.raises(SourceError) as e:
        read_official([path], AS_AT)
    assert (Path(e.value.path).name, e.value.row, e.value.column) == ("bad_dates.csv", 3, "Inspection start date")
    assert "bad_dates.csv, row 3, column 'Inspection start date'" in str(e.value)


# --- read_gias_ratings -----------------------------------------------------------------------------

GIAS_HEADER = ["unique_reference_number", "authority_code", "establishment_type_code", "pupil_number", "rating"]


def write_gias(path: Path, rows: list[tuple]) -> Path:
    return write_csv(path, [dict(zip(GIAS_HEADER, r)) for r in rows], header=GIAS_HEADER)


def test_gias_independent_schools_set_aside(tmp_path):
    rows = [("900001", "999", "1", "200", "Good"), ("900002", "999", "34", "900", "Outstanding"),
            ("900003", "998", "10", "50", "Inadequate"), ("900004", "998", "11", "300", "Good"),
            ("900005", "998", "45", "300", "Good"), ("900006", "999", "7", "80", "Requires improvement"),
            ("900007", "999", "15", "60", "Outstanding")]
    t = read_gias_ratings([write_gias(tmp_path / "g.csv", rows)], dt.date(2024, 4, 30))
    assert t.rows["urn"].tolist() == ["900001", "900002", "900006", "900007"]
    assert t.rows["provider_subtype"].tolist() == ["LA maintained", "Academy", "Special", "Nursery"]
    assert t.rows["overall_published"].tolist() == ["Good", "Outstanding", "Requires improvement", "Outstanding"]
    assert t.set_aside == 3 and len(t.rows) + t.set_aside == len(rows)
    assert t.la_key == "dfe" and t.rows["provider_name"].isna().all()
    assert any("2 row(s) set aside as independent school" in n for n in t.notes)


def test_gias_category_of_concern_is_inadequate(tmp_path):
    rows = [("900001", "999", "1", "200", "Special Measures"), ("900002", "999", "28", "200", "Serious Weaknesses")]
    t = read_gias_ratings([write_gias(tmp_path / "g.csv", rows)], dt.date(2024, 4, 30))
    assert t.rows["overall_published"].tolist() == ["Inadequate", "Inadequate"]


def test_gias_unknown_type_code_raises(tmp_path):
    with pytest.raises(SourceError) as e:
        read_gias_ratings([write_gias(tmp_path / "g.csv", [("900001", "999", "99", "1", "Good")])],
                          dt.date(2024, 4, 30))
    assert e.value.row == 2 and e.value.column == "establishment_type_code"


# --- read_history_2018 -----------------------------------------------------------------------------

DETAILS_HEADER = ["URN", "Name", "Status", "Rating", "Inspect Date", "Date Opened", "Date Closed", "Type",
                  "Primary", "Secondary", "Post 16", "Religion", "Other URN", "Local Authority"]


def write_2018(tmp_path: Path, schools: list[tuple], ratings: list[tuple]) -> list[Path]:
    details = write_csv(tmp_path / "school_details.csv", [dict(zip(DETAILS_HEADER, s)) for s in schools],
                        header=DETAILS_HEADER, encoding="cp1252")
    header = ["URN", "Rating", "Inspection Date"]
    history = write_csv(tmp_path / "ratings.csv", [dict(zip(header, r)) for r in ratings], header=header)
    return [details, history]


def test_2018_latest_rating_on_or_before_the_date(tmp_path):
    schools = [  # URN, Name, Status, Rating, Inspect, Opened, Closed, Type, Pri, Sec, P16, Religion, Other, LA
        ("900001", "École Test Primary", "1", "Outstanding", "20190110", "", "", "Maintained School",
         "1", "0", "0", "Does not apply", "", "999"),
        ("900002", "New Test Academy", "1", "", "", "20170901", "", "Academy", "0", "1", "1", "", "800001", "999"),
        ("900003", "Test Independent", "1", "Good", "", "", "", "Independent School", "1", "1", "0", "", "", "998"),
        ("900004", "Closed Test School", "2", "", "", "", "20170930", "Maintained School",
         "1", "0", "0", "", "", "998"),
        ("900005", "Later Closed School", "2", "", "", "", "20190331", "Special School", "1", "1", "1",
         "Does not apply", "", "998"),
        ("900006", "Not Yet Open School", "1", "", "", "20190901", "", "Academy", "1", "0", "0", "", "", "998"),
        ("900007", "Test All-through", "3", "", "", "", "", "Academy", "1", "1", "1", "", "", "998"),
        ("900008", "Test Sixth Form", "1", "", "", "", "", "Academy", "0", "0", "1", "", "", "998"),
    ]
    ratings = [("900001", "Outstanding", "20190110"), ("900001", "Good", "20140605"),
               ("900001", "Satisfactory", "20100301"), ("900005", "Requires Improvement", "20180831"),
               ("900007", "Inadequate", "20180901"), ("900003", "Good", "20150101")]
    paths = write_2018(tmp_path, schools, ratings)
    t = read_history_2018(list(reversed(paths)), dt.date(2018, 8, 31))  # either order
    rows = t.rows.set_index("urn")
    assert rows.index.tolist() == ["900001", "900002", "900005", "900007"]
    assert rows.loc["900001", "overall_published"] == "Good"  # not the 2019 Outstanding
    assert rows.loc["900001", "inspection_start_date"] == dt.date(2014, 6, 5)
    assert rows.loc["900001", "source_row"] == 3  # line of the chosen rating in the history file
    assert rows.loc["900001", "provider_name"] == "École Test Primary"
    assert rows.loc["900005", "overall_published"] == "Requires Improvement"  # inspected on the date itself
    assert rows.loc["900007", "overall_published"] is None  # only inspected after the date
    assert rows.loc["900002", "overall_published"] is None and rows.loc["900002", "source_row"] == 3
    assert rows["provider_subtype"].tolist() == ["Primary", "Secondary", "Special", "All-through"]
    assert rows["la_published"].tolist() == ["999", "999", "998", "998"] and t.la_key == "dfe"
    assert t.set_aside == 4 and not t.history
    assert any("2 had no rating on or before" in n for n in t.notes)


def test_2018_malformed_history_date_raises(tmp_path):
    schools = [("900001", "Test School", "1", "", "", "", "", "Academy", "1", "0", "0", "", "", "999")]
    paths = write_2018(tmp_path, schools, [("900001", "Good", "2014-13-45")])
    with pytest.raises(SourceError) as e:
        read_history_2018(paths, dt.date(2018, 8, 31))
    assert (Path(e.value.path).name, e.value.row, e.value.column) == ("ratings.csv", 2, "Inspection Date")


# --- the real files (skipped where ../shared/data/raw is absent) -------------------------------------

RAW = source_dir()
WM = RAW / "foomatia_schools_wm_2023" / "west_midlands_df.csv"
GIAS = RAW / "wrm65_gias_2024" / "school_ofsted_rating.csv"
WAIKY8 = RAW / "waiky8_schools_2018"


@pytest.mark.skipif(not WM.exists(), reason="real source files not available")
def test_real_west_midlands_file():
    t = read_official([WM], AS_AT)
    assert len(t.rows) == 2417 and t.set_aside == 0 and t.la_key == "dfe"
    counts = t.rows["overall_published"].fillna("blank").value_counts().to_dict()
    assert counts == {"1": 360, "2": 1718, "3": 236, "4": 81, "blank": 22}
    assert "covers 14 local authorities in 1 region(s): West Midlands" in t.notes
    assert t.rows["urn"].is_unique and t.rows["la_published"].str.fullmatch(r"\d{3}").all()
    for column in ["overall_published"] + [f"j_{k}" for k in t.judgements]:
        for label, day in zip(t.rows[column], t.rows["inspection_start_date"]):
            grade_of("state_funded_school", label, day)


@pytest.mark.skipif(not GIAS.exists(), reason="real source files not available")
def test_real_gias_file():
    raw, _ = read_table(GIAS, header_must=("unique_reference_number", "rating"))
    assert raw["rating"].value_counts().to_dict() == {
        "Good": 16035, "Outstanding": 2835, "Requires improvement": 1611, "Inadequate": 90}
    t = read_gias_ratings([GIAS], dt.date(2024, 4, 30))
    assert len(t.rows) + t.set_aside == len(raw) == 20571
    dropped = raw[raw["establishment_type_code"].map(lambda c: GIAS_TYPES[c][1] is None)]
    assert t.set_aside == len(dropped)
    kept = t.rows["overall_published"].value_counts()
    total = kept.add(dropped["rating"].value_counts(), fill_value=0).astype(int).to_dict()
    assert total == raw["rating"].value_counts().to_dict()
    assert t.rows["la_published"].nunique() == 153


@pytest.mark.skipif(not WAIKY8.exists(), reason="real source files not available")
def test_real_2018_history():
    paths = [WAIKY8 / "school_details_2018.csv", WAIKY8 / "ofsted_ratings_2018.csv"]
    t = read_history_2018(paths, dt.date(2018, 8, 31))
    assert len(t.rows) + t.set_aside == 26078
    assert t.rows["urn"].is_unique
    dated = t.rows["inspection_start_date"].dropna()
    assert (dated <= dt.date(2018, 8, 31)).all()
    for label, day in zip(t.rows["overall_published"], t.rows["inspection_start_date"]):
        grade_of("state_funded_school", label, day)
