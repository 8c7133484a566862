"""Release calendar: announced releases (with date and time where fixed) and the published ones."""
import pandas as pd
import streamlit as st

from outcomes.results.release import published_by_type
from outcomes.web import cache, render

st.title("Release calendar")
st.markdown("Releases are published at 09:30 (London time) on the day announced; nothing in a release is shown "
            "anywhere on this site before then. A release is published only once its quality assurance checklist is "
            "complete: one that is not at its time is shown here as delayed, and published as soon as it is.")
entries = cache.calendar()
render.plain_html_link("/releases")
announced = [e for e in entries if e.status != "published"]
published = [e for e in entries if e.status == "published"]

st.header("Announced")
if announced:
    st.dataframe(pd.DataFrame({"Release": [e.title for e in announced], "Publication": [e.when for e in announced],
                               "Status": [e.status for e in announced]}), hide_index=True, width="stretch")
else:
    st.markdown("No release is announced at the moment.")

st.header("Published")
if not published:
    render.no_data("releases")
groups = published_by_type(entries)
if len(groups) > 1:
    st.markdown(" · ".join(f"[{label}](#{code.replace('_', '-')}) ({len(listed)})" for code, label, listed in groups))
for code, label, listed in groups:
    st.subheader(label, anchor=code.replace("_", "-"))
    for e in listed:
        st.page_link("views/release.py", label=f"{e.title} (published here {e.when})", query_params={"id": e.release_id})
