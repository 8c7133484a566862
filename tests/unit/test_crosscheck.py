"""Cross-checking a built release against an independent table (catalogue `crosscheck = {...}`).

The ILACS release built from the compiled history (Data to Insight's scrape of Ofsted's reports,
management information) is compared LA by LA with Ofsted's own 2023 LA-level table, the
authority. Disagreements are QA warnings naming the LA, both grades and dates, and the
cross-check file, row and column; they never block publication.

Fixtures are tiny made-up files written here into tmp_path (real LA codes and names so the register
can place them; made-up URNs and grades). The last test reads the real files when they are present.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from outcomes import settings

from outcomes.build import pipeline as build

from outcomes.domain import geography
from outcomes.quality.findings import HARD, INFO, WARNING
from outcomes.domain.releases import CatalogueError, load_catalogue
from tests.unit.tiny_site import SIGNED, TinySite

PROJECT = settings.PROJECT_ROOT
RID = "ilacs-2023"
TABLE = "la_table_2023.csv"

LOOKUP_HEADER = ["urn", "la_code", "la_code_new", "stat_neighbours_la_code", "local_authority_ons_name",
                 "also_known_as", "rgn22cd", "rgn22nm", "utla23nm", "ons_la_type"]
YH = ["E12000003", "Yorkshire and The Humber"]
LOOKUP_ROWS = [  # made-up LA URNs; the codes are today's (North Yorkshire, Barnsley and Sheffield changed since 2023)
    ["990001", "383", "E08000035", "", "Leeds", "", *YH, "Leeds", "Metropolitan district"],
    ["990002", "886", "E10000016", "", "Kent", "", "E12000008", "South East", "Kent", "County"],
    ["990003", "202", "E09000007", "", "Camden", "", "E12000007", "London", "Camden", "London borough"],
    ["990004", "815", "E06000065", "", "North Yorkshire", "", *YH, "North Yorkshire", "Unitary authority"],
    ["990005", "370", "E08000038", "", "Barnsley", "", *YH, "Barnsley", "Metropolitan district"],
    ["990006", "373", "E08000039", "", "Sheffield", "", *YH, "Sheffield", "Metropolitan district"],
    ["990007", "816", "E06000014", "", "York", "", *YH, "York", "Unitary authority"],
]

HISTORY_HEADER = ["urn", "local_authority", "inspection_link", "pdf_filename", "publication_date", "inspection_framework",
                  "inspector_name", "inspection_start_date", "inspection_end_date", "overall_effectiveness_grade",
                  "impact_of_leaders_grade", "help_and_protection_grade", "in_care_grade", "care_leavers_grade",
                  "parser_version"]


def hrow(urn: str, la: str, start: str, pub: str, grade: str, file_id: int) -> list[str]:
    """One graded ILACS inspection of the compiled history (start dd/mm/yyyy, publication dd/mm/yy)."""
    return [urn, la, f"https://files.ofsted.gov.uk/v1/file/{file_id}", f"children's services inspection - {pub}.pdf", pub,
            "standard", "A Inspector", start, start, grade, grade, grade, grade, "inspection_pre_dates_judgement", "1"]


HISTORY_ROWS = [
    hrow("990001", "leeds", "06/06/2022", "20/07/22", "good", 101),
    hrow("990002", "kent", "01/08/2022", "15/09/22", "good", 102),                    # not in their table
    hrow("990003", "camden", "03/10/2022", "14/11/22", "inadequate", 103),            # they say Good: planted
    hrow("990004", "north yorkshire", "04/07/2022", "19/08/22", "outstanding", 104),  # they use the old code
    hrow("990005", "barnsley", "05/09/2022", "17/10/22", "requires improvement", 105),
    hrow("990006", "sheffield", "01/07/2019", "12/08/19", "good", 106),
    hrow("990006", "sheffield", "13/03/2023", "25/05/23", "inadequate", 107),         # published after the cut-off
]

TABLE_HEADER = ["Web link", "Local authority name", "Ofsted region", "new_la_code", "Inspection date", "Overall effectiveness",
                "Impact of leaders", "Experiences and progress of children who need help and protection",
                "Experiences and progress of children in care", "Experiences and progress of care leavers"]


def trow(name: str, region: str, code: str, date: str, grade: str) -> list[str]:
    return ["Ofsted Local Authority Webpage", name, region, code, date, grade, grade, grade, grade, ""]


RI = "Requires improvement to be good"
TABLE_ROWS = [  # file line = index + 2
    trow("Leeds", "North East, Yorkshire and the Humber", "E08000035", "06/06/2022", "Good"),
    trow("North Yorkshire", "North East, Yorkshire and the Humber", "E10000023", "04/07/2022", "Outstanding"),
    trow("Barnsley", "North East, Yorkshire and the Humber", "E08000016", "05/09/2022", RI),
    trow("Camden", "London", "E09000007", "03/10/2022", "Good"),
    trow("Sheffield", "North East, Yorkshire and the Humber", "E08000019", "13/03/2023", "Inadequate"),
    trow("York", "North East, Yorkshire and the Humber", "E06000014", "07/11/2022", "Good"),  # not in ours
]
CAMDEN_LINE, SHEFFIELD_LINE = 5, 6


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


class Site(TinySite):
    """A tiny source folder (lookup, ILACS history, Ofsted-style LA table), data folder and catalogue."""

    def __init__(self, root: Path):
        super().__init__(root)
        self.lookup = write_csv(self.source / "d2i_ilacs" / "Provider_data_lookup.csv", LOOKUP_HEADER, LOOKUP_ROWS, "utf-8-sig")
        self.history = write_csv(self.source / "d2i_ilacs" / "history.csv", HISTORY_HEADER, HISTORY_ROWS)
        self.table = self.source / "ofsted" / TABLE

    def write_table(self, rows: list[list[str]] = TABLE_ROWS) -> Path:
        return write_csv(self.table, TABLE_HEADER, rows, "utf-8-sig")

    def write_catalogue(self, crosscheck_sha: str | None = None, reader: str = "la_childrens_services_la_table") -> None:
        digest = sha(self.table) if crosscheck_sha is None and self.table.exists() else (crosscheck_sha or "")
        self.catalogue.write_text(f"""
