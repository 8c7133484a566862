"""Readers of LA children's services (ILACS), area SEND and further education files.

Fixtures are tiny files written here, shaped like the published ones (made-up rows); the last
tests read the real files when they are present and check the counts PROVENANCE.md gives.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from outcomes import settings
from outcomes.domain.frameworks import grade_of
from outcomes.sources import area_send, further_education, la_childrens_services
from outcomes.sources.base import READER_COLUMNS, SourceError

AS_AT = dt.date(2025, 8, 31)

HISTORY_HEADER = ("urn,local_authority,inspection_link,pdf_filename,publication_date,inspection_framework,"
                  "inspector_name,inspection_start_date,inspection_end_date,overall_effectiveness_grade,"
                  "impact_of_leaders_grade,help_and_protection_grade,in_care_grade,care_leavers_grade,parser_version")


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def history(tmp_path: Path, *rows: str) -> Path:
    return write(tmp_path / "history.csv", [HISTORY_HEADER, *rows])


GRADED = ('900001,"kingston upon hull",https://files.ofsted.gov.uk/v1/file/111,'
          "children's services inspection - 09 may 2025.pdf,09/05/25,short,A Inspector,17/03/2025,21/03/2025,"
          "good,good,requires improvement,outstanding,good,1")


def test_history_reads_dd_mm_yy_publication_and_file_id(tmp_path):
    t = la_childrens_services.read([history(tmp_path, GRADED)], AS_AT)
    row = t.rows.iloc[0]
    assert list(t.rows.columns[:len(READER_COLUMNS)]) == READER_COLUMNS
    assert row.publication_date == dt.date(2025, 5, 9)
    assert row.inspection_start_date == dt.date(2025, 3, 17)
    assert row.inspection_id == "111" and row.report_url.endswith("/file/111")
    assert row.provider_name == "Kingston upon Hull" and row.provider_subtype == "Local authority"
    assert (row.urn, row.la_published, t.la_key, t.history) == ("900001", "900001", "urn", True)
    assert row.j_help_and_protection == "requires improvement"
    assert set(t.judgements) == {"impact_of_leaders", "help_and_protection", "in_care", "care_leavers"}
    assert row.source_row == 2


def test_history_blank_overall_is_unreadable_not_uninspected(tmp_path):
    # A report published before ILACS that the scraper could not read: no framework, dates or grade.
    sif = ("900002,derby,https://files.ofsted.gov.uk/v1/file/222,children's services inspection - 13 june 2017.pdf,"
           "13/06/17,,,,,,data_unreadable,data_unreadable,data_unreadable,data_unreadable,1")
    t = la_childrens_services.read([history(tmp_path, GRADED, sif)], AS_AT)
    row = t.rows.iloc[1]
    assert row.overall_published == "data_unreadable"
    assert grade_of("la_childrens_services", row.overall_published) == "not_known"
    assert row.inspection_start_date is None and row.publication_date == dt.date(2017, 6, 13)
    assert row.inspection_type is None
    assert t.set_aside == 0
    assert any("blank overall grade" in n for n in t.notes)


def test_history_scrape_fragment_and_reform_labels_are_accepted(tmp_path):
    shifted = ("900003,southend-on-sea,https://files.ofsted.gov.uk/v1/file/333,children's services inspection - "
               "27 august 2019.pdf,27/08/19,standard,B Inspector,15/07/2019,26/07/2019,,requires improvement,"
               "to requires improvement,requires improvement,inspection_pre_dates_judgement,1")
    reform = ("900004,trafford,https://files.ofsted.gov.uk/v1/file/444,children's services inspection - 03 august "
              "2026.pdf,03/08/26,standard,C Inspector,08/06/2026,19/06/2026,not_reported_post_reform,inadequate,"
              "inadequate,good,requires improvement,1")
    t = la_childrens_services.read([history(tmp_path, shifted, reform)], AS_AT)
    a, b = t.rows.iloc[0], t.rows.iloc[1]
    assert a.j_help_and_protection == "data_unreadable" and a.overall_published == "data_unreadable"
    assert grade_of("la_childrens_services", a.j_care_leavers) is None  # judgement did not exist before 2023
    assert grade_of("la_childrens_services", b.overall_published) == "no_overall_grade"
    assert a.provider_name == "Southend-on-Sea"


def test_history_sets_aside_non_judgement_events(tmp_path):
    focused = ("900005,york,https://files.ofsted.gov.uk/v1/file/555,focused visit - 01 march 2024.pdf,01/03/24,"
               "focused visit,D Inspector,10/01/2024,11/01/2024,,,,,,1")
    jtai = ("900005,york,https://files.ofsted.gov.uk/v1/file/556,joint targeted area inspection - 01 june 2023.pdf,"
            "01/06/23,,,,,,,,,,1")
    t = la_childrens_services.read([history(tmp_path, GRADED, focused, jtai, ",,,,,,,,,,,,,,")], AS_AT)
    assert len(t.rows) == 1 and t.rows.iloc[0].urn == "900001"
    assert t.set_aside == 3  # two visits and one blank line
    assert any("non-judgement" in n for n in t.notes)


def test_history_malformed_date_names_file_row_and_column(tmp_path):
    bad = GRADED.replace("17/03/2025", "17th March")
    with pytest.raises(SourceError) as e:
        la_childrens_services.read([history(tmp_path, GRADED, bad)], AS_AT)
    assert e.value.row == 3 and e.value.column == "inspection_start_date"
    assert "history.csv" in str(e.value) and "row 3" in str(e.value)


def test_history_unknown_label_raises_at_its_cell(tmp_path):
    with pytest.raises(SourceError) as e:
        la_childrens_services.read([history(tmp_path, GRADED.replace(",good,good,", ",very good,good,", 1))], AS_AT)
    assert e.value.column == "overall_published" and e.value.row == 2


def test_overview_keys_by_ons_code(tmp_path):
    frame = pd.DataFrame([{
        "urn": 900001, "la_code": 370, "region_code": "YH", "la_code_new": "E08000038", "local_authority": "barnsley",
        "inspection_link": "https://files.ofsted.gov.uk/v1/file/777", "overall_effectiveness_grade": "good",
        "inspection_framework": "short", "inspection_start_date": "11/09/2023", "publication_date": "27/10/23",
        "impact_of_leaders_grade": "good", "help_and_protection_grade": "requires improvement",
        "in_care_grade": "good", "care_leavers_grade": "good"}])
    path = tmp_path / "overview.xlsx"
    frame.to_excel(path, index=False, sheet_name="ofsted_cs_inspections_overview")
    t = la_childrens_services.read_overview([path], AS_AT)
    row = t.rows.iloc[0]
    assert (t.la_key, t.history, row.la_published, row.urn) == ("ons", False, "E08000038", "900001")
    assert row.publication_date == dt.date(2023, 10, 27) and row.inspection_id == "777"


def test_la_table_2023_bom_and_ons_code_as_urn(tmp_path):
    header = ("Web link,Local authority name,Ofsted region,new_la_code,Inspection date,Overall effectiveness,"
              "Impact of leaders,Experiences and progress of children who need help and protection,"
              "Experiences and progress of children in care,Experiences and progress of care leavers")
    path = write(tmp_path / "la_2023.csv", [
        header,
        "Ofsted Local Authority Webpage,Exampleshire,London,E09000099,10/07/2023,Requires improvement to be good,"
        "Good,Requires improvement to be good,Good,Outstanding",
        "Ofsted Local Authority Webpage,Sampleton,South West,E06000099,13/05/2019,Good,Good,Good,Good,",
    ], encoding="utf-8-sig")
    t = la_childrens_services.read_la_table_2023([path], AS_AT)
    a, b = t.rows.iloc[0], t.rows.iloc[1]
    assert t.la_key == "ons" and a.urn == a.la_published == "E09000099"
    assert a.overall_published == "Requires improvement to be good"
    assert grade_of("la_childrens_services", a.overall_published) == "requires_improvement"
    assert a.inspection_start_date == dt.date(2023, 7, 10) and a.j_care_leavers == "Outstanding"
    assert b.j_care_leavers is None  # inspected before the care leavers judgement existed


def send_file(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "send.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False, sheet_name="ofsted_cs_send_inspections")
    return path


def send_row(**kw) -> dict:
    row = {"urn": 900010, "la_code": 999, "region_code": "SE", "ltla23cd": "E06000099", "local_authority": "telford & wrekin",
           "inspection_link": "https://files.ofsted.gov.uk/v1/file/888", "outcome_grade": 2.0,
           "previous_inspection_date": "01/01/1900", "inspection_start_date": "18/11/24", "inspection_end_date": "22/11/24",
           "publication_date": "04/02/25", "next_inspection": "3 years",
           "inspection_outcome_text": "The local area partnership's arrangements lead to inconsistent experiences."}
    row.update(kw)
    return row


def test_send_outcome_codes_and_dd_mm_yy(tmp_path):
    t = area_send.read([send_file(tmp_path, [send_row(), send_row(urn=900011, la_code=998, outcome_grade=3.0)])], AS_AT)
    a = t.rows.iloc[0]
    assert list(t.rows.overall_published) == ["2", "3"]
    assert [grade_of("area_send", g) for g in t.rows.overall_published] == ["inconsistent", "widespread_failings"]
    assert (t.la_key, a.la_published, a.urn, a.provider_name) == ("dfe", "999", "900010", "Telford & Wrekin")
    assert a.inspection_start_date == dt.date(2024, 11, 18) and a.publication_date == dt.date(2025, 2, 4)
    assert a.outcome_text.startswith("The local area partnership")


def test_send_blank_outcome_is_not_known(tmp_path):
    # The report is published but the scraper found no outcome section.
    rows = [send_row(), send_row(urn=900012, la_code=997, outcome_grade=None,
                                 inspection_outcome_text="Inspection outcome section not found.")]
    t = area_send.read([send_file(tmp_path, rows)], AS_AT)
    b = t.rows.iloc[1]
    assert b.overall_published == "data_unreadable" and grade_of("area_send", b.overall_published) == "not_known"
    assert any("blank outcome" in n for n in t.notes)


def test_send_out_of_range_outcome_and_bad_date(tmp_path):
    with pytest.raises(SourceError) as e:
        area_send.read([send_file(tmp_path, [send_row(outcome_grade=4.0)])], AS_AT)
    assert e.value.column == "outcome_grade" and e.value.row == 2
    with pytest.raises(SourceError) as e:
        area_send.read([send_file(tmp_path, [send_row(), send_row(publication_date="31/02/25")])], AS_AT)
    assert (e.value.row, e.value.column) == (3, "publication_date") and "send.xlsx" in str(e.value)


FE_HEADER = ("ukprn,provider_name,provider_type,provider_group,inspection_number,inspection_type,inspection_date,"
             "inspection_length_in_days")


def fe_files(tmp_path: Path, providers: list[str], scores: list[str]) -> list[Path]:
    return [write(tmp_path / "ofsted.csv", [FE_HEADER, *providers]),
            write(tmp_path / "ofsted_scores.csv", ["inspection_id,inspection_category,score,score_description", *scores])]


FE_PROVIDERS = [
    "10000001,Example College,General further education college,Colleges,20000001,Full Inspection,2019.11.05,3",
    "10000002,Sample Training Ltd,Independent learning provider,Independent learning providers (including employer providers),NULL,NULL,NA,NA",
]
FE_SCORES = [
    "20000001,Overall effectiveness,2,Good",
    "20000001,Leadership and management,3,Requires improvement",
    "20000001,Is safeguarding effective,0,No",
    "20000001,Quality of education,2,Good",
]


def test_fe_join_and_never_inspected(tmp_path):
    t = further_education.read(fe_files(tmp_path, FE_PROVIDERS, FE_SCORES), dt.date(2021, 8, 31))
    a, b = t.rows.iloc[0], t.rows.iloc[1]
    assert (a.urn, a.provider_subtype, a.inspection_id) == ("10000001", "Colleges", "20000001")
    assert a.inspection_start_date == dt.date(2019, 11, 5)  # yyyy.mm.dd
    assert (a.overall_published, a.j_leadership_and_management, a.j_safeguarding) == ("2", "3", "No")
    assert a.j_quality_of_education == "2" and a.j_apprenticeships is None
    assert grade_of("further_education", a.j_safeguarding) == "not_met"
    assert b.overall_published is None and b.inspection_id is None and b.inspection_start_date is None
    assert b.inspection_type is None
    assert (t.la_key, a.la_published) == ("none", None)
    assert any("No geography" in n for n in t.notes)


def test_fe_inspected_provider_without_overall_score_raises(tmp_path):
    with pytest.raises(SourceError) as e:
        further_education.read(fe_files(tmp_path, FE_PROVIDERS, FE_SCORES[1:]), AS_AT)
    assert e.value.row == 2 and e.value.column == "inspection_number"


def test_fe_bad_score_and_bad_date(tmp_path):
    with pytest.raises(SourceError) as e:
        further_education.read(fe_files(tmp_path, FE_PROVIDERS, FE_SCORES + ["20000001,Apprenticeships,7,?"]), AS_AT)
    assert (e.value.row, e.value.column) == (6, "score") and "ofsted_scores.csv" in str(e.value)
    bad = [FE_PROVIDERS[0].replace("2019.11.05", "2019.13.45"), FE_PROVIDERS[1]]
    with pytest.raises(SourceError) as e:
        further_education.read(fe_files(tmp_path, bad, FE_SCORES), AS_AT)
    assert (e.value.row, e.value.column) == (2, "inspection_date") and "ofsted.csv" in str(e.value)


# ---- the real files, when present -----------------------------------------------------------------

RAW = settings.source_dir()


def real(*parts: str) -> list[Path]:
    paths = [RAW / p for p in parts]
    if not all(p.exists() for p in paths):
        pytest.skip("published source files not present")
    return paths


def all_labels_known(t, provider_type):
    cols = ["overall_published"] + [c for c in t.rows.columns if c.startswith("j_")]
    for c in cols:
        for v in t.rows[c]:
            grade_of(provider_type, v)  # raises UnknownGrade otherwise


def test_real_ilacs_overview_counts():
    t = la_childrens_services.read_overview(real("d2i_ilacs/ofsted_csc_ilacs_overview.xlsx"), AS_AT)
    assert Counter(t.rows.overall_published) == {"outstanding": 46, "good": 61, "requires improvement": 24,
                                                 "inadequate": 11, "not_reported_post_reform": 11}
    assert t.rows.urn.nunique() == t.rows.la_published.nunique() == 153
    all_labels_known(t, "la_childrens_services")


def test_real_ilacs_history():
    t = la_childrens_services.read(real("d2i_ilacs/ofsted_csc_ilacs_history.csv"), AS_AT)
    assert len(t.rows) == 497 and t.set_aside == 0 and t.history
    assert t.rows.urn.nunique() == 153
    assert Counter(t.rows.overall_published)["data_unreadable"] == 169 + 9
    assert t.rows.inspection_id.is_unique
    all_labels_known(t, "la_childrens_services")


def test_real_la_table_2023():
    t = la_childrens_services.read_la_table_2023(real("maysont_ilacs_2023/2023_ofsted_la.csv"), AS_AT)
    assert len(t.rows) == 151 and t.rows.la_published.is_unique
    starts = [d for d in t.rows.inspection_start_date if d]
    assert min(starts) == dt.date(2018, 4, 16) and max(starts) == dt.date(2023, 7, 17)
    all_labels_known(t, "la_childrens_services")


def test_real_send():
    t = area_send.read(real("d2i_send/ofsted_csc_send_overview.xlsx"), AS_AT)
    assert len(t.rows) == 72 and t.rows.la_published.is_unique
    assert Counter(t.rows.overall_published) == {"1": 15, "2": 36, "3": 20, "data_unreadable": 1}
    all_labels_known(t, "area_send")


def test_real_further_education_counts():
    t = further_education.read(real("dfe_r_training_fe_2021/ofsted.csv", "dfe_r_training_fe_2021/ofsted_scores.csv"),
                               dt.date(2021, 8, 31))
    assert len(t.rows) == 2053 and t.rows.urn.is_unique
    assert Counter(t.rows.overall_published) == {"2": 742, "3": 164, "1": 141, "4": 22, None: 984}
    assert t.rows.j_safeguarding.notna().sum() == 730
    all_labels_known(t, "further_education")
