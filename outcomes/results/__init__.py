"""What each page shows, as plain data: one module per page (LaProfile, Overview, ProviderTypeView,
MapView, SchoolPage, ReleasePage), the tidy tables every view and download shares, and the Vega-Lite specs of
its charts and maps (data, not drawing). Read from the store only; no Streamlit. The registry in
`outcomes.results.pages` names every result made ahead of time and cached, with its key.
"""
