"""Local authority profile: every provider type there against its region and England."""
import streamlit as st

from outcomes.domain.fields import TYPES
from outcomes.web import cache, render, widgets

st.title("Local authority profile")
store = cache.store()
options, default = cache.la_options()
if not options or not store.releases:
    render.no_data("local authority figures")
    st.stop()
code = widgets.choose("Local authority (type to search)", "la", options, default,
                  help="Current upper-tier local authorities; former ones (such as Cumbria) lead to their successors.")
profile = cache.result("la_profile", code)
render.plain_html_link(f"/areas/{code}")

if profile.former_note:
    st.info(profile.former_note)
    for succ, succ_name in profile.successors:
        st.page_link("views/la_profile.py", label=f"Go to {succ_name}", query_params={"la": succ})
if profile.former:
    if profile.former_trend is not None:
        render.chart(profile.former_trend)
        render.trend_download(profile.former_trend_release, TYPES["social_care_provider"].headline_subtype, code, profile.region_code, key="former_trend")
    st.stop()

st.header(profile.name)
st.caption(profile.caption)
if profile.summary:
    st.markdown("\n".join(f"- {line}" for line in profile.summary))
else:
    st.info("None of the published releases has figures for this local authority yet.")
st.page_link("views/school.py", label="Find a school by name or URN")

if profile.changes:
    st.subheader("What changed since the last release")
    st.markdown("\n".join(f"- {line}" for line in profile.changes))
    for note in profile.change_notes:
        st.caption(f"A framework change falls between the two releases ({note}): compare with care.")

if store.latest("la_childrens_services") is not None:
    st.subheader("Children's services inspections (SIF and ILACS)")
    if profile.ilacs_history is None:
        st.info("No children's services inspection of this authority is in the data held.")
    else:
        st.markdown(profile.ilacs_latest)
        st.dataframe(profile.ilacs_history, hide_index=True, width="stretch",
                     column_config={"Report": st.column_config.LinkColumn("Report", display_text="Ofsted report")})
        st.caption("'—' means the judgement did not exist at the time (care leavers were judged separately from 2023) "
                   "or could not be read; 'not known' marks a date the source does not give.")
    if profile.ilacs_points is not None:
        st.markdown("**At each six-monthly release** (as at 31 March and 30 September): the authority's judgement then, "
                    "and its inspections carried out in the six months to the date and published by the release's cut-off.")
        st.dataframe(profile.ilacs_points, hide_index=True, width="stretch")

for block in profile.blocks:
    st.subheader(block.heading)
    st.markdown(render.release_caption(block.release))
    if block.own_grade_text:
        st.markdown(block.own_grade_text)
        continue
    render.chart(block.comparison)
    render.tidy_table(block.release, "local_authority", block.subtype, la=block.la_code, key=f"la_{block.provider_type}")
    if block.trend is not None:
        render.chart(block.trend)
        for label, when, explanation in block.breaks:
            st.markdown(f"**{label} ({when}).** {explanation}")
        st.caption("Years before a reorganisation show the authority of that time where its area was the same "
                   "(North Yorkshire's pre-2023 code, or Bournemouth and Poole before BCP).")
        for old_code, old_name in profile.split_from:
            st.page_link("views/la_profile.py", label=f"Earlier figures: {old_name}, before it was split", query_params={"la": old_code})
        render.trend_download(block.release, block.subtype, block.la_code, profile.region_code, key=f"trend_{block.provider_type}")
    with st.expander("Map of the region"):
        render.area_map(block.release, block.subtype, "pct_good_or_outstanding", region=profile.region_code,
                     highlight=block.la_code, key=f"map_{block.provider_type}")

if profile.neighbours is not None:
    st.subheader("Statistical neighbours")
    st.caption("The ten authorities most similar to this one (DfE children's services statistical neighbours), "
               "with their latest children's services judgement and share of children's homes good or outstanding "
               "(blank where fewer than 3 homes were graded).")
    render.table(profile.neighbours)
