"""Every file an analyst can download passes DfE's data screener (tests/screener.py), on the real build:
every file of every release zip (each level, every provider type), exports by subtype, and the
`export` command's files as written to disk."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from outcomes import settings

from outcomes.render import bundles
from outcomes.domain.releases import load_catalogue
from outcomes.store.store import Store
from outcomes.domain.fields import Level
from outcomes.results import tidy
from outcomes.render import csvfiles
from tests import screener

pytestmark = pytest.mark.realdata
CATALOGUE = settings.PROJECT_ROOT / "data" / "releases.toml"
RELEASES = load_catalogue(CATALOGUE)


@pytest.fixture(scope="module")
def store(built_data) -> Store:
    catalogue = load_catalogue(CATALOGUE)
    # Every built release, a delayed one too: its QA checklist asks for its files to be screened before it is published.
    return Store(data_dir=built_data, catalogue=catalogue, every_built=True)


@pytest.fixture(scope="module")
def las() -> frozenset:
    return screener.standard_la_combinations(settings.source_dir())


def _release(store: Store, release_id: str):
    try:
        return store.release(release_id)
    except KeyError:
        pytest.skip(f"{release_id} is not built here (its source file is not in the source folder)")


@pytest.mark.parametrize("release_id", [r.id for r in RELEASES])
def test_every_file_in_the_release_zip_passes_the_screener(store, las, release_id):
    release = _release(store, release_id)
    z = zipfile.ZipFile(io.BytesIO(bundles.release_zip(store, release)))
    tables = [n for n in z.namelist() if n.startswith("data/") and not n.endswith(".meta.csv")]
    assert f"data/{release.id}_national.csv" in tables and f"data/{release.id}_provider.csv" in tables
    for table in tables:
        meta = table.replace(".csv", ".meta.csv")
        findings = screener.assert_passes(z.read(table), z.read(meta), table.split("/")[-1], meta.split("/")[-1], las)
        ancillary = any(f.check == "ignored_rows" for f in findings)
        assert ancillary == table.endswith("_provider.csv"), "only the provider-level file is an ancillary file"


@pytest.mark.parametrize("provider_type", sorted({r.provider_type for r in RELEASES}))
def test_exports_of_one_subtype_pass_the_screener(store, las, provider_type):
    release = store.latest(provider_type)
    for subtype in store.query("subtypes", release_id=release.id)["provider_subtype"][:2]:
        for level in Level:
            data, meta = tidy.export_frames(store, release, level, subtype)
            if data.empty:
                continue
            name = f"{provider_type}_{level}.csv"
            screener.assert_passes(csvfiles.to_csv_bytes(data), csvfiles.to_csv_bytes(meta), name,
                                   name.replace(".csv", ".meta.csv"), las)
            assert set(data["provider_subtype"]) == {subtype}
            assert "provider_subtype" not in set(meta["col_name"]), "a filter with one value is not a filter"


def test_export_command_files_pass_the_screener(built_data, las, tmp_path):
    env = {**os.environ, "OUTCOMES_DATA": str(built_data), "OUTCOMES_NOW": "2030-01-01T00:00:00"}
    env.pop("OUTCOMES_CATALOGUE", None)
    out = tmp_path / "childrens_homes_by_la.csv"
    r = subprocess.run([sys.executable, "-m", "outcomes", "export", "--provider-type", "social_care_provider",
                        "--as-at", "2024-03-31", "--level", "local_authority", "--out", str(out)],
                       cwd=settings.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    screener.assert_passes(out, out.with_name("childrens_homes_by_la.meta.csv"), la_combinations=las)
    data = pd.read_csv(out, dtype=str)
    # every LA has a Total row and a row for each subtype, zero counts included
    per_la = data.groupby("new_la_code")["provider_subtype"].nunique()
    assert per_la.min() == per_la.max() == data["provider_subtype"].nunique() > 2
    assert (data["provider_subtype"] == "Total").sum() == data["new_la_code"].nunique()


def test_la_names_are_dfe_standard_names(store):
    release = _release(store, "social-care-providers-2024-03-31")
    data, _ = tidy.export_frames(store, release, "local_authority")
    names = dict(zip(data["old_la_code"], data["la_name"]))
    assert (names["822"], names["840"], names["884"], names["810"]) == (
        "Bedford", "County Durham", "Herefordshire, County of", "Kingston upon Hull, City of")
    assert not {"Bedford Borough", "Durham", "Herefordshire", "Kingston Upon Hull, City of"} & set(names.values())
