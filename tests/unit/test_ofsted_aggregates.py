"""Ofsted's own national counts (2022 workbook, Tables 6 and 8a-8m) as QA checks on the social care
provider releases: tiny invented frames for the rules, then the real releases."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from outcomes import settings

from outcomes.build import pipeline as build

from outcomes.domain import geography
from outcomes.quality.aggregates import ofsted_aggregates
from outcomes.quality.findings import HARD, INFO, WARNING
from outcomes.domain.releases import load_catalogue
from outcomes.sources.csc_aggregates import PROVISION_GROUPS
from outcomes.results import in_year as in_year_results
from outcomes.build import in_year

SRC = settings.source_dir()
WORKBOOK = SRC / "toluwaniosabiya_csc_2022" / "Childrens_social_care_in_England_2022_underlying_data.xlsx"
DAY = dt.date(2020, 3, 31)


def providers(grades: dict[str, int], subtype="Children's home", places=3) -> pd.DataFrame:
    rows = [g for g, n in grades.items() for _ in range(n)]
    return pd.DataFrame({"provider_subtype": subtype, "overall_grade": rows, "in_england": True,
                         "places": pd.array([places] * len(rows), dtype="Int64")})


def tables(oe: dict, homes: int, places: int) -> dict[str, pd.DataFrame]:
    latest = pd.DataFrame([{"table": "Table 8c", "provision": "children's homes", "as_at": DAY, "row": 33, **oe}])
    six = pd.DataFrame([{"table": "Table 6", "provision": "children's homes", "as_at": DAY, "measure": "providers", "value": homes, "row": 7},
                        {"table": "Table 6", "provision": "children's homes", "as_at": DAY, "measure": "places", "value": places, "row": 32}])
    return {"latest_oe": latest, "six_monthly": six}


def test_agreement_is_one_info_line():
    ours = providers({"outstanding": 10, "good": 50, "requires_improvement": 5, "inadequate": 1})
    found = ofsted_aggregates("r", ours, tables({"outstanding": 10, "good": 50, "requires_improvement": 5, "inadequate": 1}, 66, 198),
                              PROVISION_GROUPS, file="w.xlsx", label="Ofsted")
    assert [f.severity for f in found] == [INFO] and "6 of 6" in found[0].message


def test_a_difference_is_a_warning_with_the_cause_and_wildly_off_is_hard():
    ours = providers({"outstanding": 10, "good": 50, "adequate": 5, "inadequate": 1})
    found = ofsted_aggregates("r", ours, tables({"outstanding": 10, "good": 45, "requires_improvement": 5, "inadequate": 1}, 66, 600),
                              PROVISION_GROUPS, file="w.xlsx", label="Ofsted")
    by_column = {f.column: f for f in found if f.severity != INFO}
    assert set(by_column) == {"good", "places"}  # 'adequate' counts with requires improvement
    assert by_column["good"].severity == WARNING and "ours 50, Ofsted 45 (+5" in by_column["good"].message
    assert "Likely cause" in by_column["good"].message and by_column["good"].row == 33
    assert by_column["places"].severity == HARD  # 198 against 600: the wrong file or reader


def test_a_table_of_zeros_is_not_compared():
    ours = providers({"good": 5})
    found = ofsted_aggregates("r", ours, tables({"outstanding": 0, "good": 0, "requires_improvement": 0, "inadequate": 0}, 5, 15),
                              PROVISION_GROUPS, file="w.xlsx", label="Ofsted")
    assert all(f.severity == INFO for f in found) and any("not compared" in f.message for f in found)


@pytest.mark.realdata
def test_2022_release_agrees_with_every_published_figure():
    if not WORKBOOK.exists():
        pytest.skip("real workbook not available")
    [release] = [r for r in load_catalogue(settings.PROJECT_ROOT / "data" / "releases.toml") if r.id == "social-care-providers-2022-03-31"]
    b = build.build_release(release, SRC, geography.load_register(SRC))
    assert b.ok
    stock = [f for f in b.findings if f.check == "ofsted_aggregate" and "in-year" not in f.message]
    assert len(stock) == 1 and "70 of 70" in stock[0].message  # one summary line, no warnings
    # Places are a measure: ours by provision type equal Ofsted's Table 6 (places, 31 March 2022).
    ws = openpyxl.load_workbook(WORKBOOK, read_only=True)["Providers+places_six_monthly"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r[1] == "Data type" and r[0] == "Date" and rows.index(r) > 20)
    [march] = [r for r in rows if r[1] == "Places" and hasattr(r[0], "year") and r[0].year == 2022]
    theirs = dict(zip(header[3:], march[3:]))
    places = b.providers.groupby("provider_subtype")["places"].sum()
    assert places["Children's home"] == theirs["Children's Homes"] == 11095
    assert places["Boarding school"] == theirs["Boarding Schools"]


@pytest.mark.realdata
def test_2022_in_year_inspections_match_ofsteds_in_year_series(tmp_path):
    """The flow: full inspections carried out in 2021-22 (Ofsted's provider-level in-year sheet),
    against Ofsted's own in-year counts (Table 9b, children's homes: 270, 1,566, 522, 209)."""
    if not WORKBOOK.exists():
        pytest.skip("real workbook not available")
    from outcomes.build import in_year

    [release] = [r for r in load_catalogue(settings.PROJECT_ROOT / "data" / "releases.toml") if r.id == "social-care-providers-2022-03-31"]
    b = build.build_release(release, SRC, geography.load_register(SRC))
    assert b.ok and b.in_year is not None
    [summary] = [f for f in b.findings if f.check == "ofsted_aggregate" and "in-year" in f.message]
    assert "20 of 20" in summary.message
    homes = in_year_results.judgement_table(b.in_year, release.as_at, subtype="Children's home").iloc[0]
    assert (homes["time_period"], homes["time_identifier"]) == ("202122", "Financial year")
    assert [homes[g] for g in in_year.GRADES] == [270, 1566, 522, 209]
    assert homes["inspections"] == 270 + 1566 + 522 + 209
