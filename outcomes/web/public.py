"""The public releases for the HTML edition and the API: the same store and page results the
Streamlit pages read, reached without a script run (Starlette routes run outside any session).

Nothing here sees a preview: a pre-release token never reaches the edition or the API. The store is
shared with outcomes.web.cache (one Store per process and published set, whoever asks first makes
it), so serving the edition costs no second copy of the tables. Every memo here is shared by every
thread of the process: each is a dict behind a lock, and what it holds is read, never changed.
"""
from __future__ import annotations

import datetime as dt
import gc
import pickle
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from outcomes import settings
from outcomes.domain.releases import load_catalogue, visible
from outcomes.publish import files as release_files
from outcomes.publish import prebuilt
from outcomes.publish.boundaries import publish_boundaries
from outcomes.results import pages
from outcomes.results import release as release_pages
from outcomes.results import schools
from outcomes.store.store import Store


class Memo:
    """A bounded, thread-safe memo: make(key) runs once per key while the key is kept (None, for
    nothing there, is never kept). Two readers
    of a new key wait for the one make (so two readers of a new published set do not both build its
    store); readers of other keys do not wait for it."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._kept: OrderedDict = OrderedDict()
        self._making: dict = {}  # key -> the lock its maker holds

    def get(self, key, make: Callable[[], object]):
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            making = self._making.setdefault(key, threading.Lock())
        with making:
            with self._lock:
                if key in self._kept:  # made by the reader this one waited for
                    return self._kept[key]
            value = make()
            with self._lock:
                self._making.pop(key, None)
                if value is None:  # "no such thing" is not kept: made-up keys must not crowd out real ones
                    return None
                self._kept[key] = value
                while len(self._kept) > self.max_entries:
                    self._kept.popitem(last=False)
            return value

    def peek(self, key):
        """The value kept for `key`, or None (nothing is made)."""
        with self._lock:
            return self._kept.get(key)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


_stores = Memo(4)
_prebuilt = Memo(4)
_results = Memo(3000)
_boundaries = Memo(2)


def _make_store(data_dir: str, preview_ids: frozenset[str]) -> Store:
    # A new set of published releases (09:30 on release day) also refreshes the release files at
    # their stable addresses, in the background: no reader waits for the zips to be written (never
    # for a preview store: embargoed files must not reach the public folder).
    # Not a daemon thread: one still writing when the process exits was stopped inside native code,
    # which aborted the interpreter ("FATAL: exception not rethrown", exit code 134); now the exit
    # waits for the writes to finish.
    if not preview_ids:
        threading.Thread(target=release_files.sync_static, args=(Path(data_dir),), name="publish-files", daemon=False).start()
    made = Store(preview=preview_ids)
    # Everything alive now (modules, the store's tables) out of the collector's reach: a full
    # collection walked this whole heap, 100 ms and more under the GIL for whichever run set it off.
    gc.freeze()
    return made


def shared_store(data_dir: str, published_ids: str, preview_ids: frozenset[str] = frozenset()) -> Store:
    """The process's store of one set of releases (`published_ids` names the preview releases too,
    so a preview store is never a public one). Read-only once made; each query takes its own cursor."""
    return _stores.get((data_dir, published_ids, preview_ids), lambda: _make_store(data_dir, preview_ids))


def published_releases(now: dt.datetime | None = None):
    """The releases the public may see now (past their time, checklist complete)."""
    return visible(load_catalogue(), now or settings.now())


def this_second(kind: str, make: Callable[[], object]):
    """make() at most once a wall-clock second (for each clock setting, catalogue and data folder):
    every edition page and API answer asks which releases are public and how long it may be kept,
    about 30 µs each to work out, thousands of times a second. A second starts on the same instant
    in London time as in UTC, so at 09:30:00 the next call works it out afresh: nothing is shown
    before its time, and nothing after it is late."""
    key = (kind, int(time.time()), os.environ.get("OUTCOMES_NOW"), os.environ.get("OUTCOMES_CATALOGUE"),
           os.environ.get("OUTCOMES_DATA"))
    found = _this_second.get(key)
    if found is None:
        found = make()
        if len(_this_second) > 64:
            _this_second.clear()  # earlier seconds; a reader between this and the next line makes its own
        _this_second[key] = found
    return found


_this_second: dict[tuple, object] = {}


def published_key(now: dt.datetime | None = None) -> str:
    """The public set of releases now, each with its version: part of every key below."""
    if now is not None:
        return prebuilt.published_key(published_releases(now))
    return this_second("published", lambda: prebuilt.published_key(published_releases()))


def store() -> Store:
    """The shared store of the releases the public may see now."""
    return shared_store(str(settings.data_dir()), published_key())


def made_at_build(published: str) -> dict[tuple, bytes]:
    """The page results made at publish time for a set of releases (pickled, by key)."""
    data_dir = str(settings.data_dir())

    def load():
        made = prebuilt.load(Path(data_dir), published)
        gc.freeze()
        return made
    return _prebuilt.get((data_dir, published), load)


def boundary_urls() -> dict[str, str]:
    """Static-file URLs of the boundary files, published once per process ({} when none are built)."""
    geo_dir = str(settings.geo_dir())

    def publish():
        try:
            return publish_boundaries(settings.SERVED_STATIC, directory=Path(geo_dir))
        except (FileNotFoundError, OSError, ValueError, KeyError):
            return {}  # no boundaries built: the maps say so, everything else still works
    return _boundaries.get(geo_dir, publish)


def result(name: str, *args):
    """The page result `name` (outcomes.results.pages) for `args`, for the public releases now:
    the one made at publish time when there is one, else made once per process and set."""
    published = published_key()

    def make():
        found = made_at_build(published).get((name, *args))
        return pickle.loads(found) if found is not None else pages.make(store(), name, args, boundary_urls())
    return _results.get((name, args, str(settings.data_dir()), published), make)


def school_page(urn: str):
    """A school's page result for the public releases now (None: no such school)."""
    published = published_key()
    return _results.get(("school_page", (urn,), str(settings.data_dir()), published), lambda: schools.school_page(store(), urn))


def calendar():
    """The release calendar: announced and delayed releases (title and time only), then the published."""
    return release_pages.calendar(store().releases)


# A release past its time whose QA checklist is not yet signed may publish at any moment (when it
# is signed), so while one waits no page is kept longer than this; and never longer than an hour.
WAITING_MAX_AGE = 60
MAX_AGE = 3600


def max_age(now: dt.datetime | None = None) -> int:
    """Seconds a browser or CDN may keep a public page or API answer: never past the next
    scheduled publication (09:30 on release day), nor long while a delayed release waits."""
    now = now or settings.now()
    catalogue = load_catalogue()
    coming = [r.published for r in catalogue if r.published > now]
    limit = MAX_AGE
    if coming:
        limit = min(limit, int((min(coming) - now).total_seconds()))
    shown = {r.id for r in published_releases(now)}
    if any(r.is_visible(now) and r.id not in shown for r in catalogue):
        limit = min(limit, WAITING_MAX_AGE)
    return max(limit, 0)


def cache_headers(now: dt.datetime | None = None) -> dict[str, str]:
    """Caching headers for anything public: shared caches may keep it for max_age seconds. Worked
    out once a second, so one second less: said later in the same second, it still ends in time."""
    if now is not None:
        return {"Cache-Control": f"public, max-age={max_age(now)}"}
    return this_second("cache_headers", lambda: {"Cache-Control": f"public, max-age={max(max_age() - 1, 0)}"})
