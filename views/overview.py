"""Overview: the headline for each provider type, and the trend with framework breaks."""
import streamlit as st

from outcomes.web import cache, render, widgets

st.title("Ofsted inspection outcomes in England")
st.markdown("How providers were judged at their latest Ofsted inspection, by type of provider and by local "
            "authority. Each figure is a snapshot **as at** the date shown: every provider's most recent inspection by then.")

if not cache.store().releases:
    render.no_data("releases")
    st.stop()
view = cache.result("overview")
render.plain_html_link("/browse")

for head in view.headlines:
    with st.container(border=True):
        st.header(head.label, divider=False)
        c1, c2, c3 = st.columns([2, 2, 3])
        if head.lead:
            first = head.lead[0]
            c1.metric(first.label + head.where, f"{first.value:.1f}%", help=first.words)
        elif head.share is not None:
            c1.metric("Good or outstanding" + head.where, f"{head.share:.1f}%",
                      help="Share of providers with an overall grade that were judged good or outstanding.")
        else:
            c1.markdown("  \n".join(f"**{n}** {label.lower()}" for label, n in head.grade_counts) or "No overall grades")
        c2.metric("Providers" + head.where, f"{head.providers:,}",
                  help="All providers in the release, including those not yet inspected.")
        c3.markdown(render.release_caption(head.release))
        if head.lead:
            st.markdown("\n".join(f"- {f.words}" for f in head.lead))
            st.caption(head.lead_note)
        elif head.providers != head.graded:
            c3.caption(f"{head.graded:,} have an overall grade; the rest are not yet inspected or were "
                       "inspected under a framework with no overall grade.")
        st.page_link("views/provider_types.py", label=f"Explore {head.label.lower()}", query_params={"type": head.provider_type})

st.header("Find a school")
widgets.school_search(key="overview_school")

st.header("Trend: children's homes and local authorities")
if view.trend is not None:
    render.chart(view.trend)
    for label, when, explanation in view.breaks:
        st.markdown(f"**{label} ({when}).** {explanation}")
    with st.expander("Chart data as a table"):
        for release, subtype in view.trend_releases:
            render.trend_download(release, subtype, key=f"trend_{release.provider_type}")
