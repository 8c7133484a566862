"""Ofsted's England-wide state-funded schools file as at 31 August 2025 (parquet), and the
2024/25 regime: no overall grade for graded inspections from September 2024, ungraded outcomes.

The tiny fixtures are invented parquet files written here; the real-file tests compare the
build with the counts in PROVENANCE.md section 6, computed from the raw file with pandas only.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from outcomes.domain import frameworks
from outcomes.build.pipeline import build_all
from outcomes.settings import release_dir
from outcomes.domain.releases import load_catalogue
from outcomes.settings import source_dir
from outcomes.sources.schools_official import read_official
from outcomes.store.store import Store
from outcomes.build import in_year
from outcomes.results import in_year as in_year_results

AS_AT = dt.date(2025, 8, 31)
RELEASE = "state-funded-schools-2025-08-31"
RAW = source_dir() / "benjamintee_schools_2025" / "State-funded_schools_inspections_and_outcomes_as_at_31_August_2025.parquet"
KEY_JUDGEMENTS = ["quality_of_education", "behaviour_and_attitudes", "personal_development", "leadership_and_management"]


def tiny_parquet(path: Path) -> Path:
    """Three schools as the parquet copy holds them (floats for integers, text dates), plus two
    empty trailing rows like the CSV's blank lines."""
    nan = float("nan")
    frame = pd.DataFrame({
        "URN": [900001.0, 900002.0, 900003.0, nan, nan],
        "LAESTAB": [9991001.0, 9991002.0, 9992001.0, nan, nan],
        "School name": ["A Primary", "B Secondary", "C Special", None, None],
        "Ofsted phase": ["Primary", "Secondary", "Special", None, None],
        "Region": ["Test Region"] * 3 + [None, None],
        "Local authority": ["Testshire", "Testshire", "Otherton", None, None],
        "Date of latest ungraded inspection": ["05/02/2025", None, None, None, None],
        "Ungraded inspection publication date": ["01/03/2025", None, None, None, None],
        "Ungraded inspection overall outcome": ["School remains Good", None, None, None, None],
        "Inspection number of latest graded inspection": ["10000001", "10000002", None, None, None],
        "Inspection start date": ["14/03/2023", "08/10/2024", None, None, None],
        "Publication date": ["20/04/2023", "20/11/2024", None, None, None],
        "Overall effectiveness": ["2", "Not judged", None, None, None],
        "Quality of education": [2.0, 3.0, nan, nan, nan],
        "Behaviour and attitudes": [2.0, 2.0, nan, nan, nan],
        "Personal development": [1.0, 2.0, nan, nan, nan],
        "Effectiveness of leadership and management": [2.0, 3.0, nan, nan, nan],
        "Safeguarding is effective?": ["Yes", "9", None, None, None],
        "Early years provision (where applicable)": [9.0, 9.0, nan, nan, nan],
        "Sixth form provision (where applicable)": [9.0, 2.0, nan, nan, nan],
        "Previous graded inspection overall effectiveness": [4.0, 1.0, nan, nan, nan],
    })
    frame.to_parquet(path, index=False)
    return path


def test_parquet_floats_read_back_as_the_csv_wrote_them(tmp_path):
    t = read_official([tiny_parquet(tmp_path / "s.parquet")], AS_AT)
    rows = t.rows.set_index("urn")
    assert list(rows.index) == ["900001", "900002", "900003"]  # the two empty rows are set aside
    assert t.set_aside == 2
    assert rows.loc["900001", "la_published"] == "999"  # from LAESTAB 9991001.0, not '999.'
    assert rows.loc["900001", "j_quality_of_education"] == "2"  # not '2.0'
    assert rows.loc["900002", "source_row"] == 3  # the CSV line: header on line 1
    assert rows.loc["900001", "inspection_start_date"] == dt.date(2023, 3, 14)


def test_not_judged_is_no_overall_grade_with_its_key_judgements_kept(tmp_path):
    t = read_official([tiny_parquet(tmp_path / "s.parquet")], AS_AT)
    row = t.rows.set_index("urn").loc["900002"]
    assert row["overall_published"] is None  # "Not judged": no grade read, none invented
    assert [row[f"j_{k}"] for k in KEY_JUDGEMENTS] == ["3", "2", "2", "3"]
    assert any("Not judged" in n for n in t.notes)


