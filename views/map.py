"""Map: a choropleth of the chosen measure by local authority or region, an LA select, and a table."""
import streamlit as st

from outcomes.domain.fields import TYPES
from outcomes.domain.geography import profile_code
from outcomes.results import map_view
from outcomes.web import render, widgets

st.title("Map of inspection outcomes")
c1, c2, c3 = st.columns(3)
no_geography = tuple(k for k, t in TYPES.items() if not t.has_geography)  # nothing to map
ptype = widgets.provider_type_choice(c1, exclude=no_geography, resets=("as_at", "subtype", "measure"))
if ptype is None:
    st.stop()
release = widgets.release_choice(ptype, c2)
subtype = widgets.subtype_choice(release, c3)
c4, c5 = st.columns(2)
measures = map_view.measures(ptype)
measure = widgets.choose("Measure", "measure", measures, next(iter(measures)), container=c4)
level = widgets.choose("Areas", "level", {"local_authority": "Local authorities", "regional": "Regions"}, "local_authority", container=c5)
render.release_notice(release)

left, right = st.columns([3, 1])
with left:
    view = render.area_map(release, subtype, measure, level, key="map")
    if view is not None and level == "local_authority":
        st.caption("Select an area to open its profile, or choose it from the local authority list.")
with right:
    if view is not None:
        if level == "local_authority":
            names = dict(sorted(zip(view["code"], view["name"]), key=lambda kv: kv[1]))
            la = widgets.choose("Local authority", "la", {"": "Choose a local authority"} | names, "",
                            help="The keyboard way to pick an area on the map.")
            if la:
                row = view[view["code"] == la].iloc[0]
                st.metric(names[la], row["value_label"], help=f"{measures[measure]}; {row['count_label']} providers")
                st.page_link("views/la_profile.py", label=f"Open the {names[la]} profile",
                             query_params={"la": profile_code(la)})
        st.markdown(map_view.legend_words(measure, view))

if view is not None:
    render.tidy_table(release, level, subtype, key="map_table")
