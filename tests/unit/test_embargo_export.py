"""Nothing before 09:30 on release day; the export command's errors; spreadsheet-safe CSV.

The releases here are built from tiny made-up provider files written into tmp by the test
(never the project's data/ folder); the clock is set with OUTCOMES_NOW.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from outcomes import settings

from outcomes.build import pipeline as build
from outcomes.domain.fields import PROVIDER_TYPES
from outcomes.store.store import Store
from outcomes.domain.fields import Level
from outcomes.render import csvfiles
from tests.unit.tiny_site import SIGNED

PROJECT = settings.PROJECT_ROOT

LOOKUP = """urn,la_code,la_code_new,stat_neighbours_la_code,local_authority_ons_name,also_known_as,rgn22cd,rgn22nm,utla23nm,ons_la_type
990001,383,E08000035,,Leeds,,E12000003,Yorkshire and The Humber,Leeds,Metropolitan district
990002,886,E10000016,,Kent,,E12000008,South East,Kent,County
"""
HEADER = ["Web link", "URN", "Provision type", "Local authority", "Sector", "Name", "Inspection date",
          "Publication date", "Event number", "Event type", "Overall experiences and progress of children and young people"]
# (urn, LA, provision type, grade) per release year; made-up providers
ROWS = {
    2023: [("2000001", "Leeds", "Children's home", "Good"), ("2000002", "Kent", "Children's home", "Inadequate")],
    2024: [("2000001", "Leeds", "Children's home", "Outstanding"), ("2000002", "Kent", "Children's home", "Good"),
           ("2000003", "Kent", "Independent fostering agency", "Good")],
}
RELEASE_DAY = "2024-07-02"  # the 31 March 2024 release goes public at 09:30 London time (BST) that day


def _write_site(root: Path, unsigned: tuple[str, ...] = ()) -> dict[str, str]:
    """The tiny site; each release has its QA checklist signed in the catalogue but those `unsigned`."""
    src = root / "source"
    (src / "d2i_ilacs").mkdir(parents=True)
    (src / "d2i_ilacs" / "Provider_data_lookup.csv").write_text(LOOKUP, encoding="utf-8")
    catalogue = []
    for year, rows in ROWS.items():
        f = src / "csc" / f"providers_{year}.csv"
        f.parent.mkdir(exist_ok=True)
        with open(f, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([f"Children's social care data in England {year} – Provider level as at 31 March {year}"])
            w.writerow(HEADER)
            for urn, la, ptype, grade in rows:
                w.writerow(["link", urn, ptype, la, "Private", "REDACTED", f"01/06/{year - 1}", f"01/07/{year - 1}",
                            f"{year}{urn[-2:]}", "Full inspection", grade])
        published = f"{year}-07-01T09:30:00" if year == 2023 else f"{RELEASE_DAY}T09:30:00"
        catalogue.append(f"""
