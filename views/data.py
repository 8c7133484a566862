"""Download data: pick releases, level, areas and measures, preview, download; whole releases as zip."""
import streamlit as st

from outcomes.domain import fields
from outcomes.domain.fields import LEVEL_LABELS
from outcomes.render import bundles
from outcomes.web import cache, render, widgets

st.title("Download data")
st.markdown("Every table here is tidy data in the [Explore Education Statistics open data standard]"
            "(https://dfe-analytical-services.github.io/analysts-guide/statistics-production/ud.html): one row per "
            "area and release, with a metadata file describing each column. Dates are ISO (YYYY-MM-DD).")
store = cache.store()
c1, c2, c3 = st.columns(3)
ptype = widgets.provider_type_choice(c1, resets=("as_at", "subtype", "la", "measures"))
if ptype is None:
    st.stop()
options = widgets.release_options(store.releases_of(ptype))
chosen = widgets.choose_many("Releases (as at)", "as_at", options, [store.latest(ptype).as_at.isoformat()], container=c2,
                         placeholder="Choose releases")
level = widgets.choose("Geographic level", "level", LEVEL_LABELS, "local_authority", container=c3)
releases = [r for r in store.releases_of(ptype) if r.as_at.isoformat() in chosen]
if not releases:
    st.info("Choose at least one release.")
    st.stop()
c4, c5, c6 = st.columns(3)
subtype = widgets.subtype_choice(releases[0], c4)
lookup = cache.query("la_lookup")
las = {}
if level in ("local_authority", "provider"):
    las = widgets.choose_many("Local authorities", "la", dict(zip(lookup["new_la_code"], lookup["la_name"])), [], container=c5,
                          placeholder="All local authorities")
frame, meta = cache.view_frames(tuple(r.id for r in releases), level, subtype, tuple(las))
indicators = [c for c in frame.columns if c in fields.FIELDS and fields.FIELDS[c].role == "indicator"]
measures = widgets.choose_many("Measures", "measures", {c: fields.label(c) for c in indicators}, [], container=c6,
                           placeholder="All measures") if indicators else []
if measures:
    frame = frame[[c for c in frame.columns if c not in indicators or c in measures]]
    meta = meta[meta["col_name"].isin(frame.columns)]
for r in releases:
    st.markdown(render.release_caption(r))

st.markdown(f"**{len(frame):,} row{'' if len(frame) == 1 else 's'}**, {len(frame.columns)} columns" + (" (first 500 shown)" if len(frame) > 500 else "") + ".")
render.table(frame.head(500))
name = f"{ptype}-{level}-" + "_".join(chosen) + (f"-{subtype}" if subtype else "")
render.download(frame, meta, name.lower().replace(" ", "-").replace("'", ""), "data",
             bundles.reproduce_markdown(releases[0], level, subtype) if len(releases) == 1 and not las else
             "Each release's rows are its `python -m outcomes export` table, filtered to the areas chosen.")

st.header("Whole release")
st.markdown("A zip of one release: tidy data at every level, provider-level data, metadata, data guidance, "
            "the QA report and the licence. Each file has a stable address, named by release and version, that "
            f"scripts can fetch (`curl -O`); [the index]({render.RELEASE_INDEX_URL}) lists them all.")
for release in releases:
    if render.release_file_published(release.id):
        st.markdown(f"- [{release.title} (zip)]({render.zip_url(release)}): `{render.zip_url(release)}`")
    else:  # not yet written to its address (the site publishes files in the background): serve it directly
        st.download_button(f"Download {release.title} (zip)", cache.release_zip(release.id), file_name=f"{release.id}.zip",
                           mime="application/zip", key=f"zip_{release.id}")

st.header("Data guidance")
st.dataframe(bundles.guidance_frame(), hide_index=True, width="stretch")
st.markdown("**Symbols used in the tables**")
st.markdown("\n".join(f"- `{k}`: {v}" for k, v in fields.SYMBOLS.items()))
