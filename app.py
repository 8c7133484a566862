"""Entry point: page config, navigation over views/, the error boundary, the footer; and, beside the
Streamlit pages, the HTML edition and the API (outcomes.web.routes) from the same process.

`streamlit run app.py` finds the st.App below (it reads this file for one) and serves it with uvicorn,
which imports this file as the module `app`: that import makes the App and nothing else. Each
reader's script run executes this file as `__main__`, which lays out the page.

The pages live in views/, not pages/: Streamlit 1.67 decides at the first script run of a process
whether a pages/ folder exists (PagesManager.uses_pages_directory) and, if so, runs that first
session in its old file-based mode (script_runner._mpa_v1): navigation labelled by file name, and
app.py's page config, footer and error boundary skipped. tests/browser/test_first_visit.py holds it.
"""
import logging

import streamlit as st

from outcomes.domain.wording import FOOTER
from outcomes.errors import error_id, page_failure_message
from outcomes.web.preview import preview_banner
from outcomes.web.routes import middleware, routes

SITE = "Ofsted inspection outcomes in England"


def pages() -> list:
    return [
        st.Page("views/overview.py", title="Overview", url_path="overview", default=True),
        st.Page("views/provider_types.py", title="Provider types", url_path="provider-types"),
        st.Page("views/la_profile.py", title="Local authority profile", url_path="local-authority"),
        st.Page("views/school.py", title="Find a school", url_path="school"),
        st.Page("views/map.py", title="Map", url_path="map"),
        st.Page("views/data.py", title="Download data", url_path="data"),
        st.Page("views/methodology.py", title="Methodology and about", url_path="methodology"),
        st.Page("views/release.py", title="About a release", url_path="release"),
        st.Page("views/calendar.py", title="Release calendar", url_path="calendar"),
    ]


def run_page() -> None:
    """One reader's script run: the chosen page inside the site's frame."""
    listed = pages()
    page = st.navigation(listed)
    # Each page gets its own browser title (WCAG 2.4.2), so set_page_config follows the navigation.
    st.set_page_config(page_title=f"{page.title} · {SITE}", layout="wide", initial_sidebar_state="auto",
                       menu_items={"About": f"{SITE}: inspection outcomes of schools, children's social care and "
                                   "local authority services."})
    # Streamlit's multiselect shrinks its text box below the 24px target size of WCAG 2.5.8 once chips
    # fill the line; this keeps it usable. (Listed in the accessibility statement.)
    st.html("<style>[data-testid=stMultiSelect] input{min-width:24px;min-height:24px}</style>")
    # One error boundary for every page: a visitor gets a plain message, an id and a way on, never a dead
    # end. st.stop, st.rerun and st.switch_page raise ScriptControlException, a BaseException
    # (streamlit/runtime/scriptrunner_utils/exceptions.py), so they pass through untouched.
    try:
        preview_banner(page.title)  # pre-release readers only: the banner, and the view logged
        page.run()
    except Exception:
        ident = error_id()
        logging.getLogger("outcomes.site").exception("page %r failed [error %s]", page.title, ident)
        st.error(page_failure_message(page.title, ident))
        st.page_link(listed[0], label="Go to the overview")

    st.divider()
    # Plain text, not st.caption: links in caption grey fall below 4.5:1 contrast.
    st.markdown(FOOTER)


if __name__ == "__main__":
    run_page()
else:
    # Imported by uvicorn under `streamlit run` (or any ASGI server: `uvicorn app:app`).
    app = st.App(__file__, routes=routes(), middleware=middleware())
