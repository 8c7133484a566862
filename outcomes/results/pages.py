"""Every page result that is cached per input, by name: the one registry both the site's cache
(outcomes.web.cache) and the results made ahead at publish time (outcomes.publish.prebuilt) go
through, so a result is keyed the same way wherever it is made: (name, *args).

Arguments are plain values (ids, codes, None), never objects, so a key is hashable and the same in
every process. `boundaries` (level -> URL of the published boundary file) is not part of a key: it
is the same for every reader of a process.
"""
from __future__ import annotations

from collections.abc import Callable

from outcomes.domain.fields import Level
from outcomes.results import la_profile, ledger, map_view, overview, provider_types, tidy
from outcomes.store.store import Store

Boundaries = dict[str, str]


def _provider_type_view(store: Store, release_id: str, subtype: str | None, boundaries: Boundaries):
    return provider_types.provider_type_view(store, store.release(release_id), subtype)


def _map_view(store: Store, release_id: str, subtype: str | None, measure: str, level: str, region: str | None,
              boundaries: Boundaries):
    """A map with its LA outline left as a placeholder (map_view.HIGHLIGHT): the site puts an LA's
    code in per page, so one map serves every LA of its region."""
    url = boundaries.get("la" if level == Level.LOCAL_AUTHORITY else "region")
    return map_view.map_view(store, store.release(release_id), subtype, measure, level, region, map_view.HIGHLIGHT, url)


def _export_frames(store: Store, release_id: str, level: str, subtype: str | None, region: str | None, la: str | None,
                   boundaries: Boundaries):
    """A page's table beside its chart or map: the Total rows when no subtype is chosen."""
    return tidy.export_frames(store, store.release(release_id), level, subtype, region, la, every_subtype=False)


def _trend_frames(store: Store, release_id: str, subtype: str | None, la: str | None, region: str | None,
                  boundaries: Boundaries):
    return tidy.trend_frames(store, store.release(release_id), subtype, la, region)


# name -> make(store, *args, boundaries): what each cached result is, and how it is made.
PAGE_RESULTS: dict[str, Callable] = {
    "la_profile": lambda store, code, boundaries: la_profile.la_profile(store, code),
    "overview": lambda store, boundaries: overview.overview(store),
    "ledger": lambda store, boundaries: ledger.comparison(store),
    "provider_type_view": _provider_type_view,
    "map_view": _map_view,
    "export_frames": _export_frames,
    "trend_frames": _trend_frames,
}
# Results that are a table's (data, metadata) frames: their people form (outcomes.render.people) is
# cached beside them under ("people", name, *args).
TABLES = ("export_frames", "trend_frames")
PEOPLE = "people"


def make(store: Store, name: str, args: tuple, boundaries: Boundaries):
    """The result `name` for `args`, made now."""
    return PAGE_RESULTS[name](store, *args, boundaries=boundaries)
