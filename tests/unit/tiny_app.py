"""A throwaway two-page Streamlit app, written by a test into its own folder, and a server of it."""
from __future__ import annotations

import contextlib
from pathlib import Path

from outcomes.ops import serve

APP = '''
import os

import streamlit as st

def home():
    st.title("Home")
    st.markdown(f"Hello {st.query_params.get('who', 'reader')}")
    st.caption(f"Served by process {os.getpid()}")

def boom():
    st.title("Boom")
    if st.query_params.get("fail") == "1":
        raise ValueError("asked to fail")
    if st.query_params.get("sleep"):
        import time
        time.sleep(float(st.query_params["sleep"]))
    st.markdown("fine")

st.navigation([st.Page(home, title="Home", url_path="home", default=True),
               st.Page(boom, title="Boom", url_path="boom")]).run()
'''


def write_app(folder: Path) -> Path:
    app = folder / "tiny_app.py"
    app.write_text(APP, encoding="utf-8")
    return app


@contextlib.contextmanager
def running(app: Path, log_dir: Path | None = None, env: dict[str, str] | None = None):
    """`streamlit run app` on a free port, its log in log_dir; yields (url, process); stops it afterwards."""
    proc, url = serve.fresh_process(log_dir or app.parent, app=app, env=env)
    try:
        yield url, proc
    finally:
        serve.stop([proc])
