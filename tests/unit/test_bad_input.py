"""A bad-input corpus, written by the tests: each bad release file gets a clear message naming the
file (and row and column where there is one), a non-zero exit from `build` and `check`, and the
built data stays byte for byte as it was.

Every file here is made up in tmp_path (an Ofsted-style provider-level CSV with title rows); the
project's data/ folder is never touched. The QA report (data/qa/) is rewritten by each run on
purpose: it is the report of this run, not published data, so the hash leaves it out.
"""
from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes import settings

from outcomes.build import pipeline as build
from outcomes.ops.cli import app
from outcomes.quality.findings import HARD
from tests.unit.tiny_site import SIGNED, TinySite

LOOKUP_HEADER = ["urn", "la_code", "la_code_new", "stat_neighbours_la_code", "local_authority_ons_name",
                 "also_known_as", "rgn22cd", "rgn22nm", "utla23nm", "ons_la_type"]
LOOKUP_ROWS = [  # made-up LA URNs; real codes and names so the register can place them
    ["990001", "383", "E08000035", "", "Leeds", "", "E12000003", "Yorkshire and The Humber", "Leeds", "Metropolitan district"],
    ["990002", "886", "E10000016", "", "Kent", "", "E12000008", "South East", "Kent", "County"],
]
HEADER = ["URN", "Provision type", "Local authority", "Sector", "Name", "Inspection date", "Publication date",
          "Event number", "Event type", "Overall experiences and progress of children and young people"]
TITLES = [["Children's social care data in England 2024 – Provider level as at 31 March 2024"], ["Made-up test file"]]
FIRST_ROW = len(TITLES) + 2  # file line of the first data row
FILE = "providers_2024.csv"


def row(urn: int, la: str = "Leeds", grade: str = "Good", start: str = "01/06/2023") -> list[str]:
    return [str(urn), "Children's home", la, "Private", "REDACTED", start, "20/07/2023", str(urn), "Full inspection", grade]


def good_rows() -> list[list[str]]:
    return [row(1000001), row(1000002, "Kent", "Outstanding"), row(1000003, "Leeds", "Requires improvement to be good"),
            row(1000004, "Kent", "Inadequate")]


def csv_text(rows: list[list[str]], header: list[str] = HEADER, titles: list[list[str]] = TITLES) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(titles + [header] + rows)
    return out.getvalue()


class Site(TinySite):
    """One release (a provider-level CSV or workbook) in a tiny source folder, with its LA lookup."""

    def __init__(self, root: Path):
        super().__init__(root)
        lookup = self.source / "d2i_ilacs" / "Provider_data_lookup.csv"
        lookup.parent.mkdir(parents=True)
        lookup.write_text(csv_text(LOOKUP_ROWS, LOOKUP_HEADER, []), encoding="utf-8-sig")
        (self.source / "csc").mkdir()

    def catalogue_for(self, name: str) -> Path:
        """Catalogue the release as `csc/<name>`, its sha256 pinned to the file as it is now (so the
        content checks, not the changed-file check, must catch the fault)."""
        path = self.source / "csc" / name
        digest = ""
        if path.exists():
            h = hashlib.sha256()
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            digest = h.hexdigest()
        self.catalogue.write_text(f"""
[[release]]
id = "sc-2024"
title = "Tiny social care providers as at 31 March 2024"
provider_type = "social_care_provider"
as_at = 2024-03-31
published = 2024-07-01T09:30:00
{SIGNED}
status = "official"
reader = "social_care_providers"
sources = [ {{ path = "csc/{name}", sha256 = "{digest}" }} ]
""", encoding="utf-8")
        return path

    def data_hash(self) -> str:
        """Every built file's path and bytes, except the QA report of the latest run."""
        h = hashlib.sha256()
        for p in sorted(self.data.rglob("*")):
            if p.is_file() and "qa" not in p.relative_to(self.data).parts[:1]:
                h.update(str(p.relative_to(self.data)).encode() + b"\0" + p.read_bytes())
        return h.hexdigest()


