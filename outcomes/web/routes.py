"""Every route the site serves beside Streamlit's own, from the same process: the HTML edition
(outcomes.web.edition) and the API (outcomes.web.api, under /api/v1).

app.py hands these to st.App, so `streamlit run app.py` (make run, and each process of make serve)
serves the Streamlit pages, the edition and the API together. Streamlit checks them first, before
its own routes and its catch-all page shell; none may start with Streamlit's reserved prefixes
(/_stcore/, /media/, /component/, /static/) or be one of the Streamlit pages' paths (app.py).
"""
from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount

from outcomes.web import api, edition
from outcomes.web.edition.shell import ShellHead

API_PREFIX = api.PREFIX  # /api/v1


def routes() -> list[BaseRoute]:
    return [*edition.routes(), api.bare(), Mount(API_PREFIX, routes=api.routes())]


def middleware() -> list[Middleware]:
    """Middleware before Streamlit's own (st.App runs what it is given first): the edition's fast
    path first, so a page already made costs nothing else; then the Streamlit pages' shell dressed
    with its plain page's head (the edition's and the API's own addresses pass it untouched)."""
    return [*edition.middleware(), Middleware(ShellHead, passes=(*edition.PREFIXES, API_PREFIX))]
