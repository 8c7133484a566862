"""The first visitor after a (re)start gets the real site: our navigation, page title and footer.

Streamlit runs the first session of a process in its file-based mode when a pages/ folder exists
next to app.py (see app.py), so this test starts a server of its own and opens a deep link first.
"""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import start_server, wait_ready


def test_first_visit_after_start_has_the_sites_navigation(page, built_data):
    url, proc = start_server(built_data, "streamlit-first-visit.log")
    try:
        page.goto(f"{url}/map")
        wait_ready(page)
        nav = page.locator("[data-testid=stSidebarNav]")
        expect(nav.get_by_text("Local authority profile", exact=True)).to_be_visible()
        expect(nav.get_by_text("la profile", exact=True)).to_have_count(0)
        expect(page).to_have_title("Map · Ofsted inspection outcomes in England")
        expect(page.get_by_text("Contains public sector information licensed under the")).to_be_visible()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
