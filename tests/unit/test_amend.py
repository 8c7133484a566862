"""Revisions: `amend` makes a new version from a changed file, keeps the old one readable at its
own address, re-pins the file, and puts a correction on every page showing the release for 30
days. Also the change counts between releases. Tiny made-up releases in tmp (never data/)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tomllib

import pytest

from outcomes import settings

from outcomes.publish import amend

from outcomes.build import pipeline as build

from outcomes.build import changes

from outcomes.results import release as release_pages
from outcomes.errors import UsageError
from outcomes.domain.releases import load_catalogue, sha256_of
from outcomes.store.store import Store
from outcomes.domain import changes as change_rules
from outcomes.domain import frameworks
from tests.unit.test_embargo_export import _write_site

AMENDED = dt.date(2025, 1, 10)


@pytest.fixture
def site(tmp_path, monkeypatch):
    env = _write_site(tmp_path)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("OUTCOMES_NOW", "2025-01-10T12:00:00")
    assert all(r.ok for r in build.build_all())
    return env


def revise_2024_file(site) -> None:
    """Ofsted corrects a grade: provider 2000003 was Requires improvement, not Good."""
    path = settings.source_dir() / "csc" / "providers_2024.csv"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("link,2000003,"))
    path.write_text(text.replace(line, line.rsplit(",", 1)[0] + ",Requires improvement"), encoding="utf-8")


def national_share(store: Store, release_id: str) -> float:
    return float(store.grades(release_id, "national").iloc[0]["pct_good_or_outstanding"])


def test_amend_makes_version_2_and_keeps_version_1_readable(site):
    before = Store()
    assert national_share(before, "sc-2024") == 100.0
    revise_2024_file(site)
    new = amend.amend("sc-2024", "Ofsted corrected one provider's grade", today=AMENDED)

    assert new.version == 2
    assert [(r.version, r.date, r.reason) for r in new.revisions] == [(2, AMENDED, "Ofsted corrected one provider's grade")]
    assert new.sources[0].sha256 == sha256_of(settings.source_dir() / "csc" / "providers_2024.csv")
    doc = tomllib.loads(settings.catalogue_path().read_text(encoding="utf-8"))
    assert [r["version"] for r in doc["release"] if r["id"] == "sc-2024"] == [2]

    store = Store()  # the latest version at the usual path: store, serving tables, zip
    assert store.release("sc-2024").version == 2
    assert national_share(store, "sc-2024") == pytest.approx(66.7, abs=0.05)
    latest = release_pages.release_page(store, "sc-2024")
    assert latest.is_latest and latest.versions == [1, 2]
    assert [u[0] for u in latest.updates] == [1, 2] and latest.updates[1][2] == "Ofsted corrected one provider's grade"

    old = release_pages.release_page(store, "sc-2024", 1)  # ?id=sc-2024&version=1
    assert old is not None and not old.is_latest and old.version == 1
    assert any(line.startswith("100.0% of those graded") for line in old.findings)
    assert old.release.sources[0].sha256 != new.sources[0].sha256  # the file version 1 was built from
    assert release_pages.release_page(store, "sc-2024", 7) is None


def test_a_correction_shows_for_30_days(site):
    revise_2024_file(site)
    release = amend.amend("sc-2024", "Corrected a grade", today=AMENDED)
    within = dt.datetime(2025, 2, 9, 12, tzinfo=settings.LONDON)
    after = dt.datetime(2025, 2, 10, 12, tzinfo=settings.LONDON)
    assert release_pages.correction_note(release, within) == "Corrected on 10 January 2025 (version 2): Corrected a grade"
    assert release_pages.correction_note(release, after) == ""
    assert release_pages.correction_note(next(r for r in load_catalogue() if r.id == "sc-2023"), within) == ""


def test_amend_refuses_unchanged_files_and_leaves_everything_as_it_was(site):
    text = settings.catalogue_path().read_text(encoding="utf-8")
    with pytest.raises(UsageError, match="unchanged"):
        amend.amend("sc-2024", "no reason really")
    r = subprocess.run([sys.executable, "-m", "outcomes", "amend", "--release", "sc-2024", "--reason", "x"],
                       cwd=settings.PROJECT_ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "unchanged (same sha256)" in r.stderr
    assert settings.catalogue_path().read_text(encoding="utf-8") == text
    assert not settings.versions_dir(settings.data_dir(), "sc-2024").exists()


def test_amend_by_the_command_line(site):
    revise_2024_file(site)
    r = subprocess.run([sys.executable, "-m", "outcomes", "amend", "--release", "sc-2024", "--reason", "Corrected a grade"],
                       cwd=settings.PROJECT_ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "sc-2024 is now version 2" in r.stdout and "version=1" in r.stdout
    assert (settings.version_dir(settings.data_dir(), "sc-2024", 1) / "releases" / "sc-2024" / "providers.parquet").exists()


# --- what changed between releases ---

@pytest.mark.parametrize("previous, current, in_prev, in_cur, expected", [
    ("good", "outstanding", True, True, "improved"), ("good", "inadequate", True, True, "declined"),
    ("adequate", "requires_improvement", True, True, "same"),  # ranked alike across the 2015 break
    (None, "good", True, True, "newly_inspected"), (None, None, True, True, "not_yet_inspected"),
    (None, "good", False, True, "newly_inspected"), (None, None, False, True, "new_not_yet_inspected"),
    ("good", None, True, False, "closed_or_left"), ("good", "no_overall_grade", True, True, "not_comparable")])
def test_each_provider_change_is_classified(previous, current, in_prev, in_cur, expected):
    assert change_rules.classify(previous, current, in_prev, in_cur) == expected


def test_a_comparison_across_a_framework_break_is_labelled():
    assert frameworks.break_label("social_care_provider", dt.date(2015, 3, 31), dt.date(2016, 3, 31)) == "SCCIF introduced (April 2015)"
    assert frameworks.break_label("social_care_provider", dt.date(2016, 3, 31), dt.date(2017, 3, 31)) == ""


def test_change_counts_by_la_are_in_the_serving_table(site):
    counts = Store().query("change_counts", release_id="sc-2024", la=None)
    kent = counts[(counts["la_name"] == "Kent") & (counts["provider_subtype"] == "")]
    assert dict(zip(kent["change"], kent["n"])) == {"improved": 1, "newly_inspected": 1}
    assert set(counts["previous_id"]) == {"sc-2023"}
