"""Ofsted inspection outcomes: the domain package behind the site (no Streamlit here)."""
