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

from pathlib import Path

import duckdb

from outcomes.domain.fields import JUDGEMENT_COLUMNS, PROVIDER_COLUMNS
from outcomes.settings import release_dir, serving_dir

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


def load_release_tables(con: duckdb.DuckDBPyConnection, data_dir: Path, release_ids: list[str]) -> None:
    """Tables providers, judgements and history in `con`: every given release's rows, each with its
    release_id (the folder holding the file), copied into memory."""
    for table, (name, columns) in RELEASE_TABLES.items():
        files = [str(p) for p in (release_dir(data_dir, r) / name for r in release_ids) if p.exists()]
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
