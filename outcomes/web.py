"""The Streamlit edge of the package: cached data access and URL-state widgets.

The only module of `outcomes/` that imports streamlit. The store is one read-only object per
process and published set; what each page shows is cached per input with `shared`
(st.cache_resource): one object per process that every session reads and none changes. Not
st.cache_data, which unpickles a fresh copy on every hit: on a warm page that copying, and the
work redone on each copy (tables laid out for people, chart data encoded), was most of a run.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import logging
import threading
import weakref
from pathlib import Path

import pandas as pd
import streamlit as st

from outcomes import display, downloads, release_pages, settings, summaries, views
from outcomes.releases import Release
from outcomes.store import Store


def shared(max_entries: int):
    """Cache a function's result per arguments, one object per process shared by every session.

    The contract, which every caller keeps: a shared result is read, never changed (pages lay it
    out; anything derived is a new object). tests/app/test_concurrency.py runs pages at once."""
    return st.cache_resource(show_spinner=False, max_entries=max_entries)


@st.cache_resource(show_spinner=False, max_entries=4)
def _store(data_dir: str, published_ids: str, preview: frozenset[str] = frozenset()) -> Store:
    # Read-only once made; each query takes its own cursor, so every session's thread may use it.
    # `published_ids` names the preview releases too, so a preview store is never a public one.
    # A new set of published releases (09:30 on release day) also refreshes the release files at
    # their stable addresses, in the background: no reader waits for the zips to be written
    # (never for a preview store: embargoed files must not reach the public folder).
    if not preview:
        threading.Thread(target=_sync_release_files, args=(Path(data_dir),), name="publish-files", daemon=True).start()
    store = Store(preview=preview)
    _freeze_the_heap()
    return store


def _freeze_the_heap() -> None:
    """Move every object alive now (modules, the store's tables, results made at build) out of
    the garbage collector's reach. Python still collects on its own (Streamlit's collection after
    each run is off, see .streamlit/config.toml), and a full collection walked this whole heap:
    100 ms and more under the GIL, at random, for whichever reader's run set it off."""
    import gc

    gc.freeze()


def _sync_release_files(data_dir: Path) -> None:
    from outcomes import publishing

    try:
        publishing.sync_static(data_dir)
    except Exception:  # the site works without them; the log says why (and `make data` publishes them too)
        logging.getLogger("outcomes.site").exception("could not publish the release files to static/releases")


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file: Streamlit raises its own FileNotFoundError subclass
        return {}


def preview() -> tuple[str | None, frozenset[str]]:
    """(name, release ids) this session may see early, from ?preview=<token> (kept for the session)."""
    from outcomes import prerelease
    from outcomes.releases import load_catalogue

    token = st.query_params.get("preview") or st.session_state.get("preview_token")
    if not token:
        return None, frozenset()
    st.session_state["preview_token"] = token
    return prerelease.preview_ids(token, load_catalogue(), settings.now(), prerelease.configured(_secrets()))


def published_key() -> str:
    """The releases this session may see now (each with its version): part of every cache key, so
    a release scheduled for 09:30 appears at 09:30 without a restart, nothing cached before then is
    shown after, an amendment replaces what was cached, and a preview never reaches a public session."""
    from outcomes.prebuilt import published_key as key_of
    from outcomes.releases import load_catalogue, visible

    early = preview()[1]
    return key_of(visible(load_catalogue(), settings.now(), early), early)


def store() -> Store:
    """The shared store of the releases this session may see now."""
    return _store(str(settings.data_dir()), published_key(), preview()[1])


def _per_audience(cached):
    """Passes the session's published_key() to a cached function as `audience`, so its cache
    entries are kept apart for each set of releases (public, preview, before or after 09:30)."""
    @functools.wraps(cached)
    def call(*args, **kwargs):
        return cached(*args, audience=published_key(), **kwargs)
    return call


@st.cache_resource(show_spinner=False)
def _boundary_urls(geo_dir: str) -> dict[str, str]:
    from outcomes import maps

    try:
        return maps.publish_boundaries(settings.PROJECT_ROOT / "static", directory=Path(geo_dir))
    except (FileNotFoundError, OSError, ValueError, KeyError):
        return {}  # no boundaries built: the maps say so, everything else still works


