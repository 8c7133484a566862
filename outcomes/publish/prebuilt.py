"""Page results made at build time, so the first reader of a page on release day does not wait.

At 09:30 on release day the set of published releases changes, every cached page result goes
with it, and a crowd opens local authority profiles it has never opened before: 153 of them, each
a few hundred milliseconds of Python on a 2-core server (and once more in each server process).
So `make data` works out, from the catalogue, every set of releases the public will see from now
on (now, and after each scheduled publication), and for each set writes what the pages show by
default: every LA profile with the tables and trends beside it, the overview, the provider type
pages and maps of each type's latest release. The site reads the file for its published set and
computes anything else on first use, as before.

One file per set, named by the set's key (the ids and versions the site caches under, see
`published_key`) and by a stamp of this code: a file made by other code, or for a set no longer
current, is never read. A file for a future set holds embargoed figures, like the built release
data beside it: it stays on the server, never in static/, and no page reads it before its time.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from outcomes import atomic, settings
from outcomes.domain.fields import AREA_LEVELS, TYPES, Level
from outcomes.domain.geography import REGIONS
from outcomes.domain.releases import Release, load_catalogue, visible
from outcomes.render.people import people_table
from outcomes.results import map_view, pages
from outcomes.store.store import Store

FOLDER = Path("serving") / "prebuilt"


def published_key(releases: Iterable[Release], early: Iterable[str] = ()) -> str:
    """The key of a set of visible releases: each id with its version, and any preview marker (so
    what a pre-release reader saw is never served to the public). Part of every cache key."""
    early = sorted(early)
    return ",".join(f"{r.id}@v{r.version}" for r in releases) + ("|preview:" + ",".join(early) if early else "")


# The stages whose code shapes what a page result holds (the rest, publish/, web/ and ops/, take no
# part in it: a change there keeps the files good).
SHAPING = ("domain", "sources", "quality", "build", "store", "results", "render")
PACKAGE = Path(__file__).resolve().parent.parent


def code_stamp() -> str:
    """A fingerprint of the code that makes page results (and of pandas, which pickles them)."""
    h = hashlib.sha256(pd.__version__.encode())
    for stage in SHAPING:
        for path in sorted((PACKAGE / stage).rglob("*.py")):
            h.update(str(path.relative_to(PACKAGE)).encode() + path.read_bytes())
    return h.hexdigest()[:16]


def file_for(data_dir: Path, key: str, stamp: str | None = None) -> Path:
    name = hashlib.sha256(f"{key}|{stamp or code_stamp()}".encode()).hexdigest()[:24]
    return Path(data_dir) / FOLDER / f"{name}.pickle"


def states(catalogue: list[Release], now: dt.datetime, data_dir: Path | None = None) -> list[tuple[dt.datetime, str]]:
    """(from when, key) of every set of public releases from `now` on: now, then one per
    scheduled publication time (a release whose QA checklist is not complete is in none of them:
    signing it makes a new set, and `python -m outcomes checklist` makes its results then)."""
    times = [now] + sorted({r.published for r in catalogue if r.published > now})
    return [(t, published_key(visible(catalogue, t, data_dir=data_dir))) for t in times]


def default_keys(store: Store, boundaries: pages.Boundaries) -> Iterable[tuple]:
    """The key (name, *args) of every result a page shows by default, except the LA profiles: the
    overview, each type's latest release on the provider types page (each subtype) and its tables,
    the map page's default and each region's map on the LA profiles (see outcomes.web.cache.map_view)."""
    yield ("overview",)
    yield ("ledger",)
    for release in [r for r in (store.latest(t) for t in TYPES) if r is not None]:
        kind = TYPES[release.provider_type]
        for subtype in [None] + [s for s, _ in store.subtypes(release.id)]:
            yield "provider_type_view", release.id, subtype
        # The tables of its provider types page (all subtypes), which the map page shares.
        for level in AREA_LEVELS[:3 if kind.has_geography else 1]:
            yield "export_frames", release.id, str(level), None, None, None
        yield "trend_frames", release.id, None, None, None
        if not kind.has_geography or "la" not in boundaries:
            continue
        measure = next(iter(map_view.measures(release.provider_type)))
        yield "map_view", release.id, None, measure, str(Level.LOCAL_AUTHORITY), None
        for region in REGIONS:
            yield "map_view", release.id, kind.headline_subtype, "pct_good_or_outstanding", str(Level.LOCAL_AUTHORITY), region


def profile_keys(profile) -> Iterable[tuple]:
    """The tables beside an LA profile's charts: each block's table and its trend's table."""
    for block in (profile.blocks if profile is not None else []):
        if block.own_grade_text:
            continue  # no table or trend beside it (views/la_profile.py)
        r, subtype, la = block.release, block.subtype, block.la_code
        yield "export_frames", r.id, str(Level.LOCAL_AUTHORITY), subtype, None, la
        if block.trend is not None:
            yield "trend_frames", r.id, subtype, la, profile.region_code


def page_results(store: Store, boundaries: pages.Boundaries, las: list[str] | None = None,
                 progress: Callable[[list], Iterable] = lambda it: it) -> Iterable[tuple[tuple, object]]:
    """(key, result) of each page result made ahead, keyed as outcomes.results.pages keys them, with
    the people form of each table. `las` limits the LA profiles made (tests); `progress` wraps the
    LAs, the long part."""
    def made(key: tuple) -> Iterable[tuple[tuple, object]]:
        result = pages.make(store, key[0], key[1:], boundaries)
        yield key, result
        if key[0] in pages.TABLES:
            yield (pages.PEOPLE, *key), people_table(result[0])

    for key in default_keys(store, boundaries):
        yield from made(key)
    codes = [c for c in store.la_lookup()["new_la_code"] if las is None or c in las]
    for code in progress(codes):
        for key, result in made(("la_profile", code)):
            yield key, result
            for table in profile_keys(result):
                yield from made(table)


def build(data_dir: Path | None = None, now: dt.datetime | None = None, catalogue: list[Release] | None = None,
          boundary_urls: dict[str, str] | None = None, progress: Callable[[list], Iterable] = lambda it: it,
          las: list[str] | None = None) -> list[Path]:
    """Write the page results of every public set from now on; remove files of other sets.
    `las` limits the LA profiles made (tests)."""
    data_dir = Path(data_dir or settings.data_dir())
    now = now or settings.now()
    catalogue = catalogue if catalogue is not None else load_catalogue()
    stamp = code_stamp()
    written = []
    for when, key in states(catalogue, now, data_dir):
        store = Store(data_dir, when, catalogue)
        items = {k: pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)
                 for k, v in page_results(store, boundary_urls or {}, las, progress)}
        target = file_for(data_dir, key, stamp)
        # Atomically: a server reading it sees the whole file or none.
        atomic.write_bytes(target, pickle.dumps({"key": key, "stamp": stamp, "from": when, "items": items},
                                              protocol=pickle.HIGHEST_PROTOCOL))
        written.append(target)
    for old in (data_dir / FOLDER).glob("*.pickle"):
        if old not in written:
            old.unlink(missing_ok=True)
    return written


def load(data_dir: Path, key: str) -> dict[tuple, bytes]:
    """The made page results of a public set (each pickled; unpickle on use), or {} when none
    were made for it by this code."""
    stamp = code_stamp()
    try:
        content = pickle.loads(file_for(data_dir, key, stamp).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return {}
    if content.get("key") != key or content.get("stamp") != stamp:
        return {}
    return content["items"]
