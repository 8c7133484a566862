"""Map: a choropleth of the chosen measure by local authority or region, with a table and an LA select."""
import streamlit as st

from outcomes import maps, mapping, summaries, web
from outcomes.fields import PROVIDER_TYPES

st.title("Map of inspection outcomes")
store = web.store()
types = {t: l for t, l in PROVIDER_TYPES.items() if store.releases_of(t)}
types.pop("further_education", None)  # the FE file carries no geography
if not types:
    web.no_data("releases with local authority figures")
    st.stop()

c1, c2, c3 = st.columns(3)
ptype = web.choose("Provider type", "type", types, next(iter(types)), container=c1, resets=("as_at", "subtype", "measure"))
releases = web.release_options(store.releases_of(ptype))
as_at = web.choose("As at", "as_at", releases, next(iter(releases)), container=c2)
release = next(r for r in store.releases_of(ptype) if r.as_at.isoformat() == as_at)
subtypes = web.query("subtypes", release_id=release.id)
subtype_key = web.choose("Subtype", "subtype", {"All": "All types"} | {s: s for s in subtypes["provider_subtype"]}, "All", container=c3)
subtype = None if subtype_key == "All" else subtype_key
c4, c5 = st.columns(2)
measures = mapping.measures(ptype)
measure = web.choose("Measure", "measure", measures, next(iter(measures)), container=c4)
level = web.choose("Areas", "level", {"local_authority": "Local authorities", "regional": "Regions"}, "local_authority", container=c5)
st.markdown(web.release_caption(release))

table = web.grade_table(release.id, level, subtype)
if table.empty:
    st.info("This release has no local authority breakdown to map.")
    st.stop()
view = mapping.map_values(table, level, measure, store.query("provider_rows", release_id=release.id, subtype=subtype, la=None)
                          if measure == "judgement" else None)
features = maps.load_shapes("la" if level == "local_authority" else "region", list(view["code"]) + view.attrs.get("blank_codes", []))
what = summaries.plural(subtype, release.provider_type_label)
title = mapping.title(measure, what, release, view)
chart = maps.choropleth(features, view, "code", "value", title, kind=mapping.KINDS[measure],
                        category_order=mapping.category_order(view) if measure == "judgement" else None,
                        category_colours=mapping.category_colours(mapping.category_order(view)) if measure == "judgement" else None,
                        tooltip_cols=[("count_label", "Providers")], legend_title=measures[measure],
                        area_label="Local authority" if level == "local_authority" else "Region")

left, right = st.columns([3, 1])
with left:
    event = web.chart(chart, f"Map of England: {title}. The same figures are in the table below the map.",
                      on_select="rerun", selection_mode="la", key="map")
    st.caption(maps.map_note(view["code"], level="la" if level == "local_authority" else "region"))
with right:
    if level == "local_authority":
        names = dict(zip(view["code"], view["name"]))
        clicked = mapping.clicked_code(event)
        if clicked and clicked in names:
            st.query_params["la"] = clicked
        options = {"": "Choose a local authority"} | dict(sorted(names.items(), key=lambda kv: kv[1]))
        la = web.choose("Local authority", "la", options, "")
        if la:
            row = view[view["code"] == la].iloc[0]
            st.metric(names[la], row["value_label"], help=f"{measures[measure]}, {row['count_label']} providers")
            st.page_link("views/la_profile.py", label=f"Open the {names[la]} profile", query_params={"la": mapping.profile_code(la)})
    st.markdown(mapping.legend_words(measure, view))

shown, meta = web.export_frames(release.id, level, subtype)
web.table(shown)
web.download(shown, meta, f"{release.id}-{level}-map", "map")