def test_ungraded_outcome_kept_as_published(tmp_path):
    t = read_official([tiny_parquet(tmp_path / "s.parquet")], AS_AT)
    rows = t.rows.set_index("urn")
    assert rows.loc["900001", "ungraded_outcome_published"] == "School remains Good"
    assert rows.loc["900001", "ungraded_inspection_date"] == dt.date(2025, 2, 5)
    assert rows.loc["900002", "ungraded_outcome_published"] is None


@pytest.mark.parametrize("label, outcome", [
    ("School remains Good", "standards_maintained"),
    ("Standards maintained", "standards_maintained"),
    ("School remains Outstanding", "standards_maintained"),
    ("Improved significantly", "improved_significantly"),
    ("School remains Good (Improving) - S5 Next", "improved_significantly"),
    ("Some aspects not as strong", "not_as_strong"),
    ("School remains Outstanding (Concerns) - S5 Next", "not_as_strong"),
    ("", None),
])
def test_ungraded_outcomes_are_their_own_scale(label, outcome):
    assert frameworks.ungraded_outcome_of(label) == outcome
    assert outcome is None or outcome not in frameworks.GRADE_LABELS  # never mistaken for a grade


def test_unknown_ungraded_outcome_is_refused():
    with pytest.raises(frameworks.UnknownGrade, match="not an ungraded inspection outcome"):
        frameworks.ungraded_outcome_of("School remains Brilliant")


# --- the real file --------------------------------------------------------------------------------

needs_raw = pytest.mark.skipif(not RAW.exists(), reason="real source file not available")


@pytest.fixture(scope="module")
def built_2025(tmp_path_factory):
    data = tmp_path_factory.mktemp("schools2025")
    [built] = build_all(data_dir=data, only=[RELEASE])
    assert built.ok, [f.message for f in built.findings if f.severity == "hard"][:5]
    folder = release_dir(data, RELEASE)
    return data, pd.read_parquet(folder / "providers.parquet"), pd.read_parquet(folder / "judgements.parquet")


@needs_raw
def test_provenance_counts_are_reproduced(built_2025):
    _, providers, _ = built_2025
    # PROVENANCE.md section 6: OE 1 = 2,063, 2 = 15,264, 3 = 1,087, 4 = 204, Not judged = 3,269, blank = 103.
    counts = providers["overall_grade"].fillna("blank").value_counts().to_dict()
    assert counts == {"outstanding": 2063, "good": 15264, "requires_improvement": 1087, "inadequate": 204,
                      "no_overall_grade": 3269, "blank": 103}
    assert providers["provider_subtype"].value_counts().to_dict() == {
        "Primary": 16743, "Secondary": 3421, "Special": 1113, "Nursery": 379, "PRU": 334}
    assert providers["new_la_code"].nunique() == 153 and providers["new_la_code"].notna().all()
    assert len(providers) == 21990


@needs_raw
def test_counts_match_the_raw_file_read_with_pandas(built_2025):
    _, providers, _ = built_2025
    raw = pd.read_parquet(RAW).dropna(how="all")
    assert len(raw) == len(providers)
    raw_oe = raw["Overall effectiveness"].fillna("blank").value_counts().to_dict()
    ours = providers["overall_grade_published"].fillna("blank").value_counts().to_dict()
    assert ours["1"] == raw_oe["1"] and ours["4"] == raw_oe["4"]


@needs_raw
def test_schools_without_an_overall_grade_keep_their_key_judgements(built_2025):
    _, providers, judgements = built_2025
    not_judged = set(providers.loc[providers["overall_grade"] == "no_overall_grade", "urn"])
    assert (providers.loc[providers["urn"].isin(not_judged), "framework"] == "eif_no_overall").all()
    held = judgements[judgements["urn"].isin(not_judged)]
    for k in KEY_JUDGEMENTS:
        assert held.loc[held["judgement"] == k, "urn"].nunique() == len(not_judged), k
    assert not set(held["grade"]) - {"outstanding", "good", "requires_improvement", "inadequate", "met", "not_met"}


@needs_raw
def test_ungraded_outcomes_of_the_real_file(built_2025):
    _, providers, _ = built_2025
    raw = pd.read_parquet(RAW)
    assert providers["ungraded_outcome_published"].notna().sum() == raw["Ungraded inspection overall outcome"].notna().sum()
    remains = providers["ungraded_outcome_published"].isin(["School remains Good", "School remains Outstanding",
                                                              "Standards maintained"])
    assert (providers.loc[remains, "ungraded_outcome"] == "standards_maintained").all()
    assert providers["ungraded_inspection_date"].dropna().map(lambda d: d <= AS_AT).all()


