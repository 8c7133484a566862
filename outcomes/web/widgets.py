"""Widgets whose value lives in the address (?param=value): the URL is the state, so a link reopens
the same view. An unknown value in the address gets a message and the default, never a traceback;
a value from the address is only ever shown as inert text."""
from __future__ import annotations

import streamlit as st

from outcomes.domain.fields import PROVIDER_TYPES, Status
from outcomes.domain.releases import Release
from outcomes.domain.wording import long_date
from outcomes.results import schools
from outcomes.web import cache

NO_RELEASES = "No published releases yet. If you run this site, build the data with `make data`."


def quoted(value: str, limit: int = 60) -> str:
    """A value from the address, shown as inert text: a code span (no markdown, links or HTML),
    shortened, with backticks removed so it cannot close the span."""
    text = str(value).replace("`", "'").replace("\n", " ")
    return f"`{text[:limit]}{'…' if len(text) > limit else ''}`"


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
        st.warning(f"The address asks for {param}={quoted(wanted)}, which is not one of the choices here; "
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
        st.warning(f"The address asks for {param}={quoted(','.join(unknown))}, not among the choices here; left out.")
    wanted = [v for v in wanted if v in options]
    st.session_state[state_key] = wanted  # every run, as in choose()
    values = container.multiselect(label, list(options), format_func=options.get, key=state_key, help=help,
                                   placeholder=placeholder, on_change=_many_to_url, args=(param, state_key))
    st.query_params[param] = ",".join(values)
    return values


def release_options(releases: list[Release]) -> dict[str, str]:
    return {r.as_at.isoformat(): long_date(r.as_at) + ("" if r.status == Status.OFFICIAL else f" ({r.status_label.lower()})")
            for r in sorted(releases, key=lambda r: r.as_at, reverse=True)}


def provider_type_choice(container=st, exclude: tuple[str, ...] = (), resets: tuple[str, ...] = ("as_at", "subtype")) -> str | None:
    """The provider-type select shared by the pages: types with a published release only."""
    types = {t: label for t, label in PROVIDER_TYPES.items() if cache.store().releases_of(t) and t not in exclude}
    if not types:
        st.info(NO_RELEASES)
        return None
    return choose("Provider type", "type", types, next(iter(types)), container=container, resets=resets)


def release_choice(provider_type: str, container=st) -> Release:
    releases = cache.store().releases_of(provider_type)
    options = release_options(releases)
    # The default is the most authoritative release (store.latest), not merely the newest date.
    as_at = choose("As at", "as_at", options, cache.store().latest(provider_type).as_at.isoformat(), container=container)
    return next(r for r in releases if r.as_at.isoformat() == as_at)


def subtype_choice(release: Release, container=st, with_counts: bool = False) -> str | None:
    """Provision type / phase / provider group of a release; None means all of them."""
    options = {"All": "All types"} | {s: f"{s} ({n:,})" if with_counts else s for s, n in cache.store().subtypes(release.id)}
    key = choose("Subtype", "subtype", options, "All", container=container,
                 help="Provision type (social care), phase (schools) or provider group (further education).")
    return None if key == "All" else key


def school_search(key: str = "school_search", container=st) -> None:
    """Find a school by part of its name or its URN: type, press Enter, pick a match (the list
    filters as you type too) and its page opens. Works with the keyboard alone."""
    text = container.text_input("Find a school by name or URN", key=key, max_chars=100,
                                placeholder="e.g. Holy Trinity, or 100009",
                                help="Type at least 3 letters of the school's name, or its URN, and press Enter.")
    text = " ".join(text.split())
    if not text:
        return
    found = cache.find_schools(text)
    if found.empty:
        container.info("No state-funded school matches that name or URN. Try fewer words, or check the URN "
                       "(Ofsted's six- or seven-digit number). Children's homes are not listed: Ofsted does not publish their names.")
        return
    labels = dict(zip(found["urn"], found["label"]))
    more = " (the first 50: type more of the name to narrow them)" if len(found) >= schools.SEARCH_LIMIT else ""
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
