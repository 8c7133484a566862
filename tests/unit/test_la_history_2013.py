"""LA children's services back to the single inspection framework (2013): Ofsted's 2022 workbook
(Tables 10 and 11) joined with the compiled ILACS history.

The tiny fixtures are invented files in the workbook's layout, written here; the real-file tests
compare the 2022 release with the workbook's own LA-level sheet, read here with openpyxl.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from outcomes import settings

from outcomes.build import pipeline as build

from outcomes.domain import frameworks

from outcomes.domain import geography
from outcomes.domain.releases import load_catalogue
from outcomes.sources.csc_workbook import HISTORY_SHEET, LA_LEVEL_SHEET, read_history

PROJECT = settings.PROJECT_ROOT
SRC = settings.source_dir()
WORKBOOK = SRC / "toluwaniosabiya_csc_2022" / "Childrens_social_care_in_England_2022_underlying_data.xlsx"

SIF = ["publication date", "Overall Judgement\n(OE)", "children who need help and protection",
       "children looked after and achieving permanence", "CLA Sub: Adoption Performance",
       "CLA Sub: Experiences and progress of care leavers", "leadership, management and governance"]
HEADER = (["Web link", "Local authority name", "LA region", "LA Authority Type"]
          + ["Single Inspection of LA Children's Services (SIF)  First SIF publication date"]
          + [f" First SIF {h}" for h in SIF[1:]] + ["LSCB Overall Effectiveness "]
          + ["Single Inspection of LA Children's Services (SIF) SIF Re-inspection publication date"]
          + [f" SIF Re-inspection {h}" for h in SIF[1:]]
          + ["ILACS framework inspection type", "ILACS framework publication date", "ILACS framework overall effectiveness",
             "ILACS framework impact of leaders",
             "ILACS framework experiences and progress of children who need help and protection",
             "ILACS framework experiences and progress of children in care and care leavers"])
RI = "Requires improvement to be good"


def la_row(name, sif=None, reinspection=None, ilacs=None) -> list:
    """A Table 10 row: each event is (publication date, grade) with every sub-judgement the same grade."""
    row = ["link", name, "Region", "Unitary"]
    for event, first in ((sif, True), (reinspection, False)):
        row += [event[0], *[event[1]] * 6] if event else [None] * 7
        if first:
            row += [event[1] if event else None]  # LSCB review
    row += ["ILACS Standard Inspection", ilacs[0], *[ilacs[1]] * 4] if ilacs else [None] * 6
    return row


def write_site(folder: Path, table10: list[list], table11: list[list], history: list[dict]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = HISTORY_SHEET
    for line in (["Title"], ["note"], ["note"], ["note"], ["Table 10"], HEADER, *table10, [], ["Table 11"], HEADER, *table11):
        ws.append(line)
    level = wb.create_sheet(LA_LEVEL_SHEET)
    level.append(["Title"])
    level.append(["Web link", "Local authority name", "Ofsted region", "Inspection date", "Overall effectiveness",
                  "Impact of leaders", "Experiences and progress of children who need help and protection",
                  "Experiences and progress of children in care and care leavers"])
    workbook = folder / "workbook.xlsx"
    wb.save(workbook)
    cols = ["urn", "local_authority", "inspection_link", "pdf_filename", "publication_date", "inspection_framework",
            "inspector_name", "inspection_start_date", "inspection_end_date", "overall_effectiveness_grade",
            "impact_of_leaders_grade", "help_and_protection_grade", "in_care_grade", "care_leavers_grade", "parser_version"]
    compiled = folder / "history.csv"
    pd.DataFrame([{c: h.get(c, "") for c in cols} for h in history], columns=cols).to_csv(compiled, index=False)
    lookup = folder / "Provider_data_lookup.csv"
    pd.DataFrame({"urn": ["900001", "900002", "900003"], "la_code": ["991", "992", "838"],
                  "la_code_new": ["E06009991", "E06009992", "E06000059"],
                  "local_authority_ons_name": ["Testshire", "Otherton", "Dorset"], "also_known_as": ["", "", ""]}).to_csv(lookup, index=False)
    return [workbook, compiled, lookup]


def compiled(urn, name, start, published, grade, framework="standard") -> dict:
    return {"urn": urn, "local_authority": name.lower(), "inspection_link": f"https://files.ofsted.gov.uk/v1/file/{urn}{start[-2:]}",
            "publication_date": published, "inspection_framework": framework, "inspection_start_date": start,
            "overall_effectiveness_grade": grade, "impact_of_leaders_grade": grade, "help_and_protection_grade": grade,
            "in_care_grade": grade}


def test_sif_inspections_come_from_the_workbook_with_their_sub_judgements(tmp_path):
    paths = write_site(tmp_path, [la_row("Testshire", sif=("2015-06-01", "Inadequate"), reinspection=("2017-09-01", RI))], [], [])
    t = read_history(paths, dt.date(2022, 3, 31))
    rows = t.rows.sort_values("publication_date")
    assert rows["overall_published"].tolist() == ["Inadequate", RI]
    assert rows["urn"].tolist() == ["900001", "900001"]  # the LA's URN from the lookup, for both
    first = rows.iloc[0]
    assert first["j_adoption"] == "Inadequate" and first["j_lscb"] == "Inadequate"
    assert rows.iloc[1]["j_lscb"] is None  # re-inspections did not review the LSCB
    assert frameworks.framework_of("la_childrens_services", "inadequate", None, None, first["inspection_type"]) == "sif"


def test_workbook_grade_wins_and_a_disagreement_is_a_warning(tmp_path):
    paths = write_site(tmp_path, [la_row("Testshire", sif=("2015-06-01", "Good"), ilacs=("2019-07-31", RI)),
                                  la_row("Otherton", ilacs=("2020-02-10", "Good"))], [],
                       [compiled("900001", "Testshire", "03/06/2019", "12/07/19", "data_unreadable"),
                        compiled("900002", "Otherton", "06/01/2020", "10/02/20", "outstanding"),
                        compiled("900002", "Otherton", "06/01/2024", "10/02/24", "good")])
    t = read_history(paths, dt.date(2026, 3, 31))
    rows = t.rows.set_index(["urn", "publication_date"])
    # The same inspection in both: the workbook's grade, the compiled file's start date.
    assert rows.loc[("900001", dt.date(2019, 7, 12)), "overall_published"] == RI
    assert rows.loc[("900001", dt.date(2019, 7, 12)), "inspection_start_date"] == dt.date(2019, 6, 3)
    assert rows.loc[("900002", dt.date(2020, 2, 10)), "overall_published"] == "Good"
    assert len(t.rows) == 4  # Testshire's SIF, two ILACS matched, Otherton's 2024 inspection
    warnings = [c for c in t.checks if c[0] == "warning"]
    assert len(warnings) == 1 and "Otherton" in warnings[0][2] and "outstanding" in warnings[0][2]
    assert "overall grade agrees for 0, 1 the compiler could not read" in t.checks[0][2]


def test_an_ilacs_inspection_only_the_workbook_holds_is_kept(tmp_path):
    paths = write_site(tmp_path, [la_row("Testshire", ilacs=("2019-07-31", "Good"))], [], [])
    t = read_history(paths, dt.date(2020, 3, 31))
    assert t.rows["overall_published"].tolist() == ["Good"]
    assert any(c[0] == "warning" and "not in the compiled history" in c[2] for c in t.checks)


def test_table_11_stands_before_april_2019_and_its_successor_after(tmp_path):
    # Table 11's pre-2019 authority and Table 10's successor of the same name (Dorset).
    t10 = [la_row("Dorset", sif=("2016-05-23", RI), ilacs=("2021-11-18", "Good"))]
    t11 = [["https://reports.ofsted.gov.uk/provider/44/80463", "Dorset", "South West", "Shire County"] + la_row("x", sif=("2016-05-23", RI))[4:]]
    paths = write_site(tmp_path, t10, t11, [])
    before = read_history(paths, dt.date(2018, 3, 31)).rows
    after = read_history(paths, dt.date(2022, 3, 31)).rows
    assert before["urn"].tolist() == ["80463"]  # the county, by its own URN
    assert sorted(after["publication_date"]) == [dt.date(2016, 5, 23), dt.date(2021, 11, 18)]
    assert "80463" not in set(after["urn"])


# --- the real files -------------------------------------------------------------------------------

def _release(release_id):
    [r] = [r for r in load_catalogue(PROJECT / "data" / "releases.toml") if r.id == release_id]
    if not all(p.exists() for p in r.source_paths(SRC)):
        pytest.skip(f"published source files not present in {SRC}")
    return r


@pytest.fixture(scope="module")
def register():
    if not WORKBOOK.exists():
        pytest.skip("real workbook not available")
    return geography.load_register(SRC)


@pytest.mark.realdata
def test_2022_release_matches_ofsteds_la_level_sheet(register):
    b = build.build_release(_release("la-childrens-services-2022-03-31"), SRC, register)
    assert b.ok
    ws = openpyxl.load_workbook(WORKBOOK, read_only=True)[LA_LEVEL_SHEET]
    sheet = {r[1]: r[4] for r in list(ws.iter_rows(values_only=True))[3:] if r[1]}
    words = {"Outstanding": "outstanding", "Good": "good", RI: "requires_improvement", "Inadequate": "inadequate"}
    ours = dict(zip(b.providers["la_name"].map(geography.normalise_name), b.providers["overall_grade"]))
    compared = {n: g for n, g in sheet.items() if geography.normalise_name(n) in ours}
    # Every LA in both agrees; only North and West Northamptonshire (whose predecessor is in
    # neither of our files) are missing.
    assert len(compared) == 150
    assert {n for n in sheet if n not in compared} == {"North Northamptonshire", "West Northamptonshire"}
    assert all(ours[geography.normalise_name(n)] == words[g] for n, g in compared.items())
    [summary] = [f for f in b.findings if f.check == "crosscheck"]
    assert "overall grade agrees for 150 of 150" in summary.message
    [overlap] = [f for f in b.findings if f.check == "sources_overlap" and f.severity == "info"]
    assert "121 of the workbook's 121 found" in overlap.message


@pytest.mark.realdata
def test_sif_releases_are_sif_and_the_history_runs_back_to_2013(register):
    early = build.build_release(_release("la-childrens-services-2016-03-31"), SRC, register)
    assert early.ok and set(early.providers["framework"]) == {"sif"}
    assert 80 <= len(early.providers) <= 95  # authorities inspected under the SIF by then
    latest = build.build_release(_release("la-childrens-services-2026-03-31"), SRC, register)
    leeds = latest.history[latest.history["la_name"] == "Leeds"]
    sif = leeds[leeds["inspection_type"].str.contains("SIF", na=False)]
    assert len(sif) >= 1 and sif["overall_grade"].notna().all()  # graded, not "not known"
    # No SIF-era report shows "not known" any more: the workbook gives every SIF grade.
    pre = latest.history[pd.to_datetime(latest.history["publication_date"]) < "2018-01-01"]
    assert (pre["overall_grade"] != "not_known").all()
    assert len(latest.providers) == 153 and "Cumbria" not in set(latest.providers["la_name"])
