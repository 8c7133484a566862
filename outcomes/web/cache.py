"""The shared cache of a Streamlit process: the store, page results and what is derived from them.

The store is one read-only object per process and published set; each page result is one object per
process and input (`shared`, st.cache_resource) that every session reads and none changes. Not
st.cache_data, which unpickles a fresh copy on every hit: on a warm page that copying, and the work
redone on each copy (tables laid out for people, chart data encoded), was most of a run. A result made
at publish time (outcomes.publish.prebuilt) is read from its file instead of being made; both go
through the registry outcomes.results.pages, so their keys agree by construction.

Every cache key holds `published_key()`, the releases this session may see now: a release scheduled
for 09:30 appears at 09:30 without a restart, an amendment replaces what was cached, and what a
pre-release reader saw never reaches a public session.
"""
from __future__ import annotations

import dataclasses
import json
import pickle
import weakref

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from outcomes import settings
from outcomes.domain import checklist
from outcomes.domain.releases import load_catalogue, visible
from outcomes.publish import prebuilt, prerelease
from outcomes.render import bundles
from outcomes.render.people import PeopleTable, people_table
from outcomes.results import map_view as maps
from outcomes.results import pages, release as release_pages, schools, tidy
from outcomes.results.charts import Chart
from outcomes.store.store import Store
from outcomes.web import public
from outcomes.web.preview import preview


def shared(max_entries: int):
    """Cache a function's result per arguments, one object per process shared by every session.

    The contract, which every caller keeps: a shared result is read, never changed (pages lay it
    out; anything derived is a new object). tests/app/test_concurrency.py runs pages at once."""
    return st.cache_resource(show_spinner=False, max_entries=max_entries)


def published_key() -> str:
    """The releases this session may see now (each with its version): part of every cache key."""
    early = preview()[1]
    return prebuilt.published_key(visible(load_catalogue(), settings.now(), early), early)


def store() -> Store:
    """The shared store of the releases this session may see now (one per process and set, shared
    with the HTML edition and the API: outcomes.web.public)."""
    return public.shared_store(str(settings.data_dir()), published_key(), preview()[1])


def boundary_urls() -> dict[str, str]:
    """Static-file URLs of the boundary files, published once per process."""
    return public.boundary_urls()


def made_at_build(published: str, *key):
    """A page result made at publish time for this set of releases, or None."""
    found = public.made_at_build(published).get(key)
    return pickle.loads(found) if found is not None else None


@shared(3000)
def _result(name: str, args: tuple, published: str):
    made = made_at_build(published, name, *args)
    return made if made is not None else pages.make(store(), name, args, boundary_urls())


def result(name: str, *args):
    """The page result `name` (outcomes.results.pages) for `args`, for this session's releases."""
    return _result(name, args, published_key())


@shared(3000)
def _people(name: str, args: tuple, published: str) -> PeopleTable:
    made = made_at_build(published, pages.PEOPLE, name, *args)
    return made if made is not None else people_table(_result(name, args, published)[0])


def people(name: str, *args) -> PeopleTable:
    """The people form of a table result (export_frames or trend_frames): made at publish time for
    the tables beside an LA profile's charts, else once per process."""
    return _people(name, args, published_key())


@shared(600)
def _map_view(release_id: str, subtype: str | None, measure: str, level: str, region: str | None, highlight: str | None,
              published: str):
    shown = _result("map_view", (release_id, subtype, measure, level, region), published)
    if shown is None:
        return None
    # The region's data, encoded once for the region (render.encoded), is shared by every LA's copy:
    # only the rest of the spec, where the outline rule is, is copied with the LA's code in it.
    encoded = encoded_spec(shown.chart)
    spec = json.loads(json.dumps({k: v for k, v in encoded.items() if k != "datasets"}).replace(maps.HIGHLIGHT, highlight or ""))
    if "datasets" in encoded:
        spec["datasets"] = encoded["datasets"]
    return dataclasses.replace(shown, chart=Chart(spec, shown.chart.description))


def map_view(release_id: str, subtype: str | None, measure: str, level: str, region: str | None, highlight: str | None):
    """A map with the page's own LA outlined (None: the release has no geography to map)."""
    return _map_view(release_id, subtype, measure, level, region, highlight, published_key())


_derived: dict[tuple[str, int], tuple[weakref.ref, object]] = {}


def derived(kind: str, source, make):
    """make(source), kept while `source` lives: for work on a shared (cached) object that every
    run would otherwise redo, such as a table laid out for people. Keyed by the object itself, so
    it needs no hashing; two threads may both make it once, and each makes the same thing."""
    key = (kind, id(source))
    hit = _derived.get(key)
    if hit is not None and hit[0]() is source:
        return hit[1]
    value = make(source)
    # The callback holds the dict itself: at interpreter exit the module's globals are gone first.
    _derived[key] = (weakref.ref(source, lambda _, key=key, memo=_derived: memo.pop(key, None)), value)
    return value


