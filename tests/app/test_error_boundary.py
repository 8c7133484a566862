"""app.py's error boundary: a page that fails shows a plain message with an error id, what still
works and a link home; the id is logged with the traceback; Streamlit's own control flow passes."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.testing.v1 import AppTest

from outcomes import settings

APP = str(settings.PROJECT_ROOT / "app.py")
RUN = StreamlitPage.run  # Streamlit runs app.py itself through a StreamlitPage: only the site's pages are replaced


def replace_pages(monkeypatch, body):
    def run(self):
        return body(self) if Path(str(self._page)).parent.name == "views" else RUN(self)
    monkeypatch.setattr(StreamlitPage, "run", run)


def test_a_failing_page_shows_an_id_and_a_way_home(monkeypatch, caplog):
    def broken(self):
        raise RuntimeError("boundary file missing: secret internal path /srv/geo")

    replace_pages(monkeypatch, broken)
    with caplog.at_level(logging.ERROR, logger="outcomes.site"):
        at = AppTest.from_file(APP, default_timeout=60).run()

    assert not at.exception, "Streamlit's error box (with its Google/ChatGPT links) is not shown"
    [error] = at.error
    assert "could not be shown" in error.value and "other pages" in error.value
    assert "secret internal path" not in error.value and "RuntimeError" not in error.value
    links = [(p.proto.label, p.proto.page) for p in at.get("page_link")]
    assert any(label == "Go to the overview" for label, _ in links)
    [record] = [r for r in caplog.records if r.name == "outcomes.site"]
    ident = record.args[-1]
    assert f"**{ident}**" in error.value, "the visitor can quote the id that is in the log"
    assert record.exc_info and "secret internal path" in str(record.exc_info[1]), "the log keeps the traceback"
    assert "Contains public sector information" in " ".join(m.value for m in at.markdown), "the footer still renders"


def test_switch_page_and_stop_pass_through_the_boundary(monkeypatch):
    def leaves(self):
        if self.title == "Overview":
            st.switch_page("views/methodology.py")
        st.stop()

    replace_pages(monkeypatch, leaves)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not at.error, "control flow is not reported as an error"
    assert not any("Contains public sector information" in m.value for m in at.markdown), "st.stop stopped the script"


def test_streamlit_config_hides_error_details_and_links():
    import tomllib

    config = tomllib.loads((settings.PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["showErrorLinks"] is False



def _page_paths() -> list:
    from tests.app.test_url_fuzz import page_paths

    # Every page but the default: a deep link must still run app.py (page config, boundary, footer).
    # (The pages are in views/, not pages/: see app.py for why that matters on a fresh server.)
    return page_paths()[1:]


@pytest.mark.parametrize("path", _page_paths())
def test_a_deep_link_runs_through_app_py(path, built_data):
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(path).run()
    assert any("Contains public sector information" in m.value for m in at.markdown), "app.py's footer (and boundary) ran"
