"""What the build writes, and where: the layout of data/ that the read side (outcomes.store) opens.

    data/releases/<id>/providers.parquet      one row per provider, latest inspection as at the date
                       judgements.parquet     sub-judgements, one row per provider and judgement
                       history.parquet        every inspection up to the date (LA types)
                       inspections_in_year.parquet   the year's inspections (the flow), where held
                       national_counts.parquet   Ofsted's national counts (files of inspected providers only)
                       release.json, qa_report.csv
    data/lookups/local_authorities.parquet    the LA register
    data/serving/grades.parquet, judgement_counts.parquet, change_counts.parquet   (outcomes.build.serving)
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb

from outcomes.domain.fields import JUDGEMENT_COLUMNS, PROVIDER_COLUMNS
from outcomes.settings import release_dir, serving_dir, version_dir

PROVIDERS = "providers.parquet"
JUDGEMENTS = "judgements.parquet"
HISTORY = "history.parquet"
IN_YEAR = "inspections_in_year.parquet"
NATIONAL_COUNTS = "national_counts.parquet"  # Ofsted's own counts, where the file lists inspected providers only
RELEASE_JSON = "release.json"
QA_REPORT = "qa_report.csv"
GRADES = "grades.parquet"
JUDGEMENT_COUNTS = "judgement_counts.parquet"
CHANGE_COUNTS = "change_counts.parquet"

# The tables of every built release, and the columns an empty one has (a store over no release).
RELEASE_TABLES = {"providers": (PROVIDERS, PROVIDER_COLUMNS), "judgements": (JUDGEMENTS, JUDGEMENT_COLUMNS),
                  "history": (HISTORY, ["urn", "new_la_code", "inspection_start_date"])}


def lookup_path(data_dir: Path) -> Path:
    return Path(data_dir) / "lookups" / "local_authorities.parquet"


def serving_path(data_dir: Path, name: str) -> Path:
    return serving_dir(data_dir) / name


def is_built(data_dir: Path, release_id: str) -> bool:
    return (release_dir(data_dir, release_id) / PROVIDERS).exists()


def meta(folder: Path) -> dict:
    """A built release folder's release.json ({} when there is none or it does not parse)."""
    try:
        return json.loads((Path(folder) / RELEASE_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def build_id(folder: Path) -> str:
    """The id the build gave a release folder when it wrote it: the serving tables name the one
    they were computed from, so the store can tell when they no longer match (issue 20)."""
    return str(meta(folder).get("build_id", ""))


def folder_for(data_dir: Path, release_id: str, version: int) -> Path | None:
    """Where the built files of this version of a release are: data/releases/<id> when it holds
    that version, else the copy data/versions/<id>/v<N>/ kept by amend; None when neither does.

    A catalogue and a data folder one version apart happen when amend is cut short between
    building the new version and re-pinning the catalogue: the catalogue still names the old
    version, and the store reads it from its kept copy until the catalogue says otherwise."""
    for folder in (release_dir(data_dir, release_id), release_dir(version_dir(data_dir, release_id, version), release_id)):
        if (folder / PROVIDERS).exists() and int(meta(folder).get("version", version)) == version:
            return folder
    return None


def built_folders(data_dir: Path, releases) -> dict[str, Path]:
    """{release id: its folder} of every given release built at the version the catalogue names."""
    found = {r.id: folder_for(data_dir, r.id, r.version) for r in releases}
    return {k: v for k, v in found.items() if v is not None}


def load_release_tables(con: duckdb.DuckDBPyConnection, folders: dict[str, Path]) -> None:
    """Tables providers, judgements and history in `con`: the rows of every release in `folders`
    ({id: its built folder}), each with its release_id (the folder holding the file), copied into memory."""
    for table, (name, columns) in RELEASE_TABLES.items():
        files = [str(p) for p in (Path(f) / name for f in folders.values()) if p.exists()]
        if files:
            # The release id is the folder holding the file (anchored at the end of the path, so a
            # data folder that itself sits under some "releases" folder still reads right).
            con.execute(
                f"CREATE TABLE {table} AS SELECT * EXCLUDE (filename), regexp_extract(filename, "
                "'[/\\\\]releases[/\\\\]([^/\\\\]+)[/\\\\][^/\\\\]+$', 1) AS release_id "
                "FROM read_parquet($files, union_by_name = true, filename = true)", {"files": files})
        else:
            cols = ", ".join(f'"{c}" VARCHAR' for c in columns + ["release_id"])  # fixed names from the registry
            con.execute(f"CREATE TABLE {table} ({cols})")
