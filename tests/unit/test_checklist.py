"""The QA checklist: a release whose checklist is not signed stays unpublished past its time while the
others publish (the public sees the previous release, the team and the calendar see it delayed), and
signing its last item publishes it, with the completed checklist on its page.

The tiny made-up site of tests/unit/test_embargo_export.py, built into tmp: sc-2023 (signed in its
catalogue entry) and sc-2024, due at 09:30 on 2 July 2024 with no sign-off.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from outcomes import settings
from outcomes.domain import checklist
from outcomes.domain.releases import load_catalogue, visible
from outcomes.errors import UsageError
from outcomes.publish import files as publishing
from outcomes.results import release as release_pages
from outcomes.store.store import Store, readable_releases
from tests.app.test_pages import run, text_of
from tests.unit.test_embargo_export import RELEASE_DAY, built_site

AFTER = f"{RELEASE_DAY}T10:00:00"  # half an hour after sc-2024's publication time
PERSON_ITEMS = ["exception_report", "previous_release", "crosscheck", "suppression", "framework_breaks",
                "pre_release_access", "screener"]


@pytest.fixture
def site(tmp_path, monkeypatch):
    env = built_site(tmp_path, unsigned=("sc-2024",))
    for k, v in {**env, "OUTCOMES_NOW": AFTER, "OUTCOMES_STATIC": str(tmp_path / "static")}.items():
        monkeypatch.setenv(k, v)
    return env


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "outcomes", *args], cwd=settings.PROJECT_ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=300)


def sc_2024():
    return next(r for r in load_catalogue() if r.id == "sc-2024")


def test_an_unsigned_release_stays_unpublished_past_its_time_while_the_others_publish(site):
    assert [r.id for r in Store().releases] == ["sc-2023"], "the public sees the previous release"
    assert [r.id for r in visible(load_catalogue())] == ["sc-2023"]
    assert release_pages.release_page(Store(), "sc-2024") is None
    entries = release_pages.calendar(Store().releases)
    assert [(e.title, e.status, e.when) for e in entries if e.status != "published"] == [
        ("Tiny providers as at 31 March 2024", "delayed: checklist incomplete", "2 July 2024, 09:30")]
    listed = cli("releases")
    assert listed.returncode == 0, listed.stderr
    assert "sc-2023" in listed.stdout and "sc-2024" in listed.stdout.split("delayed")[0].splitlines()[-1]
    assert "delayed: checklist incomplete (due 2 July 2024, 09:30)" in listed.stdout
    export = cli("export", "--provider-type", "social_care_provider", "--as-at", "2024-03-31")
    assert export.returncode == 2 and export.stdout == "", "nothing of it leaves by the command line either"
    publishing.publish_files()
    assert not (settings.static_dir() / "releases" / "sc-2024").exists(), "nor as files at their addresses"


def test_the_calendar_announces_the_delay_when_its_time_passes(site, monkeypatch):
    def status() -> list[str]:
        at = run("calendar")
        assert not at.exception, at.exception
        return [s for d in at.dataframe if "Status" in d.value.columns for s in d.value["Status"]]
    monkeypatch.setenv("OUTCOMES_NOW", f"{RELEASE_DAY}T09:00:00")
    assert status() == ["announced"]
    monkeypatch.setenv("OUTCOMES_NOW", AFTER)  # nothing was published at 09:30: the same public set
    assert status() == ["delayed: checklist incomplete"]


def test_the_build_ticks_its_own_items_and_a_person_signs_the_rest(site):
    lines = {line.item.id: line for line in checklist.lines(sc_2024())}
    assert list(lines) == ["no_hard_findings"] + PERSON_ITEMS
    assert lines["no_hard_findings"].done and lines["no_hard_findings"].by == "the build"
    assert lines["no_hard_findings"].note.startswith("0 hard findings")
    assert not any(lines[i].done for i in PERSON_ITEMS)
    assert "3 providers against 2 in sc-2023" in lines["previous_release"].found  # what the build found, for the signer
    assert "names no cross-check" in lines["crosscheck"].found
    with pytest.raises(UsageError, match="ticked by the build only"):
        checklist.sign(sc_2024(), ["no_hard_findings"], "Ann Analyst", "looked")
    with pytest.raises(UsageError, match="no checklist item 'spelling'"):
        checklist.sign(sc_2024(), ["spelling"], "Ann Analyst", "looked")
    with pytest.raises(UsageError, match="name and a note"):
        checklist.sign(sc_2024(), ["screener"], "Ann Analyst", " ")
    assert not (settings.data_dir() / checklist.SIGNOFFS).exists(), "a refused sign-off writes nothing"


def test_signing_the_last_item_publishes_it(site):
    half = cli("checklist", "sc-2024", "--sign", "Ann Analyst", "--item", "exception_report", "--item", "screener",
               "--note", "Report read; screener passes")
    assert half.returncode == 0, half.stderr
    assert "Signed by Ann Analyst: exception_report, screener." in half.stdout
    assert "3 of 8 items done; delayed: checklist incomplete" in half.stdout
    assert [r.id for r in Store().releases] == ["sc-2023"], "still delayed: five items to go"
    rest = [a for i in PERSON_ITEMS if i not in ("exception_report", "screener") for a in ("--item", i)]
    done = cli("checklist", "sc-2024", "--sign", "Bo Statistician", *rest, "--note", "Checked against sc-2023")
    assert done.returncode == 0, done.stderr
    assert "8 of 8 items done; published" in done.stdout and "Complete: it is published now" in done.stdout
    assert [r.id for r in Store().releases] == ["sc-2023", "sc-2024"]
    page = release_pages.release_page(Store(), "sc-2024")
    signed = {line.item.id: (line.by, line.note) for line in page.checklist}
    assert signed["screener"] == ("Ann Analyst", "Report read; screener passes")
    assert signed["framework_breaks"] == ("Bo Statistician", "Checked against sc-2023")
    assert all(line.done for line in page.checklist)


def test_the_release_page_shows_the_completed_checklist(site):
    for item in PERSON_ITEMS:
        checklist.sign(sc_2024(), [item], "Ann Analyst", f"{item} checked")
    at = run("release", id="sc-2024")
    assert not at.exception, at.exception
    assert "Quality assurance checklist" in [s.value for s in at.subheader]
    [table] = [d.value for d in at.dataframe if "Done" in d.value.columns]
    assert set(table["Done"]) == {"yes"}
    assert "Ann Analyst" in set(table["By"]) and "the build" in set(table["By"])
    assert "screener checked" in set(table["Note"])
    assert "No release is announced at the moment." in text_of(run("calendar")), "no longer delayed"


@pytest.mark.realdata
def test_every_real_release_built_from_a_clean_clone_is_published(built_data):
    """make data on a clean clone: each release built from the real files is public at its time
    (the catalogue records the sign-off of those published before the checklist existed)."""
    catalogue = load_catalogue(settings.PROJECT_ROOT / "data" / "releases.toml")
    later = max(r.published for r in catalogue)
    built = {r.id for r in readable_releases(built_data, catalogue, later, every_built=True)}
    superseded = {r.supersedes for r in catalogue if r.supersedes in built and r.id in built}
    shown = {r.id for r in readable_releases(built_data, catalogue, later)}
    assert shown == built - superseded and len(shown) > 30
    assert not release_pages.delayed_releases(built_data, catalogue, later)
