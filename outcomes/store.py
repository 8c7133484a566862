"""DuckDB over the built release parquet: named queries with bound parameters only.

Only releases that are built, published at or before now, and not superseded are ever read:
the embargo is enforced here, at the one door to the data, not on each page.

One Store serves every session of a Streamlit process at once, so it is read-only after it is
made, and each query runs on its own cursor (a cursor is its own connection to the same
in-memory database): one connection shared by threads raises "connection is busy" or returns
another thread's rows. The visible releases are copied into memory when the store opens, so a
query reads a small table instead of scanning parquet files.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from outcomes import settings
from outcomes.settings import release_dir, serving_dir
from outcomes.fields import JUDGEMENT_COLUMNS, PROVIDER_COLUMNS
from outcomes.releases import Release, load_catalogue, visible

# Every query the site and the CLI run. Parameters are bound ($name), never formatted in.
QUERIES: dict[str, str] = {
    # -- build time: the inputs of the serving tables (outcomes.serving) --
    "grade_counts_by_subtype": """
        SELECT p.region_code, p.region_name, p.new_la_code, p.old_la_code, p.la_name, p.provider_subtype,
               coalesce(p.overall_grade, 'not_yet_graded') AS grade, count(*) AS n
        FROM providers p
        WHERE p.release_id = $release_id AND p.in_england
        GROUP BY ALL ORDER BY ALL""",
    "judgement_counts_by_subtype": """
        SELECT p.provider_subtype, j.judgement, j.judgement_label, j.grade, count(*) AS n
        FROM judgements j JOIN providers p ON p.release_id = j.release_id AND p.urn = j.urn
        WHERE j.release_id = $release_id AND p.in_england
        GROUP BY ALL ORDER BY ALL""",
    # -- page time: small precomputed tables --
    "all_grades": """SELECT * FROM grades""",
    "judgement_counts": """
        SELECT judgement, judgement_label, grade, n FROM judgement_counts
        WHERE release_id = $release_id AND subtype_key = $subtype_key
        ORDER BY judgement, grade""",
    "provider_rows": """
        SELECT p.*
        FROM providers p
        WHERE p.release_id = $release_id
          AND ($subtype IS NULL OR p.provider_subtype = $subtype)
          AND ($la IS NULL OR p.new_la_code = $la)
        ORDER BY p.la_name NULLS LAST, p.urn""",
    "subtypes": """
        SELECT provider_subtype, count(*) AS providers
        FROM providers WHERE release_id = $release_id AND in_england AND provider_subtype IS NOT NULL
        GROUP BY ALL ORDER BY providers DESC""",
    "history_of": """
        SELECT h.*
        FROM history h
        WHERE h.release_id = $release_id AND h.new_la_code = $la
        -- SIF reports in Ofsted's workbook carry a publication date only: it orders them instead.
        ORDER BY coalesce(h.inspection_start_date, h.publication_date) DESC""",
    "history_of_release": """SELECT * FROM history WHERE release_id = $release_id ORDER BY new_la_code, inspection_start_date""",
    # history_of and change_counts for every LA of a release at once, each LA's rows in the order
    # those queries give them (the store splits them by LA once: Store.by_la).
    "history_by_la": """
        SELECT h.* FROM history h WHERE h.release_id = $release_id
        ORDER BY h.new_la_code, coalesce(h.inspection_start_date, h.publication_date) DESC""",
    "change_counts_by_la": """
        SELECT * FROM change_counts WHERE release_id = $release_id
        ORDER BY new_la_code, comparison, provider_subtype, change""",
    "la_lookup": """SELECT * FROM local_authorities ORDER BY la_name""",
    "change_counts": """
        SELECT * FROM change_counts
        WHERE release_id = $release_id AND ($la IS NULL OR new_la_code = $la)
        ORDER BY comparison, new_la_code, provider_subtype, change""",
    # Find a school: the URN exactly, or part of the name (case-insensitive substring, so '%' and
    # '_' typed by a reader are plain characters). Only ever run on a schools release.
    "school_search": """
        SELECT urn, provider_name, provider_subtype, la_name
        FROM providers
        WHERE release_id = $release_id AND (urn = $text OR contains(lower(provider_name), lower($text)))
        ORDER BY urn <> $text, provider_name, la_name LIMIT $limit""",
    "school": """SELECT * FROM providers WHERE release_id = $release_id AND urn = $urn""",
    "school_judgements": """
        SELECT judgement, judgement_label, grade FROM judgements
        WHERE release_id = $release_id AND urn = $urn ORDER BY judgement""",
}


def readable_releases(data_dir: Path, catalogue: list[Release], now: dt.datetime, preview: frozenset[str] = frozenset(),
                      every_built: bool = False) -> list[Release]:
    """The releases a store made now would hold: visible (or every one), built, not superseded."""
    shown = catalogue if every_built else visible(catalogue, now, preview)
    built = [r for r in shown if (release_dir(data_dir, r.id) / "providers.parquet").exists()]
    superseded = set() if every_built else {r.supersedes for r in built if r.supersedes}
    return sorted((r for r in built if r.id not in superseded), key=lambda r: (r.provider_type, r.as_at))


class Store:
    """The visible releases in an in-memory DuckDB database (cached once per process by the site).

    every_built: the build's view of every release on disk, embargoed or superseded (the serving
    tables are computed for all of them; the site's store filters them by time when it reads).
    """

    def __init__(self, data_dir: Path | None = None, now: dt.datetime | None = None, catalogue: list[Release] | None = None,
                 *, every_built: bool = False, serving: bool = True, preview: frozenset[str] = frozenset()):
        self.data_dir = Path(data_dir or settings.data_dir())
        self.now = now or settings.now()
        cat = catalogue if catalogue is not None else load_catalogue()
        self.preview = frozenset(preview)  # ids shown early to a named reader (outcomes.prerelease)
        self.releases: list[Release] = readable_releases(self.data_dir, cat, self.now, self.preview, every_built)
        self._con = duckdb.connect()
        self._table("providers", [release_dir(self.data_dir, r.id) / "providers.parquet" for r in self.releases], PROVIDER_COLUMNS)
        self._table("judgements", [release_dir(self.data_dir, r.id) / "judgements.parquet" for r in self.releases], JUDGEMENT_COLUMNS)
        self._table("history", [release_dir(self.data_dir, r.id) / "history.parquet" for r in self.releases],
                    ["urn", "new_la_code", "inspection_start_date"])
        lookup = self.data_dir / "lookups" / "local_authorities.parquet"
        if lookup.exists():
            self._con.execute("CREATE TABLE local_authorities AS SELECT * FROM read_parquet($f)", {"f": str(lookup)})
        else:
            self._con.execute("CREATE TABLE local_authorities (new_la_code VARCHAR, la_name VARCHAR)")
        ids = [r.id for r in self.releases]
        for name in ("grades", "judgement_counts"):
            path = serving_dir(self.data_dir) / f"{name}.parquet"
            if serving and not path.exists():
                raise FileNotFoundError(f"{path} is missing: build the data with `make data` (python -m outcomes build)")
            if path.exists():
                self._con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet($f) WHERE list_contains($ids, release_id)",
                                  {"f": str(path), "ids": ids})  # fixed table names, not input
        # What changed since the previous release (outcomes.changes): optional, a build before it had none.
        path = serving_dir(self.data_dir) / "change_counts.parquet"
        if path.exists():
            self._con.execute("CREATE TABLE change_counts AS SELECT * FROM read_parquet($f) WHERE list_contains($ids, release_id)",
                              {"f": str(path), "ids": ids})
        else:
            from outcomes.changes import empty_counts

            self._con.register("empty_change_counts", empty_counts())
            self._con.execute("CREATE TABLE change_counts AS SELECT * FROM empty_change_counts")
        # The grade tables a page reads, split once by release, level and subtype: a page's lookups
        # are then dictionary reads of frames of at most ~150 rows (read-only, shared by threads).
        self._grades: dict[tuple[str, str, str], tuple] = {}  # key -> (row positions, column names)
        self._parts: dict[tuple[str, str, str], pd.DataFrame] = {}  # key -> that table, cut on first use
        # (key, column) -> {code: the rows of that table whose region_code or new_la_code is code}:
        # an LA's or a region's rows are found by a dictionary read, not a filter of the table
        # (each made on first use of its table: made at open they cost ~200 ms).
        self._rows_of: dict[tuple, dict[str, np.ndarray]] = {}
        self._memo: dict = {}  # write-once values derived from the (unchanging) data: Store.memo
        if serving:
            from outcomes.tables import cast_counts

            whole = cast_counts(self.query("all_grades"))
            # Plain object strings: selecting rows of arrow-backed strings costs ~1 ms a column.
            whole = whole.astype({c: object for c in whole.columns if pd.api.types.is_string_dtype(whole[c])})
            self._whole = whole
            keys = ["release_id", "level", "subtype_key"]
            for key, rows in whole.groupby(keys, sort=False).indices.items():
                own = whole["columns"].iat[rows[0]].split(",") + ["rank", "ranked"] * (key[1] == "local_authority")
                self._grades[key] = (rows, own)
            self._codes = {c: whole[c].to_numpy() for c in ("region_code", "new_la_code")}
        self._con.execute("CHECKPOINT")

    def _table(self, name: str, paths: list[Path], columns: list[str]) -> None:
        files = [str(p) for p in paths if p.exists()]
        if files:
            # The release id is the folder holding the file (anchored at the end of the path, so a
            # data folder that itself sits under some "releases" folder still reads right).
            self._con.execute(
                f"CREATE TABLE {name} AS SELECT * EXCLUDE (filename), regexp_extract(filename, "
                "'[/\\\\]releases[/\\\\]([^/\\\\]+)[/\\\\][^/\\\\]+$', 1) AS release_id "
                "FROM read_parquet($files, union_by_name = true, filename = true)", {"files": files})
        else:
            cols = ", ".join(f'"{c}" VARCHAR' for c in columns + ["release_id"])  # fixed names from the registry
            self._con.execute(f"CREATE TABLE {name} ({cols})")

    def query(self, name: str, **params) -> pd.DataFrame:
        """Run a named query on a cursor of its own (safe from any thread)."""
        sql = QUERIES[name]
        wanted = {k: v for k, v in params.items() if f"${k}" in sql}
        cursor = self._con.cursor()
        try:
            return cursor.execute(sql, wanted).df()
        finally:
            cursor.close()

    def grades(self, release_id: str, level: str, subtype: str | None = None, region: str | None = None,
               la: str | None = None, las: list[str] | None = None) -> pd.DataFrame:
        """A grade table from the serving tables: one release, level and subtype (None = all),
        optionally one region, one LA or several. A new frame each time (callers may change it:
        pandas' copy-on-write keeps the store's own frames as they are)."""
        key = (release_id, level, subtype or "")
        found = self._grades.get(key)
        if found is None:
            return pd.DataFrame()
        part = self._parts.get(key)
        if part is None:
            # Cut once, on first use, and kept: every later read of this table is a dictionary
            # lookup. Two threads may both cut it the first time; each cut is the same, read-only frame.
            part = self._parts[key] = self._whole.iloc[found[0], self._column_positions(found[1])].reset_index(drop=True)
        rows = self.grade_rows(release_id, level, subtype, region, la, las)
        if len(rows) == len(found[0]):
            return part.reset_index(drop=True)
        at = np.searchsorted(found[0], rows)  # positions in the part (both in the whole table's order)
        if len(at) and at[-1] - at[0] == len(at) - 1:  # one run of rows (an LA, a region's LAs): a slice
            return part.iloc[at[0]:at[-1] + 1].reset_index(drop=True)
        return part.take(at).reset_index(drop=True)

    def grade_rows(self, release_id: str, level: str, subtype: str | None = None, region: str | None = None,
                   la: str | None = None, las: list[str] | None = None) -> np.ndarray:
        """Positions in the whole serving table of the rows `grades` returns, in its order."""
        key = (release_id, level, subtype or "")
        found = self._grades.get(key)
        if found is None:
            return np.empty(0, dtype=np.intp)
        rows, own = found
        none = np.empty(0, dtype=np.intp)
        # A filter on a column the table does not have is ignored (a national table has no region).
        if region is not None and "region_code" in own:
            rows = np.intersect1d(rows, self._rows_by(key, "region_code").get(region, none), assume_unique=True)
        if la is not None and "new_la_code" in own:
            rows = np.intersect1d(rows, self._rows_by(key, "new_la_code").get(la, none), assume_unique=True)
        if las is not None and "new_la_code" in own:
            of = self._rows_by(key, "new_la_code")
            chosen = [of.get(c, none) for c in dict.fromkeys(las)]
            rows = np.intersect1d(rows, np.concatenate(chosen) if chosen else none, assume_unique=True)
        return rows

    def _rows_by(self, key: tuple[str, str, str], column: str) -> dict[str, np.ndarray]:
        """{code: rows of the table `key` with that code in `column`}, made once (write-once:
        two threads may both make it; the makes are equal)."""
        index = self._rows_of.get((key, column))
        if index is None:
            rows = self._grades[key][0]
            found: dict[str, list[int]] = {}
            for row, code in zip(rows.tolist(), self._codes[column][rows].tolist()):
                if isinstance(code, str):  # a blank code matches no filter
                    found.setdefault(code, []).append(row)
            index = self._rows_of[(key, column)] = {c: np.array(r, dtype=np.intp) for c, r in found.items()}
        return index

    def stacked(self, pieces: list[tuple[str, str, str | None, dict]], drop: tuple[str, ...] = ()) -> pd.DataFrame:
        """pd.concat([grades(*piece[:3], **piece[3]) for piece in pieces], ignore_index=True), each
        without the columns in `drop`, read from the whole table in one take (a trend stacks ~30
        one-row tables: concatenating them cost ~70 ms). Empty pieces are left out, as concat does."""
        chosen, columns = [], []
        for release_id, level, subtype, where in pieces:
            rows = self.grade_rows(release_id, level, subtype, **where)
            if len(rows):
                chosen.append(rows)
                columns.append(tuple(c for c in self._grades[(release_id, level, subtype or "")][1] if c not in drop))
        if not chosen:
            return pd.DataFrame()
        # concat's column order: the union in order of first appearance. The cells of a column
        # that a piece lacks are blank (NA of the column's type) in the whole table, as concat fills them.
        union = list(dict.fromkeys(c for own in columns for c in own))
        return self._whole.iloc[np.concatenate(chosen), self._column_positions(union)].reset_index(drop=True)

    def _column_positions(self, columns: list[str]) -> list[int]:
        return [self._whole.columns.get_loc(c) for c in columns]

    def memo(self, key, make):
        """A value derived from the store's data, made on first use and kept (the data never
        changes). Two threads may both make it the first time: the makes are equal, one is kept.
        Callers must not change what they get (frames: take a copy, or rely on copy-on-write)."""
        try:
            return self._memo[key]
        except KeyError:
            return self._memo.setdefault(key, make())

    def by_la(self, query: str, release_id: str, la: str) -> pd.DataFrame:
        """The rows of a release's `history_by_la` or `change_counts_by_la` for one LA (the same
        rows, in the same order, as `history_of` / `change_counts` with that LA): the release is
        read and split by LA once."""
        def split():
            whole = self.query(query, release_id=release_id)
            return whole, whole.groupby("new_la_code", sort=False).indices
        whole, rows = self.memo(("by_la", query, release_id), split)
        return whole.iloc[rows.get(la, [])].reset_index(drop=True)

    def subtypes(self, release_id: str) -> list[tuple[str, int]]:
        """A release's subtypes with their number of providers, largest first."""
        providers = self._whole.columns.get_loc("providers") if self._grades else 0
        rows = [(key[2], int(self._whole.iat[found[0][0], providers])) for key, found in self._grades.items()
                if key[0] == release_id and key[1] == "national" and key[2]]
        return sorted(rows, key=lambda r: (-r[1], r[0]))

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
        """Every LA, current and former, by name (read once: a new frame each time, copy-on-write)."""
        return self.memo("la_lookup", lambda: self.query("la_lookup")).reset_index(drop=True)
