"""The serving tables: everything a page shows, computed once at build time.

A page run on release day must only read small tables, so `make data` writes, for every built
release (published or still under embargo: the store filters by publication time when it reads):
- grades.parquet: grade counts and shares at every level (national, regional, local authority)
  for every subtype and for all of them together, disclosure-controlled (outcomes.disclosure),
  with each LA's rank among the LAs whose share may be shown;
- judgement_counts.parquet: sub-judgement counts per release and subtype (England);
- change_counts.parquet: what changed since the previous release, by LA and subtype (outcomes.changes).
Written atomically (temporary file, then rename), so a running site never reads half a file.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from outcomes import disclosure, settings
from outcomes.tables import compute_grade_table

GRADES = "grades.parquet"
JUDGEMENT_COUNTS = "judgement_counts.parquet"
LEVELS = ("national", "regional", "local_authority")
ALL = ""  # subtype key of the all-subtypes rows (NULL would not match an equality filter)


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    """Rank 1 = highest share good or outstanding; suppressed or ungraded LAs are not ranked."""
    out = table.copy()
    if "pct_good_or_outstanding" in out:
        shares = out["pct_good_or_outstanding"]
        out["rank"] = shares.rank(method="min", ascending=False).astype("Int64")
        out["ranked"] = int(shares.notna().sum())
    else:
        out["rank"], out["ranked"] = pd.NA, 0
    return out


def grade_rows(store, release) -> pd.DataFrame:
    """Every level x subtype table of one release, masked and ranked, stacked long."""
    counts = store.query("grade_counts_by_subtype", release_id=release.id)
    subtypes = [None] + sorted(s for s in counts["provider_subtype"].dropna().unique())
    frames = []
    for subtype in subtypes:
        for level in LEVELS:
            table = compute_grade_table(counts, release, level, subtype)
            columns = ",".join(table.columns)
            if table.empty:
                continue
            table = disclosure.mask(table, level)
            if level == "local_authority":
                table = _ranked(table)
            frames.append(table.assign(release_id=release.id, level=level, subtype_key=subtype or ALL, columns=columns))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def build(data_dir: Path, progress=None) -> Path:
    """Write the serving tables for every built release under data_dir."""
    from outcomes.store import Store

    store = Store(data_dir=data_dir, now=dt.datetime.max, every_built=True, serving=False)
    releases = store.releases
    grades, judgements = [], []
    for release in (progress(releases) if progress else releases):
        grades.append(grade_rows(store, release))
        jc = store.query("judgement_counts_by_subtype", release_id=release.id)
        if not jc.empty:
            everything = jc.groupby(["judgement", "judgement_label", "grade"], as_index=False, dropna=False)["n"].sum()
            jc = pd.concat([jc, everything.assign(provider_subtype=None)], ignore_index=True)
            judgements.append(jc.assign(release_id=release.id, subtype_key=jc["provider_subtype"].fillna(ALL)))
    folder = settings.serving_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    grades = [g for g in grades if not g.empty]
    _write(pd.concat(grades, ignore_index=True) if grades else _empty(GRADE_KEYS + ["providers"]), folder / GRADES)
    _write(pd.concat(judgements, ignore_index=True) if judgements else _empty(JUDGEMENT_KEYS), folder / JUDGEMENT_COUNTS)
    write_change_counts(store, folder)
    return folder


def write_change_counts(store, folder: Path) -> None:
    """change_counts.parquet: every built release against the previous one of its series."""
    from outcomes import changes

    counts = [changes.release_counts(store, r, store.releases) for r in store.releases]
    _write(pd.concat([changes.empty_counts()] + counts, ignore_index=True), folder / "change_counts.parquet")


GRADE_KEYS = ["release_id", "level", "subtype_key", "columns", "region_code", "new_la_code"]
JUDGEMENT_KEYS = ["release_id", "subtype_key", "provider_subtype", "judgement", "judgement_label", "grade", "n"]


def _empty(columns: list[str]) -> pd.DataFrame:
    """A table with no rows but every column the store's queries name."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("n", "providers") else "string") for c in columns})


def _write(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)