@needs_raw
def test_2025_is_the_default_schools_release(built_2025):
    data, providers, _ = built_2025
    now = max(r.published for r in load_catalogue())
    store = Store(data_dir=data, now=now)
    assert store.latest("state_funded_school").id == RELEASE
    # A member of the public looking up Leeds (E08000035) now finds its schools.
    assert (providers["la_name"] == "Leeds").sum() > 200


# --- the flow: inspections carried out in 2024/25 -------------------------------------------------

def _providers_and_judgements():
    day = dt.date
    providers = pd.DataFrame({
        "urn": ["1", "2", "3", "4"], "provider_subtype": "Primary", "in_england": True,
        "new_la_code": "E06000001", "old_la_code": "805", "la_name": "Hartlepool", "region_code": "E12000001", "region_name": "North East",
        "inspection_start_date": [day(2024, 10, 1), day(2025, 8, 20), day(2023, 5, 1), day(2025, 3, 3)],
        "publication_date": [day(2024, 11, 1), day(2025, 10, 15), day(2023, 6, 1), day(2025, 4, 1)],
        "overall_grade": ["no_overall_grade", "no_overall_grade", "good", "no_overall_grade"],
        "ungraded_inspection_date": [None, None, day(2025, 1, 10), None],
        "ungraded_publication_date": [None, None, day(2025, 2, 10), None],
        "ungraded_outcome": [None, None, "not_as_strong", None],
    })
    judgements = pd.DataFrame({"urn": ["1", "2", "3", "4"], "judgement": "quality_of_education",
                               "grade": ["good", "outstanding", "good", "requires_improvement"]})
    return providers, judgements


def test_in_year_counts_the_years_inspections_published_by_the_cutoff():
    from outcomes.build import in_year

    providers, judgements = _providers_and_judgements()
    frame = in_year.schools(providers, judgements, AS_AT, dt.date(2025, 9, 30))
    # School 2's report came out on 15 October 2025, after the 30 September cut-off; school 3's
    # graded inspection was in 2022/23, but its ungraded inspection was in the year.
    assert set(frame.loc[frame["inspection_kind"] == "graded", "urn"]) == {"1", "4"}
    assert frame.loc[frame["inspection_kind"] == "ungraded", "urn"].tolist() == ["3"]
    table = in_year_results.judgement_table(frame, AS_AT).set_index("judgement")
    assert list(table.index) == in_year.KEY_JUDGEMENTS
    assert table.loc["quality_of_education", ["inspections", "good", "requires_improvement", "pct_good_or_outstanding"]].tolist() == [2, 1, 1, 50.0]
    assert table.loc["overall_effectiveness", "pct_good_or_outstanding"] == "z"  # no overall grade from September 2024
    assert table["time_period"].iloc[0] == "202425" and table["time_identifier"].iloc[0] == "Academic year"
    assert in_year_results.ungraded_share(frame) == 0.0


@needs_raw
def test_in_year_export_reproduces_ofsteds_key_judgements(built_2025, tmp_path):
    import os
    import subprocess
    import sys

    data, _, _ = built_2025
    env = dict(os.environ, OUTCOMES_DATA=str(data), OUTCOMES_NOW="2030-01-01T12:00:00")
    out = tmp_path / "in_year.csv"
    subprocess.run([sys.executable, "-m", "outcomes", "export", "--provider-type", "state_funded_school",
                    "--as-at", "2025-08-31", "--scope", "in_year", "--out", str(out)], env=env, check=True, capture_output=True)
    table = pd.read_csv(out).set_index("judgement")
    # Ofsted, main findings as at 31 August 2025: 83%, 94%, 96% and 88% good or outstanding.
    shares = table["pct_good_or_outstanding"].drop("overall_effectiveness").astype(float).round().tolist()
    assert shares == [83, 94, 96, 88]
    assert (table["inspections"] == 3269).all() and table.loc["overall_effectiveness", "no_overall_grade"] == 3269
    assert out.with_name("in_year.meta.csv").exists()
    stock = subprocess.run([sys.executable, "-m", "outcomes", "export", "--provider-type", "state_funded_school",
                            "--as-at", "2025-08-31"], env=env, check=True, capture_output=True, text=True).stdout
    assert "Reporting year,National" in stock.splitlines()[1]  # the default scope is still the stock (as at)
