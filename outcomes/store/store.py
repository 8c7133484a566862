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

import dataclasses
import datetime as dt
import json
import logging
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from outcomes import settings
from outcomes.build import layout
from outcomes.build import serving as serving_tables
from outcomes.domain.fields import CHANGE_COUNT_COLUMNS, COUNT_INDICATORS, NOT_YET_GRADED
from outcomes.domain.releases import Release, SourceFile, delayed, load_catalogue, visible
from outcomes.settings import release_dir, version_dir, versions_dir
from outcomes.store.queries import QUERIES

log = logging.getLogger("outcomes.store")

def readable_releases(data_dir: Path, catalogue: list[Release], now: dt.datetime, preview: frozenset[str] = frozenset(),
                      every_built: bool = False) -> list[Release]:
    """The releases a store made now would hold: visible (its time has come and its QA checklist is
    complete; or every one), built, not superseded."""
    shown = catalogue if every_built else visible(catalogue, now, preview, data_dir)
    built = [r for r in shown if layout.folder_for(data_dir, r.id, r.version) is not None]
    superseded = set() if every_built else {r.supersedes for r in built if r.supersedes}
    return sorted((r for r in built if r.id not in superseded), key=lambda r: (r.provider_type, r.as_at))


def delayed_releases(data_dir: Path, catalogue: list[Release], now: dt.datetime) -> list[Release]:
    """Built releases past their publication time whose QA checklist is not complete: announced as
    delayed (a catalogue entry whose files are not held is not a delayed release, just not built)."""
    return [r for r in delayed(catalogue, now, data_dir) if layout.is_built(data_dir, r.id)]


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
        self._folders = layout.built_folders(self.data_dir, self.releases)  # id -> the folder holding its version
        self._con = duckdb.connect()
        self._load_release_tables()
        lookup = layout.lookup_path(self.data_dir)
        if lookup.exists():
            self._con.execute("CREATE TABLE local_authorities AS SELECT * FROM read_parquet($f)", {"f": str(lookup)})
        else:
            self._con.execute("CREATE TABLE local_authorities (new_la_code VARCHAR, la_name VARCHAR)")
        self._load_serving_tables(serving)
        if serving:
            self._repair_serving(cat)
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

    def _load_release_tables(self) -> None:
        """The releases' tables, each release as one build: when a build swaps a folder in while
        they load, they are loaded again (never one build's providers with another's judgements)."""
        for _ in range(3):
            before = {i: layout.build_id(f) for i, f in self._folders.items()}
            layout.load_release_tables(self._con, self._folders)
            self._build_ids = {i: layout.build_id(f) for i, f in self._folders.items()}
            if self._build_ids == before:
                return
            for table in layout.RELEASE_TABLES:
                self._con.execute(f"DROP TABLE {table}")  # fixed names from the layout, not input

    def _load_serving_tables(self, serving: bool) -> None:
        ids = [r.id for r in self.releases]
        for name in ("grades", "judgement_counts"):
            path = layout.serving_path(self.data_dir, f"{name}.parquet")
            if serving and not path.exists():
                raise FileNotFoundError(f"{path} is missing: build the data with `make data` (python -m outcomes build)")
            if path.exists():
                self._con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet($f) WHERE list_contains($ids, release_id)",
                                  {"f": str(path), "ids": ids})  # fixed table names, not input
        # What changed since the previous release (outcomes.build.changes): optional, a build before it had none.
        path = layout.serving_path(self.data_dir, layout.CHANGE_COUNTS)
        if path.exists():
            self._con.execute("CREATE TABLE change_counts AS SELECT * FROM read_parquet($f) WHERE list_contains($ids, release_id)",
                              {"f": str(path), "ids": ids})
        else:
            cols = ", ".join(f'"{c}" {"BIGINT" if c == "n" else "VARCHAR"}' for c in CHANGE_COUNT_COLUMNS)  # registry names
            self._con.execute(f"CREATE TABLE change_counts ({cols})")

    def _repair_serving(self, catalogue: list[Release]) -> None:
        """Each release's serving rows as computed from the build of it that the store holds: rows
        made from another build (a build or amend cut short, or a release built since the tables
        were written) are made again here, from its folder (outcomes.build.serving.rows_of)."""
        tables = {layout.GRADES: "grades", layout.JUDGEMENT_COUNTS: "judgement_counts", layout.CHANGE_COUNTS: "change_counts"}
        stamps = {t: self._stamps(t) for t in tables.values()}
        stale = [r for r in self.releases if stamps["grades"].get(r.id) != {self._build_ids[r.id]}
                 or any(stamps[t].get(r.id, {self._build_ids[r.id]}) != {self._build_ids[r.id]} for t in stamps)]
        for release in stale:
            log.warning("serving tables of %s were made from another build of it: making them from %s",
                        release.id, self._folders[release.id])
            rows = serving_tables.rows_of(self.data_dir, catalogue, release, self._folders[release.id])
            for name, table in tables.items():
                self._con.execute(f"DELETE FROM {table} WHERE release_id = $r", {"r": release.id})
                if name in rows:
                    self._con.register("repaired", rows[name])
                    self._con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table} UNION ALL BY NAME SELECT * FROM repaired")
                    self._con.unregister("repaired")
        for table in tables.values():
            self._con.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS build_id")

    def _stamps(self, table: str) -> dict[str, set[str]]:
        """{release id: the build ids its rows in `table` were made from} ('' before builds had ids)."""
        columns = set(self._con.execute(f"SELECT * FROM {table} LIMIT 0").df().columns)
        stamp = "coalesce(build_id, '')" if "build_id" in columns else "''"
        found = self._con.execute(f"SELECT release_id, list(DISTINCT {stamp}) FROM {table} GROUP BY release_id").fetchall()
        return {r: set(ids) for r, ids in found}

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
        return max(rs, key=lambda r: (r.status.authority, r.as_at))

    def la_lookup(self) -> pd.DataFrame:
        """Every LA, current and former, by name (read once: a new frame each time, copy-on-write)."""
        return self.memo("la_lookup", lambda: self.query("la_lookup")).reset_index(drop=True)

    # -- what a built release holds besides its tables --
    def _folder(self, release_id: str) -> Path:
        """The folder the store read a release from (its kept copy, while amend is cut short)."""
        return self._folders.get(release_id) or release_dir(self.data_dir, release_id)

    def in_year(self, release_id: str) -> pd.DataFrame | None:
        """A release's in-year table (the year's inspections, the flow), or None when it has only
        its stock. Read once (a write-once memo; callers must not change it)."""
        def read():
            path = self._folder(release_id) / layout.IN_YEAR
            return pd.read_parquet(path) if path.exists() else None
        return self.memo(("in_year", release_id), read)

    def qa_report(self, release_id: str) -> bytes:
        """The QA exception report a release was built with (CSV bytes; b"" when there is none)."""
        path = self._folder(release_id) / layout.QA_REPORT
        return path.read_bytes() if path.exists() else b""

    def archived_versions(self, release_id: str) -> list[int]:
        """Earlier versions kept on disk (outcomes.publish.amend keeps each one's built folder)."""
        folder = versions_dir(self.data_dir, release_id)
        if not folder.exists():
            return []
        return sorted(int(p.name[1:]) for p in folder.iterdir()
                      if p.name[1:].isdigit() and (release_dir(p, release_id) / layout.RELEASE_JSON).exists())

    def kept_version(self, release: Release, version: int) -> tuple[Release, "Store"]:
        """An earlier version of a release as it was (its pinned files and revisions then), and a
        store over that version's own data folder (which holds that release alone)."""
        kept = release_dir(version_dir(self.data_dir, release.id, version), release.id)
        meta = json.loads((kept / layout.RELEASE_JSON).read_text(encoding="utf-8"))
        old = dataclasses.replace(release, version=version,
                                  sources=tuple(SourceFile(s["path"], s.get("sha256", "")) for s in meta.get("sources", [])),
                                  revisions=tuple(r for r in release.revisions if r.version <= version))
        store = Store(data_dir=version_dir(self.data_dir, release.id, version),
                      now=dt.datetime.max.replace(tzinfo=settings.LONDON), catalogue=[old], every_built=True)
        return old, store


def cast_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as whole numbers (the serving table's union of every scale's columns holds floats,
    blank where a grade is not on a release's scale: nullable integers keep those blank)."""
    counts = [c for c in table.columns if c in COUNT_INDICATORS or c in ("providers", "graded", NOT_YET_GRADED)]
    # Columns already Int64 are left as they are: astype costs ~0.3 ms a column even then (and
    # rebuilds the whole frame when given no column at all).
    cast = {c: "Int64" for c in counts if table[c].dtype != "Int64"}
    return table.astype(cast) if cast else table.copy(deep=False)
