"""The build's QA gate: a planted fault blocks publication and names where it is; warnings don't.

Every fixture here is a tiny made-up file written by the test into tmp_path: an LA lookup shaped
like d2i_ilacs/Provider_data_lookup.csv, Ofsted-style provider-level CSVs (title rows, then the
header) and a release catalogue pointing at them with sha256 computed here. Nothing is read from
or written to the project's data/ folder.
"""
from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from outcomes import settings

from outcomes.build import pipeline as build
from outcomes.quality.findings import HARD, INFO, WARNING
from outcomes.store.store import Store
from outcomes.results.tidy import grade_table, provider_table
from tests.unit.tiny_site import SIGNED, TinySite

PROJECT = settings.PROJECT_ROOT

LOOKUP_HEADER = ["urn", "la_code", "la_code_new", "stat_neighbours_la_code", "local_authority_ons_name",
                 "also_known_as", "rgn22cd", "rgn22nm", "utla23nm", "ons_la_type"]
LOOKUP_ROWS = [  # made-up LA URNs; real codes and names so the register can place them
    ["990001", "383", "E08000035", "E10000016", "Leeds", "", "E12000003", "Yorkshire and The Humber", "Leeds", "Metropolitan district"],
    ["990002", "886", "E10000016", "E08000035", "Kent", "Kent County Council", "E12000008", "South East", "Kent", "County"],
    ["990003", "202", "E09000007", "", "Camden", "", "E12000007", "London", "Camden", "London borough"],
]

PROVIDER_HEADER = ["Web link", "URN", "Provision type", "Local authority", "Sector", "Name", "Inspection date",
                   "Publication date", "Event number", "Event type",
                   "Overall experiences and progress of children and young people"]
TITLE_ROWS = 2  # data row i (0-based) is on file line TITLE_ROWS + 2 + i
OVERALL = "Overall experiences and progress of children and young people"


def line_of(i: int) -> int:
    return TITLE_ROWS + 2 + i


def prow(urn, la="Leeds", grade="Good", start="01/06/2022", pub="20/07/2022", event=None,
         ptype="Children's home", name="REDACTED", sector="Private") -> list[str]:
    return ["Ofsted Social Care Provider Webpage", str(urn), ptype, la, sector, name, start, pub,
            str(event if event is not None else 20000000 + int(urn) % 100000), "Full inspection" if grade else "", grade]


def good_rows(year: int) -> list[list[str]]:
    """Six providers in three LAs: every grade, an IFA and one not yet inspected."""
    y = year - 1
    return [
        prow(1000001, "Leeds", "Good", f"01/06/{y}", f"20/07/{y}", event=year * 10 + 1),
        prow(1000002, "Leeds", "Outstanding", f"02/06/{y}", f"21/07/{y}", event=year * 10 + 2),
        prow(1000003, "Kent", "Requires improvement to be good", f"03/06/{y}", f"22/07/{y}", event=year * 10 + 3),
        prow(1000004, "Camden", "Inadequate", f"04/06/{y}", f"23/07/{y}", event=year * 10 + 4),
        prow(1000005, "Kent", "Good", f"05/06/{y}", f"24/07/{y}", event=year * 10 + 5, ptype="Independent Fostering Agency"),
        prow(1000006, "Camden", "", "", "", event=""),
    ]


