"""Intake: `python -m outcomes intake FILE` recognises each family's real file by its header or sheets,
refuses a file of no family saying what it looked for, and `--add` appends a parseable entry to a copy of
the catalogue in tmp (never data/releases.toml), changing nothing else."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from outcomes import settings
from outcomes.domain.releases import load_catalogue
from outcomes.errors import UsageError
from outcomes.publish import intake
from outcomes.sources import recognise

RAW = settings.source_dir()
CATALOGUE = settings.PROJECT_ROOT / "data" / "releases.toml"

# (file in the source folder, family, reader, the as-at date read from its title rows or name)
REAL = [(f"goodair_csc_providers/provider_at_march_{y}.csv", "social_care_providers", "social_care_providers",
         dt.date(y, 3, 31)) for y in range(2015, 2026)] + [
    ("d2i_ilacs/ofsted_csc_ilacs_history.csv", "ilacs_history", "la_childrens_services_2013", None),
    ("d2i_ilacs/ofsted_csc_ilacs_overview.xlsx", "ilacs_overview", "la_childrens_services_overview", None),
    ("maysont_ilacs_2023/2023_ofsted_la.csv", "ilacs_la_table_2023", "la_childrens_services_la_table", None),
    ("toluwaniosabiya_csc_2022/Childrens_social_care_in_England_2022_underlying_data.xlsx", "csc_workbook_2022",
     "la_childrens_services_2013", dt.date(2022, 3, 31)),
    ("d2i_send/ofsted_csc_send_overview.xlsx", "area_send", "area_send", None),
    ("dfe_r_training_fe_2021/ofsted.csv", "fe_providers", "further_education", None),
    ("dfe_r_training_fe_2021/ofsted_scores.csv", "fe_scores", "further_education", None),
    ("benjamintee_schools_2025/State-funded_schools_inspections_and_outcomes_as_at_31_August_2025.parquet",
     "schools_official", "schools_official", dt.date(2025, 8, 31)),
    ("foomatia_schools_wm_2023/west_midlands_df.csv", "schools_official", "schools_official", None),
    ("wrm65_gias_2024/school_ofsted_rating.csv", "schools_gias", "schools_gias", None),
    ("waiky8_schools_2018/school_details_2018.csv", "schools_register_2018", "schools_history_2018", None),
    ("waiky8_schools_2018/ofsted_ratings_2018.csv", "schools_ratings_2018", "schools_history_2018", None),
    ("d2i_ilacs/Provider_data_lookup.csv", "la_lookup", "", None),
]


@pytest.mark.realdata
@pytest.mark.parametrize("path, family, reader, as_at", REAL, ids=[r[0].split("/")[-1] for r in REAL])
def test_each_family_is_recognised_by_its_header(path, family, reader, as_at):
    if not (RAW / path).exists():
        pytest.skip(f"{path} is not in the source folder")
    found = recognise.recognise(RAW / path)
    assert (found.family.key, found.family.reader) == (family, reader)
    assert recognise.as_at_of(found) == as_at


@pytest.mark.realdata
def test_a_file_the_catalogue_holds_is_proposed_as_its_own_entry():
    path = RAW / "goodair_csc_providers" / "provider_at_march_2024.csv"
    if not path.exists():
        pytest.skip("the 2024 provider file is not in the source folder")
    proposal = intake.propose(path, releases=load_catalogue(CATALOGUE))
    entry = proposal.entry
    assert entry["id"] == "social-care-providers-2024-03-31" and entry["as_at"] == dt.date(2024, 3, 31)
    assert entry["cutoff"] == dt.date(2024, 4, 30) and entry["reader"] == "social_care_providers"
    assert entry["sources"] == [{"path": "goodair_csc_providers/provider_at_march_2024.csv",
                                 "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}]
    assert "already has social-care-providers-2024-03-31, pinned to these very files" in proposal.message
    with pytest.raises(UsageError, match="already has"):
        intake.add(proposal, CATALOGUE)


@pytest.mark.realdata
def test_the_la_history_brings_the_other_files_its_reader_takes():
    path = RAW / "d2i_ilacs" / "ofsted_csc_ilacs_history.csv"
    if not path.exists():
        pytest.skip("the ILACS history is not in the source folder")
    with pytest.raises(UsageError, match="--as-at"):
        intake.propose(path, releases=load_catalogue(CATALOGUE))
    entry = intake.propose(path, as_at=dt.date(2026, 9, 30), releases=load_catalogue(CATALOGUE)).entry
    assert [s["path"] for s in entry["sources"]] == [
        "toluwaniosabiya_csc_2022/Childrens_social_care_in_England_2022_underlying_data.xlsx",
        "d2i_ilacs/ofsted_csc_ilacs_history.csv", "d2i_ilacs/Provider_data_lookup.csv"]
    assert entry["cutoff"] == dt.date(2026, 10, 31) and "published by 31 October" in entry["cutoff_note"]


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


HEADER = ["Web link", "URN", "Provision type", "Local authority", "Sector", "Name", "Inspection date", "Event type",
          "Overall experiences and progress of children and young people"]


def test_a_file_of_no_family_is_refused_saying_what_was_looked_for(tmp_path):
    odd = _write(tmp_path / "odd.csv", [["AREANM", "AREACD", "score"], ["Leeds", "E08000035", "3"]])
    with pytest.raises(UsageError) as e:
        recognise.recognise(odd)
    message = e.value.message
    assert "not a file of any family this site reads" in message and "its first row names AREANM, AREACD, score" in message
    assert "a header row naming URN, Provision type, Local authority" in message
    assert "the sheets LA_inspections_2009-2022" in message
    with pytest.raises(UsageError, match="a .docx file is not one this site reads"):
        recognise.recognise(_write(tmp_path / "notes.docx", [["x"]]))


def test_a_table_of_inspections_is_not_taken_for_a_provider_table(tmp_path):
    rows = [HEADER] + [["link", "SC1", "Children's home", "Leeds", "Private", "REDACTED", d, "Full inspection", "Good"]
                       for d in ("01/06/2023", "01/12/2023")]
    with pytest.raises(UsageError, match="SC1 is on 2 rows .*a table of inspections"):
        recognise.recognise(_write(tmp_path / "in_year.csv", rows))


def test_add_appends_a_parseable_entry_to_the_catalogue_and_nothing_else(tmp_path):
    source, data, cat = tmp_path / "source", tmp_path / "data", tmp_path / "releases.toml"
    shutil.copy(CATALOGUE, cat)
    before = cat.read_text(encoding="utf-8")
    new = _write(source / "csc_2026" / "providers.csv", [
        ["Children's social care data in England 2026 – Provider level as at 31 March 2026"], HEADER,
        ["link", "SC1", "Children's home", "Leeds", "Private", "REDACTED", "01/06/2025", "Full inspection", "Good"]])
    env = {**os.environ, "OUTCOMES_SOURCE": str(source), "OUTCOMES_CATALOGUE": str(cat), "OUTCOMES_DATA": str(data),
           "OUTCOMES_NOW": "2026-05-01T12:00:00"}
    command = [sys.executable, "-m", "outcomes", "intake", str(new), "--add", "--published", "2026-07-15"]
    r = subprocess.run(command, cwd=settings.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Added social-care-providers-2026-03-31" in r.stdout and 'id = "social-care-providers-2026-03-31"' in r.stdout
    after = cat.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n")), "the rest of the catalogue is as it was, comments and all"
    added = next(r for r in load_catalogue(cat) if r.id == "social-care-providers-2026-03-31")
    assert (added.as_at, added.reader, added.provider_type) == (dt.date(2026, 3, 31), "social_care_providers", "social_care_provider")
    assert added.published == dt.datetime(2026, 7, 15, 9, 30, tzinfo=settings.LONDON)
    assert added.sources[0].path == "csc_2026/providers.csv"
    assert added.sources[0].sha256 == hashlib.sha256(new.read_bytes()).hexdigest()
    assert added.checklist is None, "a new release has no sign-off: it waits for its QA checklist"
    assert not data.exists(), "intake builds nothing"
    again = subprocess.run(command, cwd=settings.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "already has social-care-providers-2026-03-31" in again.stderr
    assert cat.read_text(encoding="utf-8") == after


def test_a_file_outside_the_source_folder_cannot_be_added(tmp_path, monkeypatch):
    monkeypatch.setenv("OUTCOMES_SOURCE", str(tmp_path / "source"))
    (tmp_path / "source").mkdir()
    new = _write(tmp_path / "downloads" / "p.csv", [["Provider level as at 31 March 2026"], HEADER])
    with pytest.raises(UsageError, match="is not in the source folder"):
        intake.propose(new, releases=[])


@pytest.mark.parametrize("kind", ["schools", "early_years"])
def test_a_2026_format_file_is_recognised_and_proposed(tmp_path, kind):
    """Ofsted's monthly schools file (report cards) and its quarterly early years file, written here
    with their real headers, are each recognised by their own reader and proposed as a release."""
    from tests.unit import formats_2026_files as files

    if kind == "schools":
        path = files.write_mi(tmp_path / "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Aug_2026.csv",
                              files.REAL_SCHOOLS)
        reader, as_at = "schools_mi", dt.date(2026, 8, 31)
    else:
        path = files.write_ey(tmp_path / "Childcare_provider_level_data_as_at_30_June_2026.csv", files.REAL_EARLY_YEARS)
        reader, as_at = "early_years", dt.date(2026, 6, 30)
    proposal = intake.propose(path, as_at=as_at, source_dir=tmp_path, releases=[])
    assert proposal.found.family.reader == reader and proposal.entry["reader"] == reader
    assert proposal.entry["cutoff"] == as_at and "snapshot" in proposal.entry["cutoff_note"]
    assert f"reader = \"{reader}\"" in proposal.toml()


@pytest.mark.realdata
def test_a_provider_file_of_inspected_providers_only_is_proposed_as_such():
    """Issue 19's trap at intake: the 2019 social care file lists no provider not yet inspected, so its
    counts are of inspected providers only; the 2021 file lists every registered provider."""
    raw = settings.source_dir() / "goodair_csc_providers"
    if not raw.exists():
        pytest.skip("the published files are not in the source folder")
    for year, counts in ((2019, "inspected_only"), (2021, "all_registered")):
        proposal = intake.propose(raw / f"provider_at_march_{year}.csv", source_dir=settings.source_dir())
        assert proposal.entry["counts"] == counts, year