def boundary_urls() -> dict[str, str]:
    """Static-file URLs of the boundary files, published once per process."""
    return _boundary_urls(str(settings.geo_dir()))


@st.cache_resource(show_spinner=False, max_entries=4)
def _made_at_build(data_dir: str, published: str) -> dict[tuple, bytes]:
    from outcomes import prebuilt

    made = prebuilt.load(Path(data_dir), published)
    _freeze_the_heap()
    return made


def made_at_build(published: str, *key):
    """A page result `make data` made for this set of releases (outcomes.prebuilt), or None:
    then the caller makes it, once per process (every caller is itself cached)."""
    import pickle

    found = _made_at_build(str(settings.data_dir()), published).get(key)
    return pickle.loads(found) if found is not None else None


@shared(400)
def la_profile(code: str, published: str):
    made = made_at_build(published, "la_profile", code)
    return made if made is not None else views.la_profile(store(), code)


@shared(8)
def overview(published: str):
    return made_at_build(published, "overview") or views.overview(store())


@shared(8)
def headline_comparison(published: str) -> pd.DataFrame:
    made = made_at_build(published, "headline_comparison")
    return made if made is not None else views.headline_comparison(store())


@shared(200)
def provider_type_view(release_id: str, subtype: str | None, published: str):
    made = made_at_build(published, "provider_type_view", release_id, subtype)
    if made is not None:
        return made
    s = store()
    return views.provider_type_view(s, s.release(release_id), subtype)


@shared(400)
def _map_view(release_id: str, subtype: str | None, measure: str, level: str, region: str | None, published: str):
    made = made_at_build(published, "map_view", release_id, subtype, measure, level, region)
    if made is not None:
        return made
    s = store()
    url = boundary_urls().get("la" if level == "local_authority" else "region")
    return views.map_view(s, s.release(release_id), subtype, measure, level, region, HIGHLIGHT, url)


HIGHLIGHT = views.HIGHLIGHT


@shared(600)
def map_view(release_id: str, subtype: str | None, measure: str, level: str, region: str | None, highlight: str | None,
             published: str):
    shown = _map_view(release_id, subtype, measure, level, region, published)
    if shown is None:
        return None
    # The region's data, encoded once for the region (see chart()), is shared by every LA's copy:
    # only the rest of the spec, where the outline rule is, is copied with the LA's code in it.
    encoded = _encoded(shown.chart)
    spec = json.loads(json.dumps({k: v for k, v in encoded.items() if k != "datasets"}).replace(HIGHLIGHT, highlight or ""))
    if "datasets" in encoded:
        spec["datasets"] = encoded["datasets"]
    return dataclasses.replace(shown, chart=views.Chart(spec, shown.chart.description))


@_per_audience
@shared(256)
def export_frames(release_id: str, level: str, subtype: str | None, region: str | None = None, la: str | None = None, audience: str = ""):
    made = made_at_build(audience, "export_frames", release_id, level, subtype, region, la)
    if made is not None:
        return made
    s = store()
    return downloads.export_frames(s, s.release(release_id), level, subtype, region, la, every_subtype=False)


@_per_audience
@shared(128)
def view_frames(release_ids: tuple[str, ...], level: str, subtype: str | None, las: tuple[str, ...], audience: str = ""):
    s = store()
    return downloads.view_frames(s, [s.release(r) for r in release_ids], level, subtype, list(las))


@_per_audience
@shared(16)
def release_zip(release_id: str, audience: str = "") -> bytes:
    from outcomes import bundles

    s = store()
    return bundles.release_zip(s, s.release(release_id))


@_per_audience
@shared(256)
def trend_frames(release_id: str, subtype: str | None, la: str | None = None, region: str | None = None, audience: str = ""):
    made = made_at_build(audience, "trend_frames", release_id, subtype, la, region)
    if made is not None:
        return made
    s = store()
    return downloads.trend_frames(s, s.release(release_id), subtype, la, region)


@_per_audience
@shared(512)
def people_table(source: str, *args, audience: str = "") -> display.PeopleTable:
    """The people form of export_frames(*args) or trend_frames(*args): made at build for the
    tables beside an LA profile's charts (outcomes.prebuilt), else once per process."""
    made = made_at_build(audience, "people", source, *args)
    if made is not None:
        return made
    frames = {"export_frames": export_frames, "trend_frames": trend_frames}[source]
    return display.people_table(frames(*args)[0])


