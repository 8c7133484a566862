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

from outcomes import settings
from outcomes.releases import Release, load_catalogue, visible

FOLDER = Path("serving") / "prebuilt"


def published_key(releases: Iterable[Release], early: Iterable[str] = ()) -> str:
    """The key of a set of visible releases: each id with its version, and any preview marker (so
    what a pre-release reader saw is never served to the public). Part of every cache key."""
    early = sorted(early)
    return ",".join(f"{r.id}@v{r.version}" for r in releases) + ("|preview:" + ",".join(early) if early else "")


# Modules that play no part in what a page result holds: a change to them keeps the files good.
NOT_IN_RESULTS = {"__main__.py", "amend.py", "bench.py", "cli.py", "loadbench.py", "prerelease.py", "publishing.py",
                  "querylog.py", "serve.py", "web.py"}


def code_stamp() -> str:
    """A fingerprint of the code that makes page results (and of pandas, which pickles them)."""
    import pandas as pd

    h = hashlib.sha256(pd.__version__.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        if path.name not in NOT_IN_RESULTS:
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:16]


def file_for(data_dir: Path, key: str, stamp: str | None = None) -> Path:
    name = hashlib.sha256(f"{key}|{stamp or code_stamp()}".encode()).hexdigest()[:24]
    return Path(data_dir) / FOLDER / f"{name}.pickle"


def states(catalogue: list[Release], now: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """(from when, key) of every set of public releases from `now` on: now, then one per
    scheduled publication time."""
    times = [now] + sorted({r.published for r in catalogue if r.published > now})
    return [(t, published_key(visible(catalogue, t))) for t in times]


def page_results(store, boundary_urls: dict[str, str], las: list[str] | None = None,
                 progress: Callable[[list], Iterable] = lambda it: it) -> Iterable[tuple[tuple, object]]:
    """(key, result) of each page result made ahead, keyed as outcomes.web looks them up.
    `las` limits the LA profiles made (tests); `progress` wraps the LAs, the long part."""
    from outcomes import downloads, mapping, views
    from outcomes.fields import TYPES
    from outcomes.geography import REGIONS

    yield ("overview",), views.overview(store)
    yield ("headline_comparison",), views.headline_comparison(store)
    for release in [r for r in (store.latest(t) for t in TYPES) if r is not None]:
        for subtype in [None] + [s for s, _ in store.subtypes(release.id)]:
            yield ("provider_type_view", release.id, subtype), views.provider_type_view(store, release, subtype)
        # The tables of its provider types page (all subtypes), which the map page shares.
        for level in ("national", "regional", "local_authority")[:3 if TYPES[release.provider_type].has_geography else 1]:
            yield from _with_people(("export_frames", release.id, level, None, None, None),
                                    downloads.export_frames(store, release, level, None, None, None, every_subtype=False))
        yield from _with_people(("trend_frames", release.id, None, None, None), downloads.trend_frames(store, release, None, None, None))
        if not TYPES[release.provider_type].has_geography or "la" not in boundary_urls:
            continue
        # The map page's default, and each region's map on the LA profiles (see web.map_view).
        measure = next(iter(mapping.measures(release.provider_type)))
        maps = [(None, measure, None)] + [(TYPES[release.provider_type].headline_subtype, "pct_good_or_outstanding", r)
                                          for r in REGIONS]
        for subtype, measure, region in maps:
            yield ("map_view", release.id, subtype, measure, "local_authority", region), views.map_view(
                store, release, subtype, measure, "local_authority", region, views.HIGHLIGHT, boundary_urls["la"])
    codes = [c for c in store.la_lookup()["new_la_code"] if las is None or c in las]
    for code in progress(codes):
        profile = views.la_profile(store, code)
        yield ("la_profile", code), profile
        for block in (profile.blocks if profile is not None else []):
            if block.own_grade_text:
                continue  # no table or trend beside it (web: views/la_profile.py)
            # The table and the trend's table beside the charts, and their people form (display).
            r, subtype, la = block.release, block.subtype, block.la_code
            yield from _with_people(("export_frames", r.id, "local_authority", subtype, None, la),
                                    downloads.export_frames(store, r, "local_authority", subtype, None, la, every_subtype=False))
            if block.trend is not None:
                yield from _with_people(("trend_frames", r.id, subtype, la, profile.region_code),
                                        downloads.trend_frames(store, r, subtype, la, profile.region_code))


def _with_people(key: tuple, frames: tuple) -> Iterable[tuple[tuple, object]]:
    """A table's (shown, metadata) frames, and the people form of the shown one (web.people_table)."""
    from outcomes import display

    yield key, frames
    yield ("people", *key), display.people_table(frames[0])


def build(data_dir: Path | None = None, now: dt.datetime | None = None, catalogue: list[Release] | None = None,
          boundary_urls: dict[str, str] | None = None, progress: Callable[[list], Iterable] = lambda it: it,
          las: list[str] | None = None) -> list[Path]:
    """Write the page results of every public set from now on; remove files of other sets.
    `las` limits the LA profiles made (tests)."""
    from outcomes.store import Store

    data_dir = Path(data_dir or settings.data_dir())
    now = now or settings.now()
    catalogue = catalogue if catalogue is not None else load_catalogue()
    stamp = code_stamp()
    written = []
    for when, key in states(catalogue, now):
        store = Store(data_dir, when, catalogue)
        items = {k: pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)
                 for k, v in page_results(store, boundary_urls or {}, las, progress)}
        target = file_for(data_dir, key, stamp)
        # Atomically: a server reading it sees the whole file or none.
        settings.write_atomically(target, pickle.dumps({"key": key, "stamp": stamp, "from": when, "items": items},
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
