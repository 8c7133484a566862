"""The HTML edition in Chromium: with JavaScript off every kind of page shows its heading, figures
and tables, axe finds no violation, and each page and its interactive view link to each other."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, wait_ready
from tests.browser.test_site import AXE

LEEDS = "E08000035"
PAGES = {f"/areas/{LEEDS}": "Leeds", "/browse": "Ofsted inspection outcomes in England", "/areas": "Local authorities",
         "/releases": "Releases and calendar", "/types/social_care_provider": "Children's social care providers",
         "/types/state_funded_school": "State-funded schools", "/guidance/methodology": "Methodology and about",
         "/api/v1/docs": "The API: Ofsted inspection outcomes in England", "/areas/E99999999": "Page not found"}


def assert_axe_finds_nothing(page) -> None:
    """Every WCAG 2.2 AA violation axe finds on the page, whatever its impact."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
        return r.violations.map(v => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
    }""")
    assert not violations, "\n".join(violations)


@pytest.fixture
def no_script(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1366, "height": 1200})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_with_javascript_off_the_page_reads_and_axe_finds_nothing(no_script, page, server, path):
    no_script.goto(server + path)
    expect(no_script.locator("h1")).to_have_text(PAGES[path])
    if path.startswith(("/areas/E08", "/types/")):
        assert no_script.locator("table.govuk-table").count() >= 2
        assert no_script.locator("figure svg[role=img]").count() >= 1, "charts are drawn on the server"
        box = no_script.locator("figure svg").first.bounding_box()
        assert box["width"] > 300 and box["height"] > 100
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    no_script.screenshot(path=str(ARTIFACTS / f"edition{path.replace('/', '-')}.png"))
    # axe needs script; the page has none of its own, so it is the same page with it on.
    page.goto(server + path)
    assert_axe_finds_nothing(page)


def test_an_edition_page_and_its_interactive_view_link_to_each_other(page, server):
    page.goto(f"{server}/areas/{LEEDS}")
    page.get_by_role("link", name="Open the interactive version of this page").click()
    wait_ready(page)
    expect(page.get_by_role("heading", name="Leeds", exact=True)).to_be_visible()
    back = page.get_by_role("link", name="This page as plain HTML")
    assert back.get_attribute("href") == f"/areas/{LEEDS}"


def test_with_javascript_off_an_interactive_page_says_what_it_is_and_leads_to_its_plain_page(no_script, page, server):
    """Streamlit's shell reads "You need to enable JavaScript" and nothing else; ours names the page,
    gives its headline figure and links to the page that works without JavaScript."""
    no_script.goto(f"{server}/local-authority?la={LEEDS}")
    expect(no_script).to_have_title("Leeds: Ofsted inspection outcomes · Ofsted inspection outcomes in England")
    expect(no_script.locator("h1")).to_have_text("Leeds: Ofsted inspection outcomes")
    no_script.get_by_role("link", name="The same page without JavaScript").click()
    expect(no_script).to_have_url(f"{server}/areas/{LEEDS}")
    expect(no_script.locator("h1")).to_have_text("Leeds")
    # axe needs script: the shell as a reader without JavaScript has it, checked with script on.
    no_script.go_back()
    shown = no_script.content().replace("<noscript>", "").replace("</noscript>", "")
    page.set_content(re.sub(r"<script\b.*?</script>", "", shown, flags=re.S))
    assert_axe_finds_nothing(page)
    # With script on the shell is the interactive page, titled by Streamlit as it runs.
    page.goto(f"{server}/local-authority?la={LEEDS}")
    wait_ready(page)
    expect(page.get_by_role("heading", name="Leeds", exact=True)).to_be_visible()
    expect(page).to_have_title("Local authority profile · Ofsted inspection outcomes in England")


@pytest.mark.parametrize("path", [*PAGES, f"/local-authority?la={LEEDS}", "/no-such-page"])
def test_on_a_phone_with_javascript_off_every_page_fits_its_width(browser, server, path):
    """390 px wide: a wide table scrolls in its own box; the page itself never scrolls sideways."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        phone = context.new_page()
        phone.goto(server + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, f"{path} is wider than the phone"
    finally:
        context.close()
