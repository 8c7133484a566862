"""Provider type explorer: grade distribution, by region, by LA (table and map), over time, sub-judgements."""
import pandas as pd
import streamlit as st

from outcomes import charts, geography, summaries, web
from outcomes.frameworks import GRADE_LABELS

st.title("Outcomes by provider type")
c1, c2, c3 = st.columns(3)
ptype = web.provider_type_choice(c1)
if ptype is None:
    st.stop()
release = web.release_choice(ptype, c2)
as_at = release.as_at.isoformat()
subtype = web.subtype_choice(release, c3, with_counts=True)
web.release_notice(release)

nat = web.grade_table(release.id, "national", subtype)
what = summaries.plural(subtype, release.provider_type_label)
counts = pd.DataFrame({"grade": [g for g in nat.columns if g in GRADE_LABELS or g == "not_yet_graded"]})
counts["n"] = [int(nat[g].iloc[0]) for g in counts["grade"]]
share = nat["pct_good_or_outstanding"].iloc[0] if "pct_good_or_outstanding" in nat else None
title = f"{share:.1f}% of graded {what} were good or outstanding" if share is not None and pd.notna(share) \
    else f"Latest inspection outcomes of {what}"
description = (f"Bar chart of the number of {what} in England by overall grade at their latest inspection, as at "
               f"{summaries.long_date(release.as_at)}.")
unit = {"la_childrens_services": "Local authorities", "area_send": "Local areas"}.get(ptype, "Providers")
web.chart(charts.grade_distribution(counts, title, description, unit), description)
with st.expander("Table: England"):
    web.tidy_table(release, "national", subtype, key="national")

has_geography = not web.grade_table(release.id, "regional", subtype).empty
tab_region, tab_la, tab_map, tab_time, tab_sub = st.tabs(["By region", "By local authority", "Map", "Over time", "Sub-judgements"])
with tab_region:
    if not has_geography:
        st.info("This release has no geography (national figures only).")
    else:
        reg = web.grade_table(release.id, "regional", subtype)
        grades = [g for g in reg.columns if g in GRADE_LABELS and reg[g].sum() > 0] + (["not_yet_graded"] if reg["not_yet_graded"].sum() else [])
        key = "pct_good_or_outstanding" if "pct_good_or_outstanding" in reg else "pct_inadequate"
        reg = reg.sort_values(key, ascending=False)
        desc = f"Stacked bar chart of the share of {what} at each grade in each English region, highest share good or outstanding first."
        web.chart(charts.stacked_by_area(reg, "region_name", grades, f"{what.capitalize()} by region", desc), desc)
        web.tidy_table(release, "regional", subtype, key="regional")
with tab_la:
    if not has_geography:
        st.info("This release has no local authority breakdown.")
    else:
        regions = {"all": "All regions"} | geography.REGIONS
        region_key = web.choose("Region", "region", regions, "all", help="Show the local authorities of one region.")
        region = None if region_key == "all" else region_key
        st.caption("Sort by any column by selecting its heading. 'c' marks a share suppressed because fewer than 3 "
                   "providers were graded; 'z' that none were.")
        web.tidy_table(release, "local_authority", subtype, region=region, key="la")
with tab_map:
    if not has_geography:
        st.info("This release has no local authority breakdown to map.")
    else:
        measure = "pct_good_or_outstanding" if share is not None else "pct_inadequate"
        web.area_map(release, subtype, measure, key="type_map")
        st.caption("Select an area on the map to open its profile.")
        st.page_link("pages/map.py", label="Open the full map (other measures, regions)",
                     query_params={"type": ptype, "as_at": as_at, "subtype": subtype or "All"})
with tab_time:
    data = web.trend(release.id, subtype)
    if len(data) < 2:
        st.info("Only one release of this series is held, so there is no trend to show.")
    else:
        breaks = summaries.breaks_between(ptype, data["date"])
        desc = f"Line chart of the share of graded {what} in England that were good or outstanding at each release date."
        web.chart(charts.trend(data, f"Share of {what} good or outstanding over time", desc, breaks), desc)
        for b in breaks.itertuples():
            st.markdown(f"**{b.label} ({b.date:%B %Y}).** {b.explanation}")
        web.trend_download(release, subtype)
with tab_sub:
    sub = web.query("judgement_counts", release_id=release.id, subtype=subtype, la=None)
    if sub.empty:
        st.info("This release has no sub-judgements.")
    else:
        sub["grade"] = sub["grade"].map(lambda g: GRADE_LABELS.get(g, g))
        wide = sub.pivot_table(index="judgement_label", columns="grade", values="n", aggfunc="sum", fill_value=0)
        st.markdown("Providers by grade for each judgement of their latest inspection (judgements that apply to them).")
        st.dataframe(wide, width="stretch")
