"""The Streamlit edge, the only importer of streamlit: the shared cache (the store, page results, keys
shared with outcomes.publish.prebuilt), URL-state widgets, the renderer of results, and the pre-release
preview.
"""
