"""Entry point: page config, navigation over views/ (not pages/: Streamlit would route deep links to a
pages/ folder itself, bypassing st.navigation), the shared footer."""
import streamlit as st

st.set_page_config(page_title="Ofsted inspection outcomes in England", layout="wide",
                   initial_sidebar_state="expanded", menu_items={"About": "Ofsted inspection outcomes in England: "
                   "official statistics on inspections of schools, children's social care and local authority services."})

PAGES = [
    st.Page("views/overview.py", title="Overview", url_path="overview", default=True),
    st.Page("views/provider_types.py", title="Provider types", url_path="provider-types"),
    st.Page("views/la_profile.py", title="Local authority profile", url_path="local-authority"),
    st.Page("views/map.py", title="Map", url_path="map"),
    st.Page("views/data.py", title="Download data", url_path="data"),
    st.Page("views/methodology.py", title="Methodology and about", url_path="methodology"),
]
page = st.navigation(PAGES)
page.run()

st.divider()
st.caption(
    "Source: Ofsted inspection outcomes, compiled from Ofsted's published files (see Methodology for each release). "
    "Contains public sector information licensed under the "
    "[Open Government Licence v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). "
    "Boundaries: Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2023."
)
