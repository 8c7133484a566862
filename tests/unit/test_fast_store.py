"""The store's fast paths (an index of the serving tables, one take for a trend, write-once
memos) return exactly what a straightforward filter of the built tables gives: same rows, same
columns, same order, same types. Pages are built from these, so a reader would see any slip."""
from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from outcomes import settings

from outcomes.results import summaries
from outcomes.domain.fields import GEOGRAPHY_COLUMNS, TYPES
from outcomes.store.store import Store
from outcomes.store.store import cast_counts
from outcomes.domain import geography
from outcomes.results import tidy
from outcomes.results import la_profile as profiles


@pytest.fixture(scope="module")
def store(built_data) -> Store:
    return Store(data_dir=built_data)


@pytest.fixture(scope="module")
def serving(store, built_data) -> pd.DataFrame:
    """grades.parquet as the store holds it (visible releases, plain object strings, whole counts)."""
    whole = pd.read_parquet(settings.serving_dir(built_data) / "grades.parquet")
    whole = whole[whole["release_id"].isin([r.id for r in store.releases])].reset_index(drop=True)
    return cast_counts(whole.astype({c: object for c in whole.columns if pd.api.types.is_string_dtype(whole[c])}))


def filtered(serving: pd.DataFrame, release_id: str, level: str, subtype: str | None = None,
             region: str | None = None, la: str | None = None, las: list[str] | None = None) -> pd.DataFrame:
    """One table of the serving table, by boolean filters (the slow, obvious way)."""
    rows = serving[(serving["release_id"] == release_id) & (serving["level"] == level)
                   & (serving["subtype_key"] == (subtype or ""))]
    if rows.empty:
        return pd.DataFrame()
    rows = rows[rows["columns"].iat[0].split(",") + ["rank", "ranked"] * (level == "local_authority")]
    if region is not None and "region_code" in rows:
        rows = rows[rows["region_code"] == region]
    if la is not None and "new_la_code" in rows:
        rows = rows[rows["new_la_code"] == la]
    if las is not None and "new_la_code" in rows:
        rows = rows[rows["new_la_code"].isin(las)]
    return rows.reset_index(drop=True)


def same(got: pd.DataFrame, want: pd.DataFrame, what: str) -> None:
    # Counts as numbers, whatever integer type the parquet reader gives the rank columns.
    got, want = got.astype({c: "float64" for c in ("rank", "ranked") if c in got}), \
        want.astype({c: "float64" for c in ("rank", "ranked") if c in want})
    pd.testing.assert_frame_equal(got, want, obj=what)


def cases(store: Store, n: int = 4) -> list[tuple]:
    """(release, subtype, LA, region) across every provider type with geography, including LAs
    whose area had an earlier code (North Yorkshire, BCP) and a former LA."""
    rng = random.Random(9)
    lookup = store.la_lookup()
    current = lookup[lookup["is_current"]]
    picks = [("E06000065", "E12000003"), ("E06000058", "E12000009"), ("E10000023", "E12000003")]
    picks += [tuple(r) for r in current[["new_la_code", "region_code"]].sample(n, random_state=rng.randrange(99)).to_numpy()]
    out = []
    for ptype, kind in TYPES.items():
        release = store.latest(ptype)
        if release is None or not kind.has_geography:
            continue
        for subtype in {None, kind.headline_subtype}:
            out += [(release, subtype, la, region) for la, region in picks]
    return out


def test_grade_tables_equal_a_filter_of_the_serving_table(store, serving):
    for release, subtype, la, region in cases(store):
        for level, kw in (("national", {}), ("regional", {}), ("regional", {"region": region}),
                          ("local_authority", {}), ("local_authority", {"region": region}), ("local_authority", {"la": la}),
                          ("local_authority", {"las": sorted(geography.same_area(la))}), ("local_authority", {"las": []}),
                          ("local_authority", {"la": "E99999999"}), ("national", {"region": region})):
            same(store.grades(release.id, level, subtype, **kw), filtered(serving, release.id, level, subtype, **kw),
                 f"grades {release.id} {level} {subtype} {kw}")


def test_trend_rows_equal_the_serving_tables_stacked(store, serving):
    """A trend's rows: England, the region and the LA (and its earlier codes) at each release of
    the series, in that order, every geography column present, counts as whole numbers."""
    for release, subtype, la, region in cases(store):
        for kw in ({}, {"region": region}, {"la": la, "region": region}):
            frames = []
            for r in tidy.series_releases(store, release):
                frames.append(filtered(serving, r.id, "national", subtype))
                if kw.get("region"):
                    frames.append(filtered(serving, r.id, "regional", subtype, region=region))
                if kw.get("la"):
                    frames.append(filtered(serving, r.id, "local_authority", subtype, las=sorted(geography.same_area(la)))
                                  .drop(columns=["rank", "ranked"], errors="ignore"))
            frames = [f for f in frames if not f.empty]
            want = pd.concat(frames, ignore_index=True)
            geo = [c for c in GEOGRAPHY_COLUMNS if c in want or kw]
            want = cast_counts(want.reindex(columns=geo + [c for c in want.columns if c not in GEOGRAPHY_COLUMNS]))
            same(tidy.trend_table(store, release, subtype, **kw), want, f"trend {release.id} {subtype} {kw}")


def test_an_las_history_and_changes_equal_their_own_queries(store):
    ilacs, homes = store.latest("la_childrens_services"), store.latest("social_care_provider")
    codes = list(store.la_lookup()["new_la_code"])[::9] + ["", "E99999999"]
    pairs = [("history_by_la", "history_of", ilacs), ("change_counts_by_la", "change_counts", ilacs),
             ("change_counts_by_la", "change_counts", homes)]
    for code in codes:
        for split, query, release in pairs:
            got, want = store.by_la(split, release.id, code), store.query(query, release_id=release.id, la=code)
            if want.empty:  # DuckDB types the columns of no rows as objects: only the columns matter
                assert got.empty and list(got.columns) == list(want.columns), f"{query} {code}"
            else:
                pd.testing.assert_frame_equal(got, want, obj=f"{query} {release.id} {code}")


def _digest(profile: profiles.LaProfile) -> tuple:
    return (profile.name, tuple(profile.summary), tuple(profile.changes), profile.ilacs_latest,
            tuple(str(b.trend.spec) if b.trend else "" for b in profile.blocks),
            None if profile.neighbours is None else profile.neighbours.to_csv(),
            None if profile.ilacs_history is None else profile.ilacs_history.to_csv())


def test_first_views_of_a_fresh_store_from_many_threads(built_data):
    """The memos and indexes are filled by whichever thread gets there first: 16 threads making
    the first LA profiles of a new store (09:30 on release day) get what one thread alone does."""
    alone, fresh = Store(data_dir=built_data), Store(data_dir=built_data)
    lookup = alone.la_lookup()
    codes = random.Random(3).sample(list(lookup.loc[lookup["is_current"], "new_la_code"]), 16) + ["E10000023"]
    want = {c: _digest(profiles.la_profile(alone, c)) for c in codes}
    with ThreadPoolExecutor(max_workers=16) as pool:
        got = dict(zip(codes, pool.map(lambda c: _digest(profiles.la_profile(fresh, c)), codes)))
    assert got == want