[[release]]
id = "{RID}"
title = "Tiny LA children's services as at 31 March 2023"
provider_type = "la_childrens_services"
as_at = 2023-03-31
published = 2023-07-01T09:30:00
{SIGNED}
status = "management_information"
reader = "la_childrens_services"
cutoff_days = 30
sources = [
  {{ path = "d2i_ilacs/history.csv", sha256 = "{sha(self.history)}" }},
  {{ path = "d2i_ilacs/Provider_data_lookup.csv", sha256 = "{sha(self.lookup)}" }},
]
crosscheck = {{ reader = "{reader}", path = "ofsted/{TABLE}", sha256 = "{digest}", title = "Ofsted's LA table" }}
""", encoding="utf-8")

    def build(self) -> build.BuiltRelease:
        [b] = build.build_all(source_dir=self.source, data_dir=self.data)
        return b

    def published(self) -> Path:
        return settings.release_dir(self.data, RID) / "providers.parquet"


@pytest.fixture
def site(tmp_path, monkeypatch) -> Site:
    return Site(tmp_path).use(monkeypatch)


def _of(b: build.BuiltRelease, check: str) -> list:
    return [f for f in b.findings if f.check == check]


def _warning_for(b: build.BuiltRelease, la: str):
    [f] = [f for f in _of(b, "crosscheck_grade") if f.message.startswith(la)]
    return f


# --- the comparison ---

def test_agreement_is_counted_with_codes_resolved_through_the_register(site):
    site.write_table()
    site.write_catalogue()

    b = site.build()

    assert b.ok, [f.line() for f in b.findings if f.severity == HARD]
    [summary] = _of(b, "crosscheck")
    assert summary.severity == INFO and summary.file == TABLE
    # Leeds, North Yorkshire (old code E10000023 in their table) and Barnsley (E08000016) agree;
    # Camden and Sheffield do not; Kent is only in ours, York only in theirs.
    assert ("overall grade agrees for 3 of 5 local authorities held in both; 1 only in ours (Kent), "
            "1 only in theirs (York)") in summary.message
    assert summary.count == 3
    assert "Ofsted's LA table is the authority" in summary.message and "management information" in summary.message
    assert {f.message.split(" (")[0] for f in _of(b, "crosscheck_grade")} == {"Camden", "Sheffield"}
    assert not _of(b, "crosscheck_error") and not _of(b, "crosscheck_changed")


def test_planted_disagreement_is_a_warning_naming_la_grades_dates_file_row_column(site):
    site.write_table()
    site.write_catalogue()

    b = site.build()

    f = _warning_for(b, "Camden")
    assert f.severity == WARNING
    assert (f.file, f.row, f.column) == (TABLE, CAMDEN_LINE, "Overall effectiveness")
    assert "ours inadequate (inspection started 2022-10-03" in f.message
    assert "Ofsted's LA table good (inspection started 2022-10-03)" in f.message
    assert "same inspection with a different grade" in f.message
    assert "Ofsted's LA table is the authority" in f.message and "management information" in f.message
    line = f.line()
    assert f"{TABLE}, row {CAMDEN_LINE}, column 'Overall effectiveness'" in line and line.startswith("[warning]")
    # ...and does not block: the release is published, its QA report carries the cross-check.
    assert b.ok and site.published().exists()
    got = pd.read_parquet(site.published()).set_index("la_name")
    assert got.loc["Camden", "overall_grade"] == "inadequate"  # ours is published as compiled, not overwritten
    qa = pd.read_csv(settings.release_dir(site.data, RID) / "qa_report.csv")
    camden = qa[(qa["check"] == "crosscheck_grade") & qa["message"].str.startswith("Camden")]
    assert camden[["severity", "file", "row", "column"]].values.tolist() == [["warning", TABLE, CAMDEN_LINE, "Overall effectiveness"]]


def test_disagreement_caused_by_the_cut_off_says_so(site):
    # Sheffield's 2023 inspection started before 31 March but was published 25 May 2023, after the
    # 30-day cut-off: the build keeps the 2019 one; Ofsted's table has the 2023 one.
    site.write_table()
    site.write_catalogue()

    f = _warning_for(site.build(), "Sheffield")

    assert (f.row, f.column) == (SHEFFIELD_LINE, "Overall effectiveness")
    assert "ours good (inspection started 2019-07-01, published 2019-08-12)" in f.message
    assert "inadequate (inspection started 2023-03-13)" in f.message
    assert "published 2023-05-25, after this release's cut-off 2023-04-30" in f.message and "caused by our cut-off" in f.message


def test_grade_agreeing_with_a_different_date_is_a_date_warning(site):
    rows = [list(r) for r in TABLE_ROWS]
    rows[0][4] = "13/06/2022"  # Leeds: same grade, another start date
    site.write_table(rows)
    site.write_catalogue()

    b = site.build()

    assert "agrees for 3 of 5" in _of(b, "crosscheck")[0].message
    [f] = _of(b, "crosscheck_date")
    assert f.severity == WARNING and (f.file, f.row, f.column) == (TABLE, 2, "Inspection date")
    assert f.message.startswith("Leeds") and "2022-06-06" in f.message and "2022-06-13" in f.message
    assert b.ok


# --- a cross-check never blocks ---

def test_missing_crosscheck_file_is_skipped_as_info(site):
    site.write_catalogue(crosscheck_sha="")  # the table is not in the source folder

    b = site.build()

    assert b.ok and site.published().exists()
    [f] = [f for f in b.findings if "crosscheck" in f.check]
    assert (f.severity, f.check) == (INFO, "crosscheck") and f.message.startswith("skipped")
    assert f"ofsted/{TABLE}" in f.message


def test_changed_crosscheck_file_is_a_warning_and_still_compared(site):
    site.write_table()
    site.write_catalogue(crosscheck_sha="0" * 64)

    b = site.build()

    assert b.ok and site.published().exists()
    [f] = _of(b, "crosscheck_changed")
    assert f.severity == WARNING and f.file == TABLE and "sha256" in f.message and "releases.toml" in f.message
    assert "agrees for 3 of 5" in _of(b, "crosscheck")[0].message


def test_unreadable_crosscheck_file_is_a_warning(site):
    rows = [list(r) for r in TABLE_ROWS]
    rows[2][4] = "31/13/2022"
    site.write_table(rows)
    site.write_catalogue()

    b = site.build()

    assert b.ok and site.published().exists()
    [f] = _of(b, "crosscheck_error")
    assert f.severity == WARNING and (f.file, f.row) == (TABLE, 4) and "not run" in f.message


def test_unknown_crosscheck_reader_is_a_catalogue_error(site):
    site.write_table()
    site.write_catalogue(reader="no_such_reader")
    with pytest.raises(CatalogueError, match="no_such_reader"):
        load_catalogue()


def test_cli_check_shows_the_crosscheck(site):
    site.write_table()
    site.write_catalogue()
    r = subprocess.run([sys.executable, "-m", "outcomes", "check"], cwd=PROJECT, env=site.env(),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "| info | crosscheck | Ofsted's LA table (la_table_2023.csv): overall grade agrees for 3 of 5" in r.stdout
    assert "| warning | crosscheck_grade | Camden (E09000007): overall grade differs" in r.stdout
    assert f"{TABLE} row {CAMDEN_LINE} Overall effectiveness |" in r.stdout


def test_la_key_follows_one_to_one_code_changes_not_splits(site):
    reg = geography.load_register(site.source)
    before, after = dt.date(2023, 3, 31), dt.date(2025, 3, 31)
    assert geography.la_key_at(reg, "E06000065", before) == geography.la_key_at(reg, "E10000023", before) == "E10000023"
    assert geography.la_key_at(reg, "E10000023", after) == geography.la_key_at(reg, "E06000065", after) == "E06000065"
    assert geography.la_key_at(reg, "E08000016", after) == "E08000038"
    assert geography.la_key_at(reg, "E10000006", after) == "E10000006"  # Cumbria split in two: not followed


# --- the real files ---

REAL_RELEASE = "la-childrens-services-2023-03-31"
# The 11 LAs whose grades differ in the real cross-check (as at 31 March 2023, 30-day cut-off):
#  * 6 where Ofsted's table holds an inspection that started after 31 March 2023 (the table runs to
#    17 July 2023, so it is dated later than the release): Isles of Scilly, Medway, Southampton,
#    St. Helens, Swindon, Worcestershire;
#  * 4 caused by our cut-off: inspections started by 31 March 2023 whose reports were published
#    10-25 May 2023, after 30 April: Liverpool, Middlesbrough, South Tyneside, West Sussex;
#  * 1 where the compiled history could not read the grade of the same inspection: Southend-on-Sea.
KNOWN_DISAGREEMENTS = {"Isles of Scilly", "Medway", "Southampton", "St. Helens", "Swindon", "Worcestershire",
                       "Liverpool", "Middlesbrough", "South Tyneside", "West Sussex", "Southend-on-Sea"}


@pytest.mark.realdata
def test_real_2023_crosscheck_agrees_for_at_least_140_las():
    src = settings.source_dir()
    [release] = [r for r in load_catalogue(PROJECT / "data" / "releases.toml") if r.id == REAL_RELEASE]
    needed = release.source_paths(src) + [src / release.crosscheck.path]
    if not all(p.exists() for p in needed):
        pytest.skip(f"published source files not present in {src}")

    b = build.build_release(release, src, geography.load_register(src))

    assert b.ok
    assert not _of(b, "crosscheck_changed") and not _of(b, "crosscheck_error")
    [summary] = _of(b, "crosscheck")
    # 151 LAs on both sides (Cumbria's successors are in neither on this date; the table's old codes
    # for North Yorkshire, Somerset, Barnsley and Sheffield resolve to the LAs of 31 March 2023).
    # Cumbria is only in ours: it existed until 1 April 2023 and Ofsted's 2022 workbook gives its
    # last inspection (SIF re-inspection, published January 2018); Ofsted's 2023 table, made after
    # it ended, leaves it out.
    assert "of 151 local authorities held in both; 1 only in ours (Cumbria), 0 only in theirs" in summary.message
    assert summary.count >= 140, summary.message
    grade = _of(b, "crosscheck_grade")
    assert len(grade) == 151 - summary.count
    assert {f.message.split(" (")[0] for f in grade} <= KNOWN_DISAGREEMENTS
    # No disagreement is left unexplained: none is the same inspection graded differently.
    assert all("Likely cause" in f.message and "different grade" not in f.message for f in grade)
    assert all(f.severity == WARNING and f.file == "2023_ofsted_la.csv" and f.column == "Overall effectiveness" for f in grade)
