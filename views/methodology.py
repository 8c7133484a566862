"""Methodology and about: sources, quality assurance, frameworks, revisions, licence, accessibility.
The text is outcomes.results.methodology's, which the HTML edition shows too."""
import streamlit as st

from outcomes.results.methodology import methodology
from outcomes.web import cache, render

st.title("Methodology and about")
render.plain_html_link("/guidance/methodology")
for section in methodology(cache.store(), cache.result("ledger")):
    st.header(section.heading, anchor=section.anchor)
    for kind, value in section.parts:
        if kind == "md":
            st.markdown(value)
        else:
            link = {"Source": st.column_config.LinkColumn("Source")} if "Source" in value.columns else None
            st.dataframe(value, hide_index=True, width="stretch", column_config=link)
