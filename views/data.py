"""Download data: pick a release, level and filters, preview, download; whole releases as zip."""
import streamlit as st

from outcomes import bundles, fields, web
from outcomes.fields import PROVIDER_TYPES
from outcomes.tables import LEVEL_LABELS

st.title("Download data")
st.markdown("Every table here is tidy data in the [Explore Education Statistics open data standard]"
            "(https://dfe-analytical-services.github.io/analysts-guide/statistics-production/ud.html): one row per "
            "area, with a metadata file describing each column. Files are UTF-8 with a byte order mark so Excel "
            "reads them correctly; dates are ISO (YYYY-MM-DD).")
store = web.store()
types = {t: l for t, l in PROVIDER_TYPES.items() if store.releases_of(t)}
if not types:
    web.no_data("releases")
    st.stop()

c1, c2, c3, c4 = st.columns(4)
ptype = web.choose("Provider type", "type", types, next(iter(types)), container=c1, resets=("as_at", "subtype"))
releases = web.release_options(store.releases_of(ptype))
as_at = web.choose("As at", "as_at", releases, next(iter(releases)), container=c2)
release = next(r for r in store.releases_of(ptype) if r.as_at.isoformat() == as_at)
level = web.choose("Geographic level", "level", LEVEL_LABELS, "local_authority", container=c3)
subtypes = web.query("subtypes", release_id=release.id)
subtype_key = web.choose("Subtype", "subtype", {"All": "All types"} | {s: s for s in subtypes["provider_subtype"]}, "All", container=c4)
subtype = None if subtype_key == "All" else subtype_key
st.markdown(web.release_caption(release))

frame, meta = web.export_frames(release.id, level, subtype)
st.markdown(f"**{len(frame):,} rows**, {len(frame.columns)} columns. Preview of the first 500:")
web.table(frame.head(500))
web.download(frame, meta, f"{release.id}-{level}" + (f"-{subtype_key}" if subtype else ""), "data")

with st.expander("Reproduce this table"):
    st.markdown("With the release zip below unpacked, either of these rebuilds the provider-level table this view is "
                "aggregated from:")
    st.code(bundles.reproduce_sql(release, subtype), language="sql")
    st.code(bundles.reproduce_pandas(release, subtype), language="python")
    st.markdown("The same table from the command line:")
    st.code(f"python -m outcomes export --provider-type {ptype} --as-at {as_at} --level {level}"
            + (f" --subtype \"{subtype}\"" if subtype else "") + " --out table.csv", language="bash")

st.header("Whole release")
st.markdown("A zip of the release: tidy data at every level, provider-level data, metadata, data guidance, "
            "the QA report and the licence.")
st.download_button(f"Download {release.title} (zip)", bundles.release_zip(store, release),
                   file_name=f"{release.id}.zip", mime="application/zip", key="zip")

st.header("Data guidance")
guidance = bundles.guidance_frame()
st.dataframe(guidance, hide_index=True, width="stretch")
st.markdown("**Symbols used in the tables**")
st.markdown("\n".join(f"- `{k}`: {v}" for k, v in fields.SYMBOLS.items()))