@pytest.fixture
def site(tmp_path, monkeypatch) -> Site:
    """A site with the good release already published: what bad input must not disturb."""
    s = Site(tmp_path).use(monkeypatch)
    (s.source / "csc" / FILE).write_text(csv_text(good_rows()), encoding="utf-8")
    s.catalogue_for(FILE)
    [built] = build.build_all()
    assert built.ok and (settings.release_dir(s.data, "sc-2024") / "providers.parquet").exists()
    return s


# --- the corpus: each returns the file name, the row and column named, and words of the message ---

def empty(path: Path):
    path.write_bytes(b"")
    return FILE, None, None, "empty"


def cut_off_mid_row(path: Path):
    text = csv_text(good_rows())
    path.write_text(text[: text.rindex("Children's home")], encoding="utf-8")  # stops inside the last row
    return FILE, FIRST_ROW + 3, "Local authority", "cut off"  # the first column it never reached


def utf16(path: Path):
    path.write_text(csv_text(good_rows()), encoding="utf-16")
    return FILE, None, None, "UTF-16"


def not_text(path: Path):
    path.write_bytes(csv_text(good_rows()).encode("utf-8").replace(b"Kent", b"K\x81\x8dnt"))  # neither UTF-8 nor cp1252
    return FILE, FIRST_ROW + 1, None, "neither UTF-8 nor Windows-1252"


def header_moved_down(path: Path):
    path.write_text(csv_text(good_rows(), titles=[["A note"]] * 40), encoding="utf-8")
    return FILE, None, None, "no header row"


def column_missing(path: Path):
    drop = HEADER.index("Event type")
    path.write_text(csv_text([r[:drop] + r[drop + 1:] for r in good_rows()], HEADER[:drop] + HEADER[drop + 1:]), encoding="utf-8")
    return FILE, None, "inspection type", "missing or renamed"


def column_renamed(path: Path):
    header = [("Date of visit" if h == "Inspection date" else h) for h in HEADER]
    path.write_text(csv_text(good_rows(), header), encoding="utf-8")
    return FILE, None, "date", "missing or renamed"


def unknown_grade(path: Path):
    rows = good_rows()
    rows[2][-1] = "Very good"
    path.write_text(csv_text(rows), encoding="utf-8")
    return FILE, FIRST_ROW + 2, "overall judgement", "Very good"


def duplicate_urn(path: Path):
    path.write_text(csv_text(good_rows() + [row(1000002, "Leeds", "Good", "02/09/2023")]), encoding="utf-8")
    return FILE, FIRST_ROW + 4, "URN", "1000002"


def la_not_in_lookup(path: Path):
    rows = good_rows()
    rows[1][2] = "Atlantis"
    path.write_text(csv_text(rows), encoding="utf-8")
    return FILE, FIRST_ROW + 1, "local authority", "Atlantis"


def date_as_text(path: Path):
    rows = good_rows()
    rows[3][5] = "last June"
    path.write_text(csv_text(rows), encoding="utf-8")
    return FILE, FIRST_ROW + 3, "Inspection date", "last June"


def workbook_cut_off(path: Path):
    import openpyxl

    book = openpyxl.Workbook()
    for r in TITLES + [HEADER] + good_rows():
        book.active.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    return path.name, None, None, "damaged or truncated"


CORPUS = {"empty file": (empty, FILE), "cut off mid-row": (cut_off_mid_row, FILE), "UTF-16": (utf16, FILE),
          "bytes in no encoding": (not_text, FILE), "header moved down": (header_moved_down, FILE),
          "required column missing": (column_missing, FILE), "required column renamed": (column_renamed, FILE),
          "unknown grade label": (unknown_grade, FILE), "duplicate URN": (duplicate_urn, FILE),
          "LA not in the lookup": (la_not_in_lookup, FILE), "date as text": (date_as_text, FILE),
          "workbook cut off": (workbook_cut_off, "providers_2024.xlsx")}


def where(file: str, row: int | None, column: str | None) -> str:
    return ", ".join(x for x in (file, f"row {row}" if row else "", f"column '{column}'" if column else "") if x)