[[release]]
id = "sc-{year}"
title = "Tiny providers as at 31 March {year}"
provider_type = "social_care_provider"
as_at = {year}-03-31
published = {published}
{"" if f"sc-{year}" in unsigned else SIGNED}
status = "official"
reader = "social_care_providers"
sources = [ {{ path = "csc/{f.name}", sha256 = "{hashlib.sha256(f.read_bytes()).hexdigest()}" }} ]
""")
    (root / "releases.toml").write_text("".join(catalogue), encoding="utf-8")
    return {"OUTCOMES_SOURCE": str(src), "OUTCOMES_DATA": str(root / "data"), "OUTCOMES_CATALOGUE": str(root / "releases.toml")}


def built_site(root: Path, unsigned: tuple[str, ...] = ()) -> dict[str, str]:
    """The tiny site written into root and both releases built with its settings (set only while
    building); returns the settings for the test to apply."""
    env = _write_site(root, unsigned)
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        results = build.build_all()
    assert all(r.ok for r in results)
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, str]:
    """Both tiny releases built (the build ignores the embargo; publication is the store's job)."""
    env = built_site(tmp_path_factory.mktemp("embargo"))
    assert not Path(env["OUTCOMES_DATA"]).resolve().is_relative_to((PROJECT / "data").resolve())
    return env


@pytest.fixture
def at(site, monkeypatch):
    """Set the clock (and point every module at the tiny site)."""
    for k, v in site.items():
        monkeypatch.setenv(k, v)

    def set_now(when: str) -> dict[str, str]:
        monkeypatch.setenv("OUTCOMES_NOW", when)
        return {**os.environ, **site, "OUTCOMES_NOW": when}
    return set_now


def export(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "outcomes", "export", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=300)


# --- embargo ---

BEFORE = [f"{RELEASE_DAY}T09:29:59", f"{RELEASE_DAY}T08:29:00+00:00", "2024-07-01T23:00:00"]
AFTER = [f"{RELEASE_DAY}T09:30:00", f"{RELEASE_DAY}T08:30:00+00:00", "2025-01-01T00:00:00"]


@pytest.mark.parametrize("now", BEFORE)
def test_store_hides_a_release_before_its_publication_time(at, now):
    at(now)
    store = Store()
    assert [r.id for r in store.releases] == ["sc-2023"]
    assert store.latest("social_care_provider").as_at.isoformat() == "2023-03-31"
    # Its rows cannot be reached by any query either, even by naming it.
    assert store.query("provider_rows", release_id="sc-2024", subtype=None, la=None).empty
    assert store.query("subtypes", release_id="sc-2024").empty
    # Nor its precomputed serving rows (the serving tables hold every built release).
    assert store.grades("sc-2024", "national").empty and store.query("judgement_counts", release_id="sc-2024", subtype_key="").empty
    with pytest.raises(KeyError):
        store.release("sc-2024")


@pytest.mark.parametrize("now", AFTER)
def test_store_shows_a_release_from_its_publication_time(at, now):
    at(now)
    store = Store()
    assert [r.id for r in store.releases] == ["sc-2023", "sc-2024"]
    assert store.latest("social_care_provider").id == "sc-2024"
    assert len(store.query("provider_rows", release_id="sc-2024", subtype=None, la=None)) == 3


def test_store_reads_a_data_folder_kept_under_a_folder_named_releases(tmp_path, monkeypatch):
    env = _write_site(tmp_path / "releases" / "site")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("OUTCOMES_NOW", "2030-01-01T00:00:00")
    assert all(r.ok for r in build.build_all())
    store = Store()
    assert [r.id for r in store.releases] == ["sc-2023", "sc-2024"]
    assert len(store.query("provider_rows", release_id="sc-2024", subtype=None, la=None)) == 3


def test_export_before_publication_refuses_and_lists_what_exists(at):
    r = export(at(f"{RELEASE_DAY}T09:29:00"), "--provider-type", "social_care_provider", "--as-at", "2024-03-31")
    assert r.returncode != 0
    assert r.stdout == ""  # not a single figure leaks
    assert "no social_care_provider release as at 2024-03-31" in r.stderr
    listed = r.stderr.split("releases as at:")[1]
    assert "2023-03-31" in listed and "2024-03-31" not in listed

    listing = subprocess.run([sys.executable, "-m", "outcomes", "releases"], cwd=PROJECT, env=at(f"{RELEASE_DAY}T09:29:00"),
                             capture_output=True, text=True, timeout=300)
    assert "sc-2023" in listing.stdout and "sc-2024" not in listing.stdout


def test_export_after_publication_gives_the_figures(at):
    r = export(at(f"{RELEASE_DAY}T09:30:00"), "--provider-type", "social_care_provider", "--as-at", "2024-03-31")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    [row] = [x for x in rows if x["provider_subtype"] == "Total"]
    assert {x["provider_subtype"] for x in rows} == {"Total", "Children's home", "Independent fostering agency"}
    assert row["geographic_level"] == "National"
    # EES time convention for an annual "as at" snapshot, with the exact date kept beside it
    assert (row["time_period"], row["time_identifier"], row["as_at_date"]) == ("2024", "Reporting year", "2024-03-31")
    assert (row["providers"], row["outstanding"], row["good"], row["inadequate"]) == ("3", "1", "2", "0")
    assert row["pct_good_or_outstanding"] == "100.0"


def test_export_writes_csv_and_metadata_files(at, tmp_path):
    out = tmp_path / "leeds.csv"
    r = export(at("2025-01-01T00:00:00"), "--provider-type", "social_care_provider", "--as-at", "2023-03-31",
               "--level", "local_authority", "--out", str(out))
    assert r.returncode == 0, r.stderr
    data = pd.read_csv(out, dtype=str)
    assert data.set_index("la_name").loc["Leeds", "good"] == "1"
    # One graded home in an LA: its share would reveal that home's grade, so it is suppressed.
    assert set(data["pct_good_or_outstanding"]) == {"c"}
    meta = pd.read_csv(out.with_name("leeds.meta.csv"))
    assert {"providers", "pct_good_or_outstanding"} <= set(meta["col_name"])


# --- export CLI errors: non-zero exit and the allowed values ---

def test_export_unknown_provider_type_lists_the_types(at):
    r = export(at("2025-01-01T00:00:00"), "--provider-type", "childrens_homes", "--as-at", "2024-03-31")
    assert r.returncode != 0 and r.stdout == ""
    assert "unknown provider type 'childrens_homes'" in r.stderr
    assert all(t in r.stderr for t in PROVIDER_TYPES)


def test_export_unknown_level_lists_the_levels(at):
    r = export(at("2025-01-01T00:00:00"), "--provider-type", "social_care_provider", "--as-at", "2024-03-31", "--level", "county")
    assert r.returncode != 0 and r.stdout == ""
    assert "unknown level 'county'" in r.stderr and all(lv in r.stderr for lv in Level)


def test_export_as_at_date_without_a_release_lists_the_dates(at):
    r = export(at("2025-01-01T00:00:00"), "--provider-type", "social_care_provider", "--as-at", "2024-03-30")
    assert r.returncode != 0 and r.stdout == ""
    assert "releases as at: 2023-03-31, 2024-03-31" in r.stderr


def test_export_as_at_that_is_not_a_date_says_the_format(at):
    r = export(at("2025-01-01T00:00:00"), "--provider-type", "social_care_provider", "--as-at", "31/03/2024")
    assert r.returncode != 0 and r.stdout == ""
    assert "'31/03/2024' is not a date" in r.stderr and "YYYY-MM-DD" in r.stderr


def test_export_unknown_subtype_lists_the_subtypes(at):
    r = export(at("2025-01-01T00:00:00"), "--provider-type", "social_care_provider", "--as-at", "2024-03-31",
               "--subtype", "Childrens home")
    assert r.returncode != 0 and r.stdout == ""
    assert "Children's home" in r.stderr and "Independent fostering agency" in r.stderr


# --- CSV safety ---

NAMES = ['=HYPERLINK("x")', "-x", "@x", "-5", "Ordinary name", "O'Brien House"]


def _cells(text: str) -> dict[str, str]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return {r["urn"]: r["provider_name"] for r in rows}


def test_csv_neutralises_formulas_but_keeps_negative_numbers():
    frame = pd.DataFrame({"urn": [f"U{i}" for i in range(len(NAMES))], "provider_name": NAMES, "places": range(len(NAMES))})
    cells = _cells(csvfiles.to_csv_text(frame))
    assert cells["U0"] == "'" + '=HYPERLINK("x")'
    assert cells["U1"] == "'-x" and cells["U2"] == "'@x"
    assert cells["U3"] == "-5"  # a negative number is data
    assert cells["U4"] == "Ordinary name" and cells["U5"] == "O'Brien House"
    assert frame["provider_name"].tolist() == NAMES  # the table on screen is not altered


def test_csv_neutralises_a_leading_plus():
    frame = pd.DataFrame({"urn": ["U0"], "provider_name": ["+1"]})
    assert _cells(csvfiles.to_csv_text(frame))["U0"] == "'+1"


def test_csv_bytes_start_with_the_utf8_bom_and_keep_accents():
    frame = pd.DataFrame({"urn": ["U1"], "provider_name": ["Café – Ty Newydd"]})
    data = csvfiles.to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\xef\xbb\xbf") == 1
    assert "Café – Ty Newydd" in data.decode("utf-8-sig")
    assert not csvfiles.to_csv_text(frame).startswith("\ufeff")
