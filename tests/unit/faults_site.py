"""A tiny site for the fault tests (test_faults_build.py, test_full_disk.py): its two made-up releases
built, published and their page results made, the changes each command then makes, and what a
reader would read of it afterwards (the store, the published files, the page results made ahead).
Everything is written into tmp by the tests; nothing of the real data is copied."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from outcomes import settings
from outcomes.build.pipeline import build_all
from outcomes.domain.releases import load_catalogue
from outcomes.publish import files as publishing
from outcomes.publish import prebuilt
from outcomes.store.store import Store
from tests.unit.test_embargo_export import _write_site

NOW = "2030-01-01T12:00:00"  # both releases public
AMEND = ["amend", "--release", "sc-2024", "--reason", "Ofsted corrected one provider's grade"]


def site_env(root: Path) -> dict[str, str]:
    """The settings that point every module (and a subprocess) at the site in `root`."""
    return {"OUTCOMES_SOURCE": str(root / "source"), "OUTCOMES_DATA": str(root / "data"),
            "OUTCOMES_CATALOGUE": str(root / "releases.toml"), "OUTCOMES_NOW": NOW,
            "OUTCOMES_STATIC": str(root / "static"), "OUTCOMES_GEO": str(root / "geo")}


def in_site(root: Path, work):
    """Run work() in this process with the site's settings (only while it runs)."""
    with pytest.MonkeyPatch.context() as mp:
        for k, v in site_env(root).items():
            mp.setenv(k, v)
        return work()


def make_site(root: Path) -> Path:
    """Both releases built, their files published and the pages' results made (the 'old' site)."""
    _write_site(root)

    def everything():
        assert all(r.ok for r in build_all())
        publishing.publish_files()
        prebuilt.build()
    in_site(root, everything)
    return root


def copy_site(template: Path, root: Path) -> Path:
    shutil.copytree(template, root)
    return root


def run(root: Path, *args: str, kill_at: str | None = None) -> subprocess.CompletedProcess:
    """`python -m outcomes ARGS` on the site, as the operator runs it (optionally killed at a fault point)."""
    env = {**os.environ, **site_env(root)}
    env.pop("OUTCOMES_KILL_AT", None)
    if kill_at:
        env["OUTCOMES_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "outcomes", *args], env=env, cwd=settings.PROJECT_ROOT,
                          capture_output=True, text=True, timeout=180)


# -- what each command changes ---------------------------------------------------------------------

def _flip_a_grade(path: Path, urn: str | None = None) -> None:
    """One provider's grade corrected from Good to Requires improvement (the last column)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(i for i, line in enumerate(lines) if line.rstrip().endswith(",Good") and (urn is None or f",{urn}," in line))
    body = lines[i].rstrip("\r\n")
    lines[i] = body.rsplit(",", 1)[0] + ",Requires improvement" + lines[i][len(body):]
    path.write_text("".join(lines), encoding="utf-8", newline="")


def correct_sources(root: Path) -> None:
    """Both files corrected before publication and re-pinned in the catalogue (no new version):
    the next build gives different figures for both releases."""
    catalogue = root / "releases.toml"
    for f in sorted((root / "source" / "csc").glob("providers_*.csv")):
        old = hashlib.sha256(f.read_bytes()).hexdigest()
        _flip_a_grade(f)
        catalogue.write_text(catalogue.read_text().replace(old, hashlib.sha256(f.read_bytes()).hexdigest()))


def rebuilt(root: Path) -> None:
    """Corrected files, built (in this process): publish and prebuild then have new data to write."""
    correct_sources(root)
    in_site(root, lambda: [r.ok for r in build_all()])


def revise_2024(root: Path) -> None:
    """Ofsted's revised 2024 file in the source folder: `amend` makes version 2 from it."""
    _flip_a_grade(root / "source" / "csc" / "providers_2024.csv", "2000003")


# -- what a reader reads ------------------------------------------------------------------------------

def _rows(frame) -> tuple:
    return tuple(map(tuple, frame.astype(str).to_numpy()))


def data_reading(root: Path) -> dict[str, tuple]:
    """Per release, as the site's store reads it: version, national and LA figures, providers' grades
    and what changed since the previous release."""
    now = dt.datetime.fromisoformat(NOW).replace(tzinfo=settings.LONDON)
    store = Store(root / "data", now=now, catalogue=load_catalogue(root / "releases.toml"))
    out = {}
    for r in store.releases:
        providers = store.query("provider_rows", release_id=r.id, subtype=None, la=None)
        out[r.id] = (r.version, _rows(store.grades(r.id, "national")), _rows(store.grades(r.id, "local_authority")),
                     _rows(providers[["urn", "overall_grade"]]), _rows(store.query("change_counts", release_id=r.id, la=None)))
    return out


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def static_reading(root: Path) -> dict[str, str]:
    """The published files (path: sha256), after checking the index describes exactly what is there.
    (The index's own bytes are left out: it records when each release's data was built.)"""
    folder = root / "static" / "releases"
    tree = _tree(folder)
    index = publishing._read_index(folder)
    listed = {f"{e['id']}/v{e['version']}/{f['name']}": f["sha256"] for e in index["releases"] for f in e["files"]}
    assert {k: tree.get(k) for k in listed} == listed, "index.json lists files that are not there as it says"
    return {k: v for k, v in tree.items() if k != publishing.INDEX}


def prebuilt_reading(root: Path) -> dict[str, str]:
    """The page results made ahead (file: sha256), after checking each one reads whole."""
    folder = root / "data" / prebuilt.FOLDER
    for p in folder.glob("*.pickle"):
        content = pickle.loads(p.read_bytes())
        assert content["items"], f"{p.name} holds no page results"
    return _tree(folder)


def leftovers(root: Path) -> list[str]:
    """Temporary files and folders of a writer anywhere in the site (the atomic writer's names
    carry '~'; any hidden .tmp or .old name counts too)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if "~" in p.name or p.name.startswith((".tmp", ".old")) or (p.name.startswith(".") and p.name.endswith(".tmp")))