def run_cli(site: Site, *args: str):
    result = CliRunner().invoke(app, list(args), env=site.env())
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        f"a traceback, not a message: {result.exception!r}"
    return result


@pytest.mark.parametrize("plant, name", CORPUS.values(), ids=CORPUS.keys())
def test_bad_file_is_named_exits_non_zero_and_changes_nothing(site, plant, name):
    before = site.data_hash()
    path = site.source / "csc" / name
    file, line, column, words = plant(path)
    site.catalogue_for(name)

    [built] = build.build_all()
    hard = [f for f in built.findings if f.severity == HARD]
    assert not built.ok and hard, [f.line() for f in built.findings]
    assert any(f.file == file and f.row == line and (f.column or None) == column and words in f.line() for f in hard), \
        [f.line() for f in hard]

    result = run_cli(site, "build")
    assert result.exit_code == 1, result.output
    assert where(file, line, column) in result.output and words in result.output, result.output
    result = run_cli(site, "check")  # the QA report's table: file, row and column in one cell
    assert result.exit_code == 1, result.output
    cell = " ".join(x for x in (file, f"row {line}" if line else "", column or "") if x)
    assert f"| {cell} |" in result.output and words in result.output, result.output
    assert site.data_hash() == before, "what was published is untouched, byte for byte"


# --- files that would eat the memory: refused before they are read ---

def test_a_200_mb_file_is_refused_unread_within_a_small_memory_bound(site):
    before = site.data_hash()
    path = site.source / "csc" / FILE
    block = csv_text([row(2000000 + i) for i in range(1000)], titles=[]).split("\n", 1)[1]  # rows, no header
    with open(path, "w", encoding="utf-8") as f:  # written in chunks: never held in memory whole
        f.write(csv_text([], titles=TITLES))
        while f.tell() < 200_000_000:
            f.write(block)
    site.catalogue_for(FILE)

    built, peak = build_measuring_memory()
    assert peak < 50_000_000, f"the build held {peak / 1e6:.0f} MB: it read the file"
    [f] = [f for f in built.findings if f.severity == HARD]
    assert f.file == FILE and "over the 100 MB limit" in f.message and "OUTCOMES_MAX_SOURCE_MB" in f.message
    result = run_cli(site, "build")
    assert result.exit_code == 1 and f"{FILE}" in result.output and "MB limit" in result.output
    assert site.data_hash() == before


