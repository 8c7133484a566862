"""DuckDB over the built release parquet: named queries with bound parameters only.

Only releases that are built, published at or before now, and not superseded are ever read:
the embargo is enforced here, at the one door to the data, not on each page.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from outcomes import settings
from outcomes.build import release_dir
from outcomes.fields import JUDGEMENT_COLUMNS, PROVIDER_COLUMNS
from outcomes.releases import Release, load_catalogue, visible

# Every query the site and the CLI run. Parameters are bound ($name), never formatted in.
QUERIES: dict[str, str] = {
    "grade_counts": """
        SELECT p.region_code, p.region_name, p.new_la_code, p.old_la_code, p.la_name,
               coalesce(p.overall_grade, 'not_yet_graded') AS grade, count(*) AS n
        FROM providers p
        WHERE p.release_id = $release_id AND p.in_england
          AND ($subtype IS NULL OR p.provider_subtype = $subtype)
        GROUP BY ALL ORDER BY ALL""",
    "provider_rows": """
        SELECT p.* EXCLUDE (filename)
        FROM providers p
        WHERE p.release_id = $release_id
          AND ($subtype IS NULL OR p.provider_subtype = $subtype)
          AND ($la IS NULL OR p.new_la_code = $la)
        ORDER BY p.la_name NULLS LAST, p.urn""",
    "subtypes": """
        SELECT provider_subtype, count(*) AS providers
        FROM providers WHERE release_id = $release_id AND in_england AND provider_subtype IS NOT NULL
        GROUP BY ALL ORDER BY providers DESC""",
    "judgement_counts": """
        SELECT j.judgement, j.judgement_label, j.grade, count(*) AS n
        FROM judgements j JOIN providers p ON p.release_id = j.release_id AND p.urn = j.urn
        WHERE j.release_id = $release_id AND p.in_england
          AND ($subtype IS NULL OR p.provider_subtype = $subtype)
          AND ($la IS NULL OR p.new_la_code = $la)
        GROUP BY ALL ORDER BY ALL""",
    "history_of": """
        SELECT h.* EXCLUDE (filename)
        FROM history h
        WHERE h.release_id = $release_id AND h.new_la_code = $la
        ORDER BY h.inspection_start_date DESC""",
    "la_lookup": """SELECT * FROM local_authorities ORDER BY la_name""",
}


class Store:
    """One DuckDB connection over the visible releases (cached once per process by the site)."""

    def __init__(self, data_dir: Path | None = None, now: dt.datetime | None = None, catalogue: list[Release] | None = None):
        self.data_dir = Path(data_dir or settings.data_dir())
        self.now = now or settings.now()
        cat = catalogue if catalogue is not None else load_catalogue()
        built = [r for r in visible(cat, self.now) if (release_dir(self.data_dir, r.id) / "providers.parquet").exists()]
        superseded = {r.supersedes for r in built if r.supersedes}
        self.releases: list[Release] = sorted((r for r in built if r.id not in superseded), key=lambda r: (r.provider_type, r.as_at))
        self.con = duckdb.connect()
        self._view("providers", "providers.parquet", PROVIDER_COLUMNS)
        self._view("judgements", "judgements.parquet", JUDGEMENT_COLUMNS)
        self._view("history", "history.parquet", ["urn", "new_la_code", "inspection_start_date"])
        lookup = self.data_dir / "lookups" / "local_authorities.parquet"
        if lookup.exists():
            self.con.read_parquet(str(lookup)).create_view("local_authorities")
        else:
            self.con.execute("CREATE TABLE local_authorities (new_la_code VARCHAR, la_name VARCHAR)")

    def _view(self, name: str, filename: str, columns: list[str]) -> None:
        files = [str(release_dir(self.data_dir, r.id) / filename) for r in self.releases
                 if (release_dir(self.data_dir, r.id) / filename).exists()]
        raw = f"{name}_files"
        if files:
            self.con.read_parquet(files, union_by_name=True, filename=True).create_view(raw)
        else:
            cols = ", ".join(f'"{c}" VARCHAR' for c in columns + ["filename"])  # fixed names from the registry
            self.con.execute(f"CREATE TABLE {raw} ({cols})")
        self.con.execute(
            # The release id is the folder holding the file (anchored at the end of the path, so a
            # data folder that itself sits under some "releases" folder still reads right).
            f"CREATE VIEW {name} AS SELECT *, regexp_extract(filename, '[/\\\\]releases[/\\\\]([^/\\\\]+)[/\\\\][^/\\\\]+$', 1) AS release_id FROM {raw}")

    def query(self, name: str, **params) -> pd.DataFrame:
        sql = QUERIES[name]
        wanted = {k: v for k, v in params.items() if f"${k}" in sql}
        return self.con.execute(sql, wanted).df()

    # -- the catalogue as the site sees it --
    def release(self, release_id: str) -> Release:
        for r in self.releases:
            if r.id == release_id:
                return r
        raise KeyError(release_id)

    def releases_of(self, provider_type: str) -> list[Release]:
        return [r for r in self.releases if r.provider_type == provider_type]

    def latest(self, provider_type: str) -> Release | None:
        """The release a headline uses: the most authoritative status, then the latest date
        (a derived register extract never outranks Ofsted's own statistics)."""
        rs = self.releases_of(provider_type)
        if not rs:
            return None
        rank = {"official": 3, "official_partial": 2, "management_information": 2, "derived": 1}
        return max(rs, key=lambda r: (rank[r.status], r.as_at))

    def la_lookup(self) -> pd.DataFrame:
        return self.query("la_lookup")