def _records_to_arrow(records: list[dict]) -> bytes:
    try:
        table = pa.Table.from_pylist(records)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a column: Streamlit's own fixes
        return dataframe_util.convert_anything_to_arrow_bytes(records)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _arrow_datasets(spec: dict) -> dict:
    """The spec with each named dataset as Arrow bytes, which Streamlit passes through unchanged
    (vega_charts._marshall_chart_data) instead of encoding the records on every run: encoded once
    per chart, straight from the records (a pandas round trip cost more than the rest of a run)."""
    if not spec.get("datasets"):
        return spec
    return {**spec, "datasets": {name: values if isinstance(values, bytes) else _records_to_arrow(values)
                                 for name, values in spec["datasets"].items()}}


def encoded_spec(figure: Chart) -> dict:
    """A chart's spec with its data as Arrow, made once per chart (kept while the chart lives)."""
    return derived("chart", figure, lambda f: _arrow_datasets(f.spec))


@shared(128)
def _view_frames(release_ids: tuple[str, ...], level: str, subtype: str | None, las: tuple[str, ...], published: str):
    s = store()
    return tidy.view_frames(s, [s.release(r) for r in release_ids], level, subtype, list(las))


def view_frames(release_ids: tuple[str, ...], level: str, subtype: str | None, las: tuple[str, ...]):
    """The data page's table: each chosen release's table, stacked and filtered to the chosen LAs."""
    return _view_frames(release_ids, level, subtype, las, published_key())


@shared(16)
def _release_zip(release_id: str, published: str) -> bytes:
    s = store()
    return bundles.release_zip(s, s.release(release_id))


def release_zip(release_id: str) -> bytes:
    return _release_zip(release_id, published_key())


@shared(256)
def _query(name: str, published: str, params: tuple) -> pd.DataFrame:
    return store().query(name, **dict(params))


def query(name: str, **params) -> pd.DataFrame:
    """A named query of the store, cached per parameters (a read-only frame)."""
    return _query(name, published_key(), tuple(sorted(params.items())))


@shared(8)
def _la_options(published: str) -> tuple[dict[str, str], str | None]:
    lookup = store().la_lookup()
    current, former = lookup[lookup["is_current"]], lookup[~lookup["is_current"]]
    options = dict(zip(current["new_la_code"], current["la_name"]))
    options |= {c: f"{n} (former authority, code {c})" for c, n in zip(former["new_la_code"], former["la_name"])}
    default = "E08000035" if "E08000035" in options else next(iter(options), None)  # Leeds: a large, typical LA
    return dict(sorted(options.items(), key=lambda kv: kv[1])), default


def la_options() -> tuple[dict[str, str], str | None]:
    """The LA select's choices (current authorities, then former ones, by name) and its default."""
    return _la_options(published_key())


def _checklists_key() -> tuple:
    """What the release page and the calendar show besides the published set: the QA checklists'
    sign-offs (a person may sign an item after publication) and which releases are past their time
    (a release delayed at 09:30, its checklist incomplete, changes no published set)."""
    now = settings.now()
    return checklist.files_key(), tuple(r.id for r in load_catalogue() if r.is_visible(now))


@shared(64)
def _release_page(release_id: str, version: int | None, published: str, checklists: tuple):
    return release_pages.release_page(store(), release_id, version, prerelease.viewers(release_id, settings.data_dir()))


def release_page(release_id: str, version: int | None):
    return _release_page(release_id, version, published_key(), _checklists_key())


@shared(8)
def _calendar(published: str, checklists: tuple):
    return release_pages.calendar(store().releases)


def calendar():
    return _calendar(published_key(), _checklists_key())


@shared(16)
def _version_zip(release_id: str, version: int, published: str) -> bytes:
    old, kept = store().kept_version(store().release(release_id), version)
    return bundles.release_zip(kept, old)


def version_zip(release_id: str, version: int) -> bytes:
    """The zip of an earlier kept version, made from that version's own data folder."""
    return _version_zip(release_id, version, published_key())


@shared(1000)
def _find_schools(text: str, published: str) -> pd.DataFrame:
    return schools.find_schools(store(), text)


def find_schools(text: str) -> pd.DataFrame:
    return _find_schools(text, published_key())


@shared(2000)
def _school_page(urn: str, published: str):
    return schools.school_page(store(), urn)


def school_page(urn: str):
    return _school_page(urn, published_key())
