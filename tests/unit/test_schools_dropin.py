"""The England-wide schools file drops straight in: put it at the catalogued path and it is
built, checked and published in place of the West Midlands extract, with no change of code."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from outcomes.build import pipeline as build
from outcomes.store.store import Store
from outcomes.results.tidy import grade_table
from tests.unit.test_build_quality import LOOKUP_HEADER, LOOKUP_ROWS, sha
from tests.unit.tiny_site import SIGNED

HEADER = ["URN", "LAESTAB", "School name", "Ofsted phase", "Type of education", "Ofsted region", "Region",
          "Local authority", "Inspection number of latest graded inspection", "Inspection type",
          "Inspection start date", "Publication date", "Overall effectiveness", "Quality of education",
          "Behaviour and attitudes", "Personal development", "Effectiveness of leadership and management",
          "Safeguarding is effective?", "Early years provision (where applicable)", "Sixth form provision (where applicable)"]
BIRMINGHAM = ["990004", "330", "E08000025", "", "Birmingham", "", "E12000005", "West Midlands", "Birmingham", "Metropolitan district"]


def school(urn, laestab, la, region, grade, phase="Primary"):
    return [urn, laestab, f"School {urn}", phase, "Academy converter", region, region, la, f"1{urn}", "S5 Inspection",
            "10/10/2022", "20/11/2022", grade, grade, grade, grade, grade, "Yes", "9", "9"]


def write(path: Path, rows, title: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        if title:  # the national release opens with a title line above the table
            w.writerow(["State-funded schools inspections and outcomes as at 31 August 2023"] + [""] * (len(HEADER) - 1))
        w.writerow(HEADER)
        w.writerows(rows)
    return path


@pytest.fixture
def site(tmp_path, monkeypatch):
    source, data = tmp_path / "source", tmp_path / "data"
    lookup = source / "d2i_ilacs" / "Provider_data_lookup.csv"
    lookup.parent.mkdir(parents=True)
    with open(lookup, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([LOOKUP_HEADER] + LOOKUP_ROWS + [BIRMINGHAM])
    wm = write(source / "wm" / "west_midlands.csv", [school("100001", "3302001", "Birmingham", "West Midlands", "2"),
                                                      school("100002", "3302002", "Birmingham", "West Midlands", "3")], title=False)
    catalogue = tmp_path / "releases.toml"
    catalogue.write_text(f'''
[[release]]
id = "schools-2023-08-31-west-midlands"
title = "Schools (West Midlands only)"
provider_type = "state_funded_school"
as_at = 2023-08-31
published = 2023-11-14T09:30:00
{SIGNED}
status = "official_partial"
reader = "schools_official"
sources = [ {{ path = "wm/west_midlands.csv", sha256 = "{sha(wm)}" }} ]

[[release]]
id = "schools-2023-08-31"
title = "Schools"
provider_type = "state_funded_school"
as_at = 2023-08-31
published = 2023-11-14T09:30:00
{SIGNED}
status = "official"
reader = "schools_official"
supersedes = "schools-2023-08-31-west-midlands"
sources = [ {{ path = "national/State_funded_schools_2023.csv" }} ]
''', encoding="utf-8")
    monkeypatch.setenv("OUTCOMES_CATALOGUE", str(catalogue))
    monkeypatch.setenv("OUTCOMES_NOW", "2024-01-01T12:00:00")
    return source, data


def test_without_the_national_file_the_partial_release_is_published(site):
    source, data = site
    results = {r.release.id: r for r in build.build_all(source_dir=source, data_dir=data)}
    assert results["schools-2023-08-31"].skipped, "a missing national file is skipped, not failed"
    assert [r.id for r in Store(data_dir=data).releases] == ["schools-2023-08-31-west-midlands"]


def test_the_national_file_drops_straight_in_and_replaces_the_extract(site):
    source, data = site
    write(source / "national" / "State_funded_schools_2023.csv", [
        school("100001", "3302001", "Birmingham", "West Midlands", "2"),
        school("100003", "3832001", "Leeds", "Yorkshire and The Humber", "1"),
        school("100004", "8862001", "Kent", "South East", "4", phase="Secondary"),
        ["Source: Ofsted"] + [""] * (len(HEADER) - 1),  # a footnote under the table
    ], title=True)
    results = {r.release.id: r for r in build.build_all(source_dir=source, data_dir=data)}
    national = results["schools-2023-08-31"]
    assert national.ok and len(national.providers) == 3
    assert any(f.check == "source_not_pinned" for f in national.findings), "an unpinned file is flagged for the team"
    store = Store(data_dir=data)
    assert [r.id for r in store.releases] == ["schools-2023-08-31"], "the national release supersedes the extract"
    regions = grade_table(store, store.release("schools-2023-08-31"), "regional")
    assert sorted(regions["region_name"]) == ["South East", "West Midlands", "Yorkshire and The Humber"]
    nat = grade_table(store, store.release("schools-2023-08-31"), "national").iloc[0]
    assert (nat["outstanding"], nat["good"], nat["inadequate"], nat["pct_good_or_outstanding"]) == (1, 1, 1, pytest.approx(66.7))
