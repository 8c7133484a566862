"""The whole-release zip an analyst downloads: every table with a metadata file that describes
exactly its columns, the data guidance, the QA report and the licence."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest

from outcomes.render import bundles
from outcomes.domain.fields import FIELDS
from outcomes.store.store import Store

pytestmark = pytest.mark.realdata


def read_csv(z: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig"))))


def test_release_zip_tables_match_their_metadata(built_data):
    store = Store(data_dir=built_data)
    release = store.release("social-care-providers-2024-03-31")
    z = zipfile.ZipFile(io.BytesIO(bundles.release_zip(store, release)))
    names = set(z.namelist())
    assert {"data-guidance.md", "data-guidance.csv", "qa-report.csv", "LICENCE.txt"} <= names
    tables = sorted(n for n in names if n.startswith("data/") and not n.endswith(".meta.csv"))
    assert [t.split("_")[-1] for t in tables] == ["authority.csv", "national.csv", "provider.csv", "regional.csv"]
    for table in tables:
        rows = read_csv(z, table)
        assert rows, f"{table} has rows"
        meta = read_csv(z, table.replace(".csv", ".meta.csv"))
        for m in meta:
            assert m["col_name"] in rows[0], f"{table}: its metadata describes its own columns"
            assert m["label"] == FIELDS[m["col_name"]].label
            if m["col_type"] == "Filter":  # a real filter: two or more values, with a hint
                assert len({r[m["col_name"]] for r in rows}) >= 2 and m["filter_hint"]
            else:
                assert FIELDS[m["col_name"]].role == "indicator" and m["indicator_dp"] in ("0", "1")
        indicators = [c for c in rows[0] if FIELDS[c].role == "indicator"]
        assert indicators == [m["col_name"] for m in meta if m["col_type"] == "Indicator"]
    national = read_csv(z, f"data/{release.id}_national.csv")
    total = next(r for r in national if r["provider_subtype"] == "Total")
    assert total["providers"] == "3876" and (total["time_period"], total["as_at_date"]) == ("2024", "2024-03-31")
    assert sum(int(r["providers"]) for r in national if r["provider_subtype"] != "Total") == 3876
    guidance = {r["col_name"] for r in read_csv(z, "data-guidance.csv")}
    assert guidance == set(FIELDS), "the data guidance covers every field in the registry"
    assert "Reporting year" in z.read("data-guidance.md").decode() and "31 March 2024" in z.read("data-guidance.md").decode()
    assert "Open Government Licence v3.0" in z.read("LICENCE.txt").decode()
    assert read_csv(z, "qa-report.csv"), "the QA report of the release is included"


def test_provider_file_keeps_redactions_and_defuses_formulas(built_data):
    store = Store(data_dir=built_data)
    release = store.release("social-care-providers-2024-03-31")
    z = zipfile.ZipFile(io.BytesIO(bundles.release_zip(store, release)))
    rows = read_csv(z, f"data/{release.id}_provider.csv")
    homes = [r for r in rows if r["provider_subtype"] == "Children's home"]
    assert homes and all(r["institution_name"] == "REDACTED" for r in homes), "children's homes stay redacted"
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())