def release_file_published(release_id: str) -> bool:
    """Whether the release's zip is at its stable address yet."""
    from outcomes import publishing

    release = store().release(release_id)
    return (publishing.static_dir() / "releases" / publishing.folder_of(release) / f"{publishing.base_name(release)}.zip").exists()


@_per_audience
@shared(256)
def query(name: str, audience: str = "", **params) -> pd.DataFrame:
    return store().query(name, **params)


def _quoted(value: str, limit: int = 60) -> str:
    """A value from the address, shown as inert text: a code span (no markdown, links or HTML),
    shortened, with backticks removed so it cannot close the span."""
    text = str(value).replace("`", "'").replace("\n", " ")
    return f"`{text[:limit]}{'…' if len(text) > limit else ''}`"


quoted = _quoted  # for pages that echo an address value back


def _to_url(param: str, state_key: str, resets: tuple[str, ...]) -> None:
    st.query_params[param] = st.session_state[state_key]
    for dependent in resets:  # e.g. a new provider type has other release dates and subtypes
        st.query_params.pop(dependent, None)
        st.session_state.pop(f"url_{dependent}", None)


def choose(label: str, param: str, options: dict[str, str], default: str, help: str | None = None,
           container=st, resets: tuple[str, ...] = ()) -> str:
    """A selectbox whose value lives in the URL (?param=value). An unknown value in the address
    gets a message and the default, never a traceback."""
    wanted = st.query_params.get(param)
    state_key = f"url_{param}"
    # Warn about a value that arrived in the address; a value the visitor chose earlier that no
    # longer applies (a subtype missing from another release) quietly falls back.
    if wanted is not None and wanted not in options and st.session_state.get(state_key) != wanted:
        st.warning(f"The address asks for {param}={_quoted(wanted)}, which is not one of the choices here; "
                   f"showing {options[default]} instead.")
    if wanted not in options:
        wanted = default
    # A changed widget writes the URL in its callback (before this run), so the address is always
    # the value to show: a pasted link, the first load, or a choice just made. Set every run, even
    # when equal: pages share keys (url_type on provider types and on the map), and a value left by
    # another page's widget is dropped when this page's widget is made, which then showed its
    # first option instead of the address's (the load benchmark caught it, 1 run in ~300).
    st.session_state[state_key] = wanted
    value = container.selectbox(label, list(options), format_func=options.get, key=state_key, help=help,
                                on_change=_to_url, args=(param, state_key, resets))
    st.query_params[param] = value
    return value


def _many_to_url(param: str, state_key: str) -> None:
    st.query_params[param] = ",".join(st.session_state[state_key])


def choose_many(label: str, param: str, options: dict[str, str], default: list[str], help: str | None = None,
                container=st, placeholder: str = "All") -> list[str]:
    """A multiselect whose values live in the URL as a comma-separated list (?la=E08000035,E08000036)."""
    raw = st.query_params.get(param)
    wanted = [v for v in raw.split(",") if v] if raw is not None else list(default)
    unknown = [v for v in wanted if v not in options]
    state_key = f"url_{param}"
    if unknown and st.session_state.get(state_key) != wanted:
        st.warning(f"The address asks for {param}={_quoted(','.join(unknown))}, not among the choices here; left out.")
    wanted = [v for v in wanted if v in options]
    st.session_state[state_key] = wanted  # every run, as in choose()
    values = container.multiselect(label, list(options), format_func=options.get, key=state_key, help=help,
                                   placeholder=placeholder, on_change=_many_to_url, args=(param, state_key))
    st.query_params[param] = ",".join(values)
    return values


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


def _arrow_datasets(spec: dict) -> dict:
    """The spec with each named dataset as Arrow bytes, which Streamlit passes through unchanged
    (vega_charts._marshall_chart_data) instead of encoding the records on every run: encoded once
    per chart, straight from the records (a pandas round trip cost more than the rest of a run)."""
    if not spec.get("datasets"):
        return spec
    return {**spec, "datasets": {name: values if isinstance(values, bytes) else _records_to_arrow(values)
                                 for name, values in spec["datasets"].items()}}


