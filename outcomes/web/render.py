"""Results drawn on a Streamlit page: charts with their descriptions, tables for people with their
downloads, maps, and the release captions every figure carries. Draws what outcomes.results made;
never recomputes a figure."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from outcomes.domain.geography import profile_code
from outcomes.domain.releases import Release
from outcomes.publish import files as release_files
from outcomes.publish.files import zip_url  # noqa: F401  (pages link a release's zip)
from outcomes.render import bundles
from outcomes.render.csvfiles import to_csv_bytes
from outcomes.render.people import PeopleTable, people_table
from outcomes.results.charts import Chart
from outcomes.results.release import caption_parts
from outcomes.web import cache, preview


def chart(figure: Chart, **kwargs):
    """Draw a chart spec (built once per input, see outcomes.results) with its one-sentence
    description beneath it (the spec's own `description` is its accessible name)."""
    event = st.vega_lite_chart(spec=cache.encoded_spec(figure), width="stretch", **kwargs)
    st.caption(figure.description)
    return event


def table(frame: pd.DataFrame, compact_key: str | None = None, people: PeopleTable | None = None, **kwargs) -> None:
    """A table for people. Tidy (EES) rows are laid out for reading (outcomes.render.people: names not
    codes, '85.4%', symbols with their meaning); the download beside it keeps the tidy CSV.

    With compact_key, a tidy table first shows its key columns (area, providers, graded, the
    shares: what fits a phone, and what answers most readers on any screen) with a "Show all
    columns" toggle for the counts by grade; the download always holds every column."""
    people = people or cache.derived("people", frame, people_table)
    compact = people.key is not None and compact_key is not None and not st.toggle(
        "Show all columns", key=f"all_columns_{compact_key}", help="Adds the number of providers at each grade.")
    shown, arrow = people.shown(compact)
    config = {c: st.column_config.Column(label, help=text) for c, (label, text) in people.columns.items() if c in shown.columns}
    st.dataframe(arrow if arrow is not None else cache.derived("arrow", shown, dataframe_util.convert_pandas_df_to_arrow_table), hide_index=True, width="stretch",
                 column_config=config, **kwargs)


def release_notice(release: Release) -> None:
    """Status line of a release; derived data and partial coverage get a visible warning."""
    st.markdown(release_caption(release))
    if release.status.needs_warning:
        st.warning(f"{release.status_label}. {release.notes}".strip())
    elif release.notes:
        st.caption(release.notes)


def release_link(release_id: str, version: int | None = None) -> str:
    """The release page's address, relative to the page (so it works under any base path); a
    pre-release reader keeps their token, since a link opens a new session."""
    token = preview.token()
    query = {"id": release_id} | ({"version": str(version)} if version else {}) | ({"preview": token} if token else {})
    return "./release?" + urlencode(query)


def release_caption(release: Release) -> str:
    return " · ".join([f"[About this release]({release_link(release.id)})", *caption_parts(release)])


def download(frame: pd.DataFrame, meta: pd.DataFrame, name: str, key: str, reproduce: str = "") -> None:
    """'Download this table': the CSV of exactly the frame shown, its metadata file, and how to
    rebuild it. The byte order mark is on by default so Excel reads the file as UTF-8."""
    c1, c2, c3 = st.columns([2, 2, 1])
    bom = c3.checkbox("For Excel", value=True, key=f"bom_{key}",
                      help="Adds a UTF-8 byte order mark so Excel shows accents and symbols correctly. "
                           "Untick for tools that do not expect one.")
    # The CSV is made when the button is pressed (a callable, on its own thread), not on every run
    # of the page: most readers never download, and a page shows up to a dozen of these.
    c1.download_button("Download this table (CSV)", lambda: to_csv_bytes(frame, excel_bom=bom), file_name=f"{name}.csv",
                       mime="text/csv", key=f"dl_{key}", width="stretch", on_click="ignore")
    c2.download_button("Metadata for this table (CSV)", lambda: to_csv_bytes(meta, excel_bom=bom),
                       file_name=f"{name}.meta.csv", mime="text/csv", key=f"dlm_{key}", width="stretch", on_click="ignore")
    if reproduce:
        with st.expander("Reproduce this table"):
            st.markdown(reproduce)


def tidy_table(release: Release, level: str, subtype: str | None = None, region: str | None = None,
               la: str | None = None, key: str = "") -> pd.DataFrame:
    """Show a tidy table with its downloads and 'reproduce this': one call, one code path."""
    shown, meta = cache.result("export_frames", release.id, level, subtype, region, la)
    name = "-".join(x for x in (release.id, level, subtype and subtype.lower().replace(" ", "-").replace("'", ""), region, la) if x)
    table(shown, compact_key=key or name, people=cache.people("export_frames", release.id, level, subtype, region, la))
    download(shown, meta, name, key or name, bundles.reproduce_markdown(release, level, subtype, la, region))
    return shown


def trend_download(release: Release, subtype: str | None = None, la: str | None = None, region: str | None = None,
                   key: str = "trend") -> None:
    """The tidy rows behind a trend chart, shown and downloadable."""
    shown, meta = cache.result("trend_frames", release.id, subtype, la, region)
    if shown.empty:
        return
    table(shown, compact_key=key, people=cache.people("trend_frames", release.id, subtype, la, region))
    download(shown, meta, f"{release.provider_type}-trend" + (f"-{la}" if la else ""), key,
             "Each row is one release's figures, as exported for that release by "
             f"`python -m outcomes export --provider-type {release.provider_type} --as-at DATE --level LEVEL`.")


def area_map(release: Release, subtype: str | None, measure: str, level: str = "local_authority",
             key: str = "map", region: str | None = None, highlight: str | None = None):
    """A choropleth of one measure with its boundary note. Clicking an LA opens its profile.

    Returns the values (one row per shape) so the page can show the same figures as a table.
    Without built boundaries the map alone is left out, with a message; the rest of the page stays.
    """
    try:
        shown = cache.map_view(release.id, subtype, measure, level, region, highlight)
    except (FileNotFoundError, LookupError):
        st.info("The map cannot be drawn: the boundary files are not built on this server "
                "(`make data` builds them). The figures are in the table below.")
        return None
    if shown is None:
        st.info("This release has no local authority breakdown to map.")
        return None
    event = chart(shown.chart, on_select="rerun", selection_mode="la", key=key)
    st.caption(shown.note)
    clicked = clicked_code(event)
    if clicked and level == "local_authority" and clicked != highlight:
        st.switch_page("views/la_profile.py", query_params={"la": profile_code(clicked)})
    return shown.values


def clicked_code(event) -> str | None:
    """The LA code clicked on the map, from Streamlit's selection event."""
    try:
        points = event["selection"]["la"]
    except (KeyError, TypeError):
        return None
    if isinstance(points, list) and points:
        return points[0].get("code")
    return None


def no_data(what: str) -> None:
    st.info(f"No published {what} yet. If you run this site, build the data with `make data`.")


RELEASE_INDEX_URL = f"{release_files.URL_PREFIX}/{release_files.INDEX}"  # every published release and its files


def release_file_published(release_id: str) -> bool:
    """Whether the release's zip is at its stable address yet."""
    return release_files.zip_published(cache.store().release(release_id))


def release_files_of(release: Release) -> list[tuple[str, str]]:
    """(name, URL) of the release version's files at their stable addresses (empty until written)."""
    return release_files.files_of(release)


def plain_html_link(path: str) -> None:
    """A link to the same page in the HTML edition (it reads without JavaScript, and quotes well in
    a link preview or a briefing)."""
    st.markdown(f"[This page as plain HTML]({path}) (it works without JavaScript, and prints and shares well).")
