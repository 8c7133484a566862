"""Provider type explorer: grade distribution, by region, by LA (table and map), over time, sub-judgements."""
import streamlit as st

from outcomes.domain import geography, report_cards
from outcomes.web import cache, render, widgets

st.title("Outcomes by provider type")
c1, c2, c3 = st.columns(3)
ptype = widgets.provider_type_choice(c1)
if ptype is None:
    st.stop()
release = widgets.release_choice(ptype, c2)
subtype = widgets.subtype_choice(release, c3, with_counts=True)
render.release_notice(release)
if release is cache.store().latest(ptype):
    render.plain_html_link(f"/types/{ptype}")
view = cache.result("provider_type_view", release.id, subtype)
if view.lead:
    st.subheader("What Ofsted leads with")
    st.markdown("\n".join(f"- {f.words}" for f in view.lead))
    st.caption(view.lead_note)
if view.counts_note:
    st.info(view.counts_note)

render.chart(view.distribution)
with st.expander("Table: England"):
    render.tidy_table(release, "national", subtype, key="national")

tab_region, tab_la, tab_map, tab_time, tab_sub = st.tabs(["By region", "By local authority", "Map", "Over time", "Sub-judgements"])
with tab_region:
    if view.by_region is None:
        st.info("This release has no geography (national figures only).")
    else:
        render.chart(view.by_region)
        render.tidy_table(release, "regional", subtype, key="regional")
with tab_la:
    if not view.has_geography:
        st.info("This release has no local authority breakdown.")
    else:
        regions = {"all": "All regions"} | geography.REGIONS
        region_key = widgets.choose("Region", "region", regions, "all", help="Show the local authorities of one region.")
        st.caption("Sort by any column by selecting its heading. 'c' marks a share suppressed because fewer than 3 "
                   "providers were graded; 'z' that none were.")
        render.tidy_table(release, "local_authority", subtype, region=None if region_key == "all" else region_key, key="la")
with tab_map:
    if not view.has_geography:
        st.info("This release has no local authority breakdown to map.")
    else:
        render.area_map(release, subtype, "pct_good_or_outstanding" if view.share is not None else "pct_inadequate", key="type_map")
        st.caption("Select an area on the map to open its profile.")
        st.page_link("views/map.py", label="Open the full map (other measures, regions)",
                     query_params={"type": ptype, "as_at": release.as_at.isoformat(), "subtype": subtype or "All"})
with tab_time:
    if view.trend is None:
        st.info("Only one release of this series is held, so there is no trend to show.")
    else:
        render.chart(view.trend)
        for label, when, explanation in view.breaks:
            st.markdown(f"**{label} ({when}).** {explanation}")
        render.trend_download(release, subtype)
if view.in_year is not None:
    with st.expander("Inspections in the year (the flow)", expanded=False):
        st.markdown(view.in_year.heading + ".")
        st.dataframe(view.in_year.table, hide_index=True, width="stretch")
        if view.in_year.ungraded:
            st.markdown(view.in_year.ungraded)
        st.caption("Every other figure on this page is the stock: each provider's latest inspection as at the date. "
                   f"The tidy file: `python -m outcomes export --provider-type {ptype} --as-at {release.as_at} --scope in_year`.")
with tab_sub:
    if view.sub_judgements.empty and view.report_cards is None:
        st.info("This release has no sub-judgements.")
    elif not view.sub_judgements.empty:
        st.markdown("Providers by grade for each judgement of their latest graded inspection (judgements that apply to them)"
                    + (", whether or not a report card followed it." if view.report_cards is not None else "."))
        st.dataframe(view.sub_judgements, width="stretch")
    if view.report_cards is not None:
        st.markdown(f"**Report cards** (inspections from {report_cards.START.day} {report_cards.START:%B %Y}): each evaluation "
                    "area on the report card's own five-point scale, and safeguarding met or not met. They are never added "
                    "to the grades above.")
        st.dataframe(view.report_cards, hide_index=True, width="stretch")