def build_measuring_memory():
    """Build the one catalogued release; return it and the peak of Python memory it took."""
    tracemalloc.start()
    try:
        [built] = build.build_all()
        return built, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def zip_bomb(path: Path, inflated: int = 400_000_000) -> None:
    """A real workbook whose sheet XML carries `inflated` bytes of blank space: a few hundred KB on disk."""
    import openpyxl

    book = openpyxl.Workbook()
    for r in TITLES + [HEADER] + good_rows():
        book.active.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with out.open(item.filename, "w", force_zip64=True) as sheet:  # streamed: never in memory whole
                sheet.write(head)
                chunk = b" " * 10_000_000
                for _ in range(inflated // len(chunk)):
                    sheet.write(chunk)
                sheet.write(b"</sheetData>" + tail)


def test_an_xlsx_zip_bomb_is_refused_before_it_is_inflated(site):
    before = site.data_hash()
    path = site.source / "csc" / "providers_2024.xlsx"
    zip_bomb(path)
    assert path.stat().st_size < 2_000_000
    site.catalogue_for(path.name)

    built, peak = build_measuring_memory()
    assert peak < 50_000_000, f"the build held {peak / 1e6:.0f} MB: it inflated the sheet"
    [f] = [f for f in built.findings if f.severity == HARD]
    assert f.file == path.name and "inflate" in f.message, f.line()
    assert run_cli(site, "check").exit_code == 1
    assert site.data_hash() == before


# --- a reader that breaks fails its own release only ---

def test_a_reader_that_raises_fails_its_release_and_the_others_build(site, monkeypatch):
    from outcomes.sources import social_care_providers

    good = site.source / "csc" / "providers_2023.csv"
    good.write_text(csv_text(good_rows()), encoding="utf-8")
    text = site.catalogue.read_text(encoding="utf-8")
    site.catalogue.write_text(text + text.replace('"sc-2024"', '"sc-2023"').replace("2024-03-31", "2023-03-31")
                              .replace("2024-07-01", "2023-07-01").replace(FILE, good.name), encoding="utf-8")
    real_read = social_care_providers.read

    def read(paths, as_at):
        if Path(paths[0]).name == FILE:
            raise KeyError("sheet 'Providers'")  # not a SourceError: a reader meeting a file it did not expect
        return real_read(paths, as_at)

    monkeypatch.setattr(social_care_providers, "read", read)
    before = (settings.release_dir(site.data, "sc-2024") / "providers.parquet").read_bytes()

    built = {b.release.id: b for b in build.build_all()}

    assert built["sc-2023"].ok and (settings.release_dir(site.data, "sc-2023") / "providers.parquet").exists()
    [f] = [f for f in built["sc-2024"].findings if f.severity == HARD]
    assert f.check == "read_error" and f.file == FILE and "KeyError" in f.message and "Providers" in f.message
    assert (settings.release_dir(site.data, "sc-2024") / "providers.parquet").read_bytes() == before


# --- bad usage: a message, exit 2, no traceback ---

def test_catalogue_parse_error_names_file_and_line_without_a_traceback(site):
    site.catalogue.write_text(site.catalogue.read_text(encoding="utf-8").replace('title = "Tiny', 'title = Tiny'), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "outcomes", "check"], cwd=settings.PROJECT_ROOT, env=site.env(),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert "releases.toml, line 4: not valid TOML" in r.stderr


@pytest.mark.parametrize("args, words", [
    (["export", "--provider-type", "social_care_provider", "--as-at", "2024-03-31", "--region", "Narnia"],
     ["unknown region 'Narnia'", "E12000003 Yorkshire and The Humber"]),
    (["export", "--provider-type", "social_care_provider", "--as-at", "2024-03-31", "--la", "Leds"],
     ["unknown local authority 'Leds'", "Did you mean Leeds"]),
    (["export", "--provider-type", "schools", "--as-at", "2024-03-31"], ["unknown provider type 'schools'", "social_care_provider"]),
    (["export", "--provider-type", "social_care_provider", "--as-at", "31 March 2024"], ["is not a date", "YYYY-MM-DD"]),
    (["export", "--provider-type", "social_care_provider", "--as-at", "2024-03-31", "--out", "no/such/folder/x.csv"],
     ["the folder no/such/folder does not exist", "Create it first"]),
    (["build", "--release", "sc-2099"], ["no release sc-2099 in the catalogue", "Known releases: sc-2024"]),
], ids=["unknown region", "unknown LA", "unknown provider type", "date not ISO", "missing --out folder", "unknown release"])
def test_bad_usage_exits_2_with_a_message(site, args, words):
    result = run_cli(site, *args)
    assert result.exit_code == 2, result.output
    assert all(w in result.output for w in words), result.output
    assert result.stdout == "", "no figures on standard output after an error"


def test_export_region_and_la_filters_accept_codes_and_names(site):
    by_name = run_cli(site, "export", "--provider-type", "social_care_provider", "--as-at", "2024-03-31",
                      "--level", "local_authority", "--la", "leeds")
    by_code = run_cli(site, "export", "--provider-type", "social_care_provider", "--as-at", "2024-03-31",
                      "--level", "local_authority", "--la", "E08000035")
    assert by_name.exit_code == 0 and by_name.stdout == by_code.stdout
    rows = list(csv.DictReader(io.StringIO(by_name.stdout)))
    assert [r["la_name"] for r in rows] == ["Leeds"]
    region = run_cli(site, "export", "--provider-type", "social_care_provider", "--as-at", "2024-03-31",
                     "--level", "regional", "--region", "South East")
    assert [r["region_name"] for r in csv.DictReader(io.StringIO(region.stdout))] == ["South East"]