def _encoded(figure: views.Chart) -> dict:
    """A chart's spec with its data as Arrow, made once per chart (kept while the chart lives)."""
    return derived("chart", figure, lambda f: _arrow_datasets(f.spec))


def _records_to_arrow(records: list[dict]) -> bytes:
    import pyarrow as pa

    try:
        table = pa.Table.from_pylist(records)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a column: Streamlit's own fixes
        from streamlit import dataframe_util

        return dataframe_util.convert_anything_to_arrow_bytes(records)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def chart(figure: views.Chart, **kwargs):
    """Draw a chart spec (built once per input, see outcomes.views) with its one-sentence
    description beneath it (the spec's own `description` is its accessible name)."""
    event = st.vega_lite_chart(spec=_encoded(figure), width="stretch", **kwargs)
    st.caption(figure.description)
    return event


def table(frame: pd.DataFrame, compact_key: str | None = None, people: display.PeopleTable | None = None, **kwargs) -> None:
    """A table for people. Tidy (EES) rows are laid out for reading (outcomes.display: names not
    codes, '85.4%', symbols with their meaning); the download beside it keeps the tidy CSV.

    With compact_key, a tidy table first shows its key columns (area, providers, graded, the
    shares: what fits a phone, and what answers most readers on any screen) with a "Show all
    columns" toggle for the counts by grade; the download always holds every column."""
    people = people or derived("people", frame, display.people_table)
    compact = people.key is not None and compact_key is not None and not st.toggle(
        "Show all columns", key=f"all_columns_{compact_key}", help="Adds the number of providers at each grade.")
    shown, arrow = people.shown(compact)
    config = {c: st.column_config.Column(label, help=text) for c, (label, text) in people.columns.items() if c in shown.columns}
    st.dataframe(arrow if arrow is not None else derived("arrow", shown, _arrow_table), hide_index=True, width="stretch",
                 column_config=config, **kwargs)


def _arrow_table(frame: pd.DataFrame):
    """The Arrow table st.dataframe would make of a frame on every run (Streamlit's own
    conversion, with its type fixes), made once per shared table: an Arrow table is sent as is."""
    from streamlit import dataframe_util

    return dataframe_util.convert_pandas_df_to_arrow_table(frame)


@shared(8)
def la_options(published: str) -> tuple[dict[str, str], str | None]:
    """The LA select's choices (current authorities, then former ones, by name) and its default."""
    lookup = store().la_lookup()
    current, former = lookup[lookup["is_current"]], lookup[~lookup["is_current"]]
    options = dict(zip(current["new_la_code"], current["la_name"]))
    options |= {c: f"{n} (former authority, code {c})" for c, n in zip(former["new_la_code"], former["la_name"])}
    default = "E08000035" if "E08000035" in options else next(iter(options), None)  # Leeds: a large, typical LA
    return dict(sorted(options.items(), key=lambda kv: kv[1])), default


def release_options(releases: list[Release]) -> dict[str, str]:
    return {r.as_at.isoformat(): f"{summaries.long_date(r.as_at)}" + ("" if r.status == "official" else f" ({r.status_label.lower()})")
            for r in sorted(releases, key=lambda r: r.as_at, reverse=True)}


def provider_type_choice(container=st, exclude: tuple[str, ...] = (), resets: tuple[str, ...] = ("as_at", "subtype")) -> str | None:
    """The provider-type select shared by the pages: types with a published release only."""
    from outcomes.fields import PROVIDER_TYPES

    types = {t: label for t, label in PROVIDER_TYPES.items() if store().releases_of(t) and t not in exclude}
    if not types:
        no_data("releases")
        return None
    return choose("Provider type", "type", types, next(iter(types)), container=container, resets=resets)


def release_choice(provider_type: str, container=st) -> Release:
    releases = store().releases_of(provider_type)
    options = release_options(releases)
    # The default is the most authoritative release (store.latest), not merely the newest date.
    as_at = choose("As at", "as_at", options, store().latest(provider_type).as_at.isoformat(), container=container)
    return next(r for r in releases if r.as_at.isoformat() == as_at)


def subtype_choice(release: Release, container=st, with_counts: bool = False) -> str | None:
    """Provision type / phase / provider group of a release; None means all of them."""
    options = {"All": "All types"} | {s: f"{s} ({n:,})" if with_counts else s for s, n in store().subtypes(release.id)}
    key = choose("Subtype", "subtype", options, "All", container=container,
                 help="Provision type (social care), phase (schools) or provider group (further education).")
    return None if key == "All" else key