def write_providers(path: Path, rows: list[list[str]], year: int = 2024) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    width = len(PROVIDER_HEADER)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"Children's social care data in England {year} – Provider level as at 31 March {year}"] + [""] * (width - 1))
        w.writerow(["Some cells in this table are empty where the column does not apply."] + [""] * (width - 1))
        w.writerow(PROVIDER_HEADER)
        w.writerows(rows)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Site(TinySite):
    """A tiny source folder, data folder and catalogue in tmp."""

    RELEASES = {"sc-2023": 2023, "sc-2024": 2024}

    def __init__(self, root: Path):
        super().__init__(root)
        lookup = self.source / "d2i_ilacs" / "Provider_data_lookup.csv"
        lookup.parent.mkdir(parents=True)
        with open(lookup, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(LOOKUP_HEADER)
            w.writerows(LOOKUP_ROWS)

    def file(self, release_id: str) -> Path:
        return self.source / "csc" / f"providers_{self.RELEASES.get(release_id, release_id)}.csv"

    def write(self, release_id: str, rows: list[list[str]]) -> Path:
        return write_providers(self.file(release_id), rows, self.RELEASES[release_id])

    def write_catalogue(self, extra: str = "", pin: bool = True) -> None:
        """One [[release]] per RELEASES entry, sha256 pinned to the files as they are now."""
        parts = []
        for rid, year in self.RELEASES.items():
            f = self.file(rid)
            digest = sha(f) if pin and f.exists() else ""
            parts.append(f"""
[[release]]
id = "{rid}"
title = "Tiny social care providers as at 31 March {year}"
provider_type = "social_care_provider"
as_at = {year}-03-31
published = {year}-07-01T09:30:00
{SIGNED}
status = "official"
reader = "social_care_providers"
sources = [ {{ path = "csc/{f.name}", sha256 = "{digest}" }} ]
""")
        self.catalogue.write_text("".join(parts) + extra, encoding="utf-8")

    def build(self, only: list[str] | None = None) -> dict[str, build.BuiltRelease]:
        return {b.release.id: b for b in build.build_all(source_dir=self.source, data_dir=self.data, only=only)}

    def published(self, release_id: str) -> Path:
        return settings.release_dir(self.data, release_id) / "providers.parquet"


@pytest.fixture
def site(tmp_path, monkeypatch) -> Site:
    return Site(tmp_path).use(monkeypatch)


@pytest.fixture
def published_site(site) -> Site:
    """Both releases built from good files and published: what a planted fault must not disturb."""
    site.write("sc-2023", good_rows(2023))
    site.write("sc-2024", good_rows(2024))
    site.write_catalogue()
    built = site.build()
    assert all(b.ok for b in built.values()), [f.line() for b in built.values() for f in b.findings if f.severity == HARD]
    assert site.published("sc-2024").exists()
    return site


def _of(built: build.BuiltRelease, check: str, severity: str | None = None) -> list:
    return [f for f in built.findings if f.check == check and (severity is None or f.severity == severity)]


# --- planted faults: each blocks publication, names where it is, and leaves the release as it was ---

def _bad_grade(rows):
    rows[2][-1] = "Very good"
    return 2, "unknown_grade", "overall judgement", "Very good"


def _unknown_la(rows):
    rows[3][3] = "Atlantis"
    return 3, "unknown_la", "local authority", "Atlantis"


def _duplicate_urn(rows):
    rows.append(prow(1000002, "Kent", "Good", "09/09/2023", "10/10/2023", event=77))
    return len(rows) - 1, "duplicate_urn", "URN", "1000002"


def _bad_date(rows):
    rows[4][6] = "31/13/2023"
    return 4, "read_error", "Inspection date", "31/13/2023"


FAULTS = {"unknown grade label": _bad_grade, "LA not in the lookup": _unknown_la,
          "duplicate URN": _duplicate_urn, "malformed date": _bad_date}


@pytest.mark.parametrize("plant", FAULTS.values(), ids=FAULTS.keys())
def test_planted_fault_blocks_publication_and_names_file_row_column(published_site, plant):
    site = published_site
    before = site.published("sc-2024").read_bytes()
    rows = good_rows(2024)
    i, check, column, value = plant(rows)
    site.write("sc-2024", rows)
    site.write_catalogue()  # the file is re-catalogued: the content check must catch the fault, not the sha

    built = site.build()

    b = built["sc-2024"]
    assert not b.ok and not b.skipped
    hard = _of(b, check, HARD)
    assert hard, [f.line() for f in b.findings]
    f = hard[0]
    assert (f.file, f.row, f.column) == ("providers_2024.csv", line_of(i), column)
    assert "providers_2024.csv" in f.line() and f"row {line_of(i)}" in f.line() and f"column '{column}'" in f.line()
    assert value in f.message
    # What was published stays, byte for byte; the other release is rebuilt as usual.
    assert site.published("sc-2024").read_bytes() == before
    assert built["sc-2023"].ok and site.published("sc-2023").read_bytes() != b""
    assert not list(site.published("sc-2024").parent.parent.glob(".tmp-*"))


def test_source_changed_since_catalogued_blocks_publication(published_site):
    site = published_site
    before = site.published("sc-2024").read_bytes()
    rows = good_rows(2024)
    rows[0][-1] = "Outstanding"  # a valid label: only the sha256 tells the file changed
    site.write("sc-2024", rows)  # catalogue still pins the old file

    b = site.build()["sc-2024"]

    assert not b.ok
    [f] = _of(b, "source_changed", HARD)
    assert f.file == "providers_2024.csv" and "csc/providers_2024.csv" in f.message
    assert "sha256" in f.message and "releases.toml" in f.message
    assert site.published("sc-2024").read_bytes() == before
    assert pd.read_parquet(site.published("sc-2024")).set_index("urn").loc["1000001", "overall_grade"] == "good"


def test_changed_source_publishes_once_its_new_sha_is_catalogued(published_site):
    # The counterpart: with the new sha256 pinned (a recorded revision) the same file publishes.
    site = published_site
    rows = good_rows(2024)
    rows[0][-1] = "Outstanding"
    site.write("sc-2024", rows)
    site.write_catalogue()
    assert site.build()["sc-2024"].ok
    assert pd.read_parquet(site.published("sc-2024")).set_index("urn").loc["1000001", "overall_grade"] == "outstanding"


def test_a_fault_in_a_first_build_publishes_nothing(site):
    rows = good_rows(2024)
    _bad_grade(rows)
    site.write("sc-2023", good_rows(2023))
    site.write("sc-2024", rows)
    site.write_catalogue()
    built = site.build()
    assert built["sc-2023"].ok and site.published("sc-2023").exists()
    assert not built["sc-2024"].ok and not settings.release_dir(site.data, "sc-2024").exists()


# --- warnings: listed for a person to judge, the release still publishes ---

def test_inspection_after_publication_is_a_warning_not_a_block(published_site):
    site = published_site
    rows = good_rows(2024)
    rows[1][6], rows[1][7] = "10/01/2024", "05/01/2024"
    site.write("sc-2024", rows)
    site.write_catalogue()

    b = site.build()["sc-2024"]

    assert b.ok
    [f] = _of(b, "inspection_after_publication", WARNING)
    assert (f.file, f.row) == ("providers_2024.csv", line_of(1)) and "1000002" in f.message
    assert "2024-01-10" in f.message and "2024-01-05" in f.message
    got = pd.read_parquet(site.published("sc-2024")).set_index("urn")
    assert str(got.loc["1000002", "publication_date"]) == "2024-01-05"


@pytest.mark.parametrize("n_extra, severity", [(0, INFO), (4, WARNING)])
def test_row_count_jump_is_a_warning(published_site, n_extra, severity):
    site = published_site
    rows = good_rows(2024) + [prow(1100000 + k, "Kent", "Good", "01/10/2023", "01/11/2023", event=k) for k in range(n_extra)]
    site.write("sc-2024", rows)
    site.write_catalogue()

    b = site.build()["sc-2024"]

    assert b.ok
    [f] = _of(b, "row_count")
    assert f.severity == severity
    assert f"{len(rows)} providers against 6 in sc-2023" in f.message
    assert len(pd.read_parquet(site.published("sc-2024"))) == len(rows)


@pytest.mark.parametrize("only", [None, ["sc-2024"]], ids=["both built together", "new release built alone"])
def test_revised_judgement_under_the_same_inspection_number_is_a_warning(published_site, only):
    site = published_site
    rows23, rows24 = good_rows(2023), good_rows(2024)
    rows24[0] = list(rows23[0])  # same inspection (event number and dates) carried into 2024...
    rows24[0][-1] = "Requires improvement to be good"  # ...with a different judgement
    rows24[1] = list(rows23[1])  # same inspection, same judgement: not a revision
    site.write("sc-2023", rows23)
    site.write("sc-2024", rows24)
    site.write_catalogue()

    b = site.build(only)["sc-2024"]

    assert b.ok
    [f] = _of(b, "revised_judgement", WARNING)
    assert "URN 1000001" in f.message and f"inspection {rows23[0][8]}" in f.message
    assert "good in sc-2023" in f.message and "requires_improvement now" in f.message
    assert (f.file, f.row) == ("providers_2024.csv", line_of(0))


# --- what is set aside, and what is skipped ---

def test_release_with_missing_file_is_skipped_not_failed(published_site):
    site = published_site
    missing = """
[[release]]
id = "sc-2025"
title = "Tiny social care providers as at 31 March 2025"
provider_type = "social_care_provider"
as_at = 2025-03-31
published = 2025-07-01T09:30:00
""" + SIGNED + """
status = "official"
reader = "social_care_providers"
sources = [ { path = "csc/providers_2025.csv", sha256 = "" } ]
"""
    site.write_catalogue(extra=missing)

    built = site.build()

    b = built["sc-2025"]
    assert b.skipped and "csc/providers_2025.csv" in b.skipped
    assert not settings.release_dir(site.data, "sc-2025").exists()
    assert built["sc-2023"].ok and built["sc-2024"].ok
    r = subprocess.run([sys.executable, "-m", "outcomes", "build", "--source", str(site.source), "--data-dir", str(site.data)],
                       cwd=PROJECT, env=site.env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "skipped sc-2025" in r.stdout and "providers_2025.csv" in r.stdout
    assert "ok      sc-2024: 6 providers" in r.stdout


def test_welsh_la_row_is_counted_but_kept_out_of_england_totals(published_site):
    site = published_site
    rows = good_rows(2024) + [prow(1000007, "Cardiff", "Outstanding", "01/10/2023", "01/11/2023", event=7)]
    site.write("sc-2024", rows)
    site.write_catalogue()

    b = site.build()["sc-2024"]

    assert b.ok
    [f] = _of(b, "set_aside_wales", INFO)
    assert f.count == 1
    qa = pd.read_csv(settings.release_dir(site.data, "sc-2024") / "qa_report.csv")
    assert qa.loc[qa["check"] == "set_aside_wales", "count"].tolist() == [1]
    store = Store()
    release = store.release("sc-2024")
    national = grade_table(store, release, "national").iloc[0]
    assert national["providers"] == 6 and national["outstanding"] == 1  # Cardiff's outstanding home is not England's
    las = grade_table(store, release, "local_authority")
    assert set(las["la_name"]) == {"Leeds", "Kent", "Camden"} and las["providers"].sum() == 6
    provs = provider_table(store, release).set_index("urn")
    assert provs.loc["1000007", "country_name"] == "Wales" and provs.loc["1000007", "country_code"] == "W92000004"  # ONS code of Wales
    assert (provs.drop(index="1000007")["country_name"] == "England").all()


# --- the command the statistics team runs ---

def test_cli_build_exits_non_zero_naming_file_row_and_column(published_site):
    site = published_site
    before = site.published("sc-2024").read_bytes()
    rows = good_rows(2024)
    i, *_ = _unknown_la(rows)
    site.write("sc-2024", rows)
    site.write_catalogue()

    r = subprocess.run([sys.executable, "-m", "outcomes", "build", "--source", str(site.source), "--data-dir", str(site.data)],
                       cwd=PROJECT, env=site.env(), capture_output=True, text=True, timeout=300)

    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "FAILED  sc-2024" in r.stdout and "ok      sc-2023" in r.stdout
    err = r.stderr
    assert "Not published" in err and "unknown_la" in err and "Atlantis" in err
    assert f"providers_2024.csv, row {line_of(i)}, column 'local authority'" in err
    assert site.published("sc-2024").read_bytes() == before
    report = (site.data / "qa" / "qa_report.md").read_text(encoding="utf-8")
    assert "BLOCKED: not published" in report


def test_cli_build_reports_a_malformed_date_with_its_column(published_site):
    site = published_site
    rows = good_rows(2024)
    i, *_ = _bad_date(rows)
    site.write("sc-2024", rows)
    site.write_catalogue()
    r = subprocess.run([sys.executable, "-m", "outcomes", "build", "--source", str(site.source), "--data-dir", str(site.data),
                        "--release", "sc-2024"], cwd=PROJECT, env=site.env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 1
    assert f"providers_2024.csv, row {line_of(i)}, column 'Inspection date'" in r.stderr and "31/13/2023" in r.stderr
