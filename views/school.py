"""A school: its report card (from November 2025), its latest graded and ungraded inspections, the one
before, Ofsted's report, and how its local authority, region and England compare. Without ?urn= (or
with an unknown one) it is the search."""
import streamlit as st

from outcomes.domain.wording import long_date
from outcomes.results.schools import SchoolPage, is_urn
from outcomes.web import cache, render, widgets


def search_page(urn: str | None) -> None:
    st.title("Find a school")
    if urn is not None:
        st.warning((f"No state-funded school has the URN {widgets.quoted(urn)}." if is_urn(urn) else
                    f"The address asks for urn={widgets.quoted(urn)}, which is not a URN.")
                   + " A URN is the school's six- or seven-digit Ofsted number. Search by name below instead.")
    st.markdown("Inspection outcomes of every state-funded school in England (Ofsted's official statistics). "
                "Type part of a school's name or its URN, press Enter, then choose the school.")
    widgets.school_search()


def _listed(table, label: str) -> str:
    """Judgements as a list, not a grid: it wraps on a phone and reads in order with a screen reader."""
    return "\n".join(f"- {r[label]}: **{r['Grade']}**" for _, r in table.iterrows())


def school_page(school: SchoolPage) -> None:
    st.title(school.name)
    st.markdown(school.caption)
    st.markdown(render.release_caption(school.release))
    render.plain_html_link(f"/schools/{school.urn}")

    st.header("Inspections")
    st.markdown(school.latest)
    if school.no_overall_grade:
        st.info(school.no_overall_grade)
    if school.report_card is not None:
        st.subheader("Report card")
        st.markdown(_listed(school.report_card, "Evaluation area"))
        st.subheader("Earlier inspections")
    elif school.key_judgements is not None:
        st.markdown(_listed(school.key_judgements, "Key judgement"))
    st.markdown(school.ungraded)
    st.markdown(school.previous)
    if school.report_card is not None and school.key_judgements is not None:
        st.markdown(_listed(school.key_judgements, "Key judgement"))
    st.link_button("Read Ofsted's reports for this school", school.report_url)

    if school.comparison is not None:
        st.header("Compared with its area")
        st.caption(f"Share of graded {school.comparison_of} judged good or outstanding at their latest graded inspection, "
                   f"as at {long_date(school.release.as_at)}. {school.comparison_note}")
        st.table(school.comparison.set_index("Area"))
    if school.la_code:
        st.page_link("views/la_profile.py", label="Open its local authority's profile", query_params={"la": school.la_code})

    st.header("Find another school")
    widgets.school_search()


# No st.stop() here: app.py's footer runs after every page.
urn = st.query_params.get("urn")
school = cache.school_page(urn) if is_urn(urn) else None
if school is None:
    search_page(urn)
else:
    school_page(school)