def release_notice(release: Release) -> None:
    """Status line of a release; derived data and partial coverage get a visible warning."""
    st.markdown(release_caption(release))
    if release.status in ("derived", "official_partial"):
        st.warning(f"{release.status_label}. {release.notes}".strip())
    elif release.notes:
        st.caption(release.notes)


def release_link(release_id: str, version: int | None = None) -> str:
    """The release page's address, relative to the page (so it works under any base path); a
    pre-release reader keeps their token, since a link opens a new session."""
    from urllib.parse import urlencode

    token = st.session_state.get("preview_token") if preview()[0] else None
    query = {"id": release_id} | ({"version": str(version)} if version else {}) | ({"preview": token} if token else {})
    return "./release?" + urlencode(query)


def release_caption(release: Release) -> str:
    correction = release_pages.correction_note(release)
    bits = [f"[About this release]({release_link(release.id)})"] + ([f"**{correction}**"] if correction else []) + [
        f"**{release.status_label}**", f"as at {summaries.long_date(release.as_at)}",
        f"published here {summaries.long_date(release.published.date())}"]
    if release.source_published:
        bits.append(f"first published by Ofsted {release_pages.when(release.source_published_at)}")
    if release.coverage and release.coverage != "England":
        bits.append(f"coverage: {release.coverage}")
    if release.next_update:
        bits.append(f"next update: {release.next_update}")
    return " · ".join(bits)


def preview_banner(page: str) -> None:
    """On every page a pre-release reader opens: the banner, and a line in the preview log.
    A wrong token or the wrong time shows nothing at all (the public page, as if no release)."""
    from outcomes import prerelease
    from outcomes.releases import load_catalogue

    name, ids = preview()
    if not name:
        return
    early = [r for r in load_catalogue() if r.id in ids]
    prerelease.record(name, early, page)
    until = "; ".join(f"{release_pages.when(r.published)} ({r.title})" for r in early)
    st.warning(f"**Pre-release access: not for publication until {until}.** Shown to {name}; this view is logged.")


@shared(64)
def release_page(release_id: str, version: int | None, published: str):
    page = release_pages.release_page(store(), release_id, version)
    if page is not None:
        page.store = None  # the page reads the store it is given, not one kept in the cache
    return page


@shared(8)
def calendar(published: str):
    return release_pages.calendar(store().releases)


@shared(16)
def version_zip(release_id: str, version: int, published: str) -> bytes:
    """The zip of an earlier kept version, made from that version's own data folder."""
    from outcomes import bundles

    latest = store().release(release_id)
    old = release_pages.version_release(latest, store().data_dir, version)
    return bundles.release_zip(release_pages.version_store(old, store().data_dir, version), old)


def download(frame: pd.DataFrame, meta: pd.DataFrame, name: str, key: str, reproduce: str = "") -> None:
    """'Download this table': the CSV of exactly the frame shown, its metadata file, and how to
    rebuild it. The byte order mark is on by default so Excel reads the file as UTF-8."""
    c1, c2, c3 = st.columns([2, 2, 1])
    bom = c3.checkbox("For Excel", value=True, key=f"bom_{key}",
                      help="Adds a UTF-8 byte order mark so Excel shows accents and symbols correctly. "
                           "Untick for tools that do not expect one.")
    # The CSV is made when the button is pressed (a callable, on its own thread), not on every run
    # of the page: most readers never download, and a page shows up to a dozen of these.
    c1.download_button("Download this table (CSV)", lambda: downloads.to_csv_bytes(frame, excel_bom=bom), file_name=f"{name}.csv",
                       mime="text/csv", key=f"dl_{key}", width="stretch", on_click="ignore")
    c2.download_button("Metadata for this table (CSV)", lambda: downloads.to_csv_bytes(meta, excel_bom=bom),
                       file_name=f"{name}.meta.csv", mime="text/csv", key=f"dlm_{key}", width="stretch", on_click="ignore")
    if reproduce:
        with st.expander("Reproduce this table"):
            st.markdown(reproduce)


def tidy_table(release: Release, level: str, subtype: str | None = None, region: str | None = None,
               la: str | None = None, key: str = "") -> pd.DataFrame:
    """Show a tidy table with its downloads and 'reproduce this': one call, one code path."""
    from outcomes import bundles

    shown, meta = export_frames(release.id, level, subtype, region, la)
    name = "-".join(x for x in (release.id, level, subtype and subtype.lower().replace(" ", "-").replace("'", ""), region, la) if x)
    table(shown, compact_key=key or name, people=people_table("export_frames", release.id, level, subtype, region, la))
    download(shown, meta, name, key or name, bundles.reproduce_markdown(release, level, subtype, la, region))
    return shown


def trend_download(release: Release, subtype: str | None = None, la: str | None = None, region: str | None = None,
                   key: str = "trend") -> None:
    """The tidy rows behind a trend chart, shown and downloadable."""
    shown, meta = trend_frames(release.id, subtype, la, region)
    if shown.empty:
        return
    table(shown, compact_key=key, people=people_table("trend_frames", release.id, subtype, la, region))
    download(shown, meta, f"{release.provider_type}-trend" + (f"-{la}" if la else ""), key,
             "Each row is one release's figures, as exported for that release by "
             f"`python -m outcomes export --provider-type {release.provider_type} --as-at DATE --level LEVEL`.")


def area_map(release: Release, subtype: str | None, measure: str, level: str = "local_authority",
             key: str = "map", region: str | None = None, highlight: str | None = None):
    """A choropleth of one measure with its boundary note. Clicking an LA opens its profile.

    Returns the values (one row per shape) so the page can show the same figures as a table.
    Without built boundaries the map alone is left out, with a message; the rest of the page stays.
    """
    from outcomes import mapping

    try:
        shown = map_view(release.id, subtype, measure, level, region, highlight, published_key())
    except (FileNotFoundError, LookupError):
        st.info("The map cannot be drawn: the boundary files are not built on this server "
                "(`make data` builds them). The figures are in the table below.")
        return None
    if shown is None:
        st.info("This release has no local authority breakdown to map.")
        return None
    event = chart(shown.chart, on_select="rerun", selection_mode="la", key=key)
    st.caption(shown.note)
    clicked = mapping.clicked_code(event)
    if clicked and level == "local_authority" and clicked != highlight:
        st.switch_page("views/la_profile.py", query_params={"la": mapping.profile_code(clicked)})
    return shown.values


def no_data(what: str) -> None:
    st.info(f"No published {what} yet. If you run this site, build the data with `make data`.")


@shared(1000)
def find_schools(text: str, published: str) -> pd.DataFrame:
    return views.find_schools(store(), text)


@shared(2000)
def school_page(urn: str, published: str):
    return views.school_page(store(), urn)


def school_search(key: str = "school_search", container=st) -> None:
    """Find a school by part of its name or its URN: type, press Enter, pick a match (the list
    filters as you type too) and its page opens. Works with the keyboard alone."""
    text = container.text_input("Find a school by name or URN", key=key, max_chars=100,
                                placeholder="e.g. Holy Trinity, or 100009",
                                help="Type at least 3 letters of the school's name, or its URN, and press Enter.")
    text = " ".join(text.split())
    if not text:
        return
    found = find_schools(text, published_key())
    if found.empty:
        container.info("No state-funded school matches that name or URN. Try fewer words, or check the URN "
                       "(Ofsted's six- or seven-digit number). Children's homes are not listed: Ofsted does not publish their names.")
        return
    labels = dict(zip(found["urn"], found["label"]))
    more = " (the first 50: type more of the name to narrow them)" if len(found) >= views.SEARCH_LIMIT else ""
    container.selectbox(f"{len(found)} matching school{'s' * (len(found) != 1)}{more}", list(labels), index=None,
                        format_func=labels.get, placeholder="Choose a school", key=f"{key}_pick",
                        on_change=_school_picked, args=(f"{key}_pick",))
    # Only a fresh pick opens a page (the callback's note), not a choice left over from before.
    urn = st.session_state.pop("school_picked", None)
    if urn:
        st.session_state.pop(f"{key}_pick", None)
        st.switch_page("views/school.py", query_params={"urn": urn})


def _school_picked(state_key: str) -> None:
    st.session_state["school_picked"] = st.session_state[state_key]
