"""Phones first: every page at 390x844 in Chromium. The heading is the first thing seen and nothing
covers it (the navigation starts collapsed), the main chart draws, the page never scrolls sideways,
tap targets are at least 24 px (axe), and a school is found by name with the keyboard alone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, wait_ready
from tests.browser.test_site import AXE, chart_colours, params

PHONE = {"width": 390, "height": 844}
# path -> (main heading, whether the page's main figure is a chart)
PAGES = {
    "": ("Ofsted inspection outcomes in England", True),
    "provider-types": ("Outcomes by provider type", True),
    "local-authority": ("Local authority profile", True),
    "school?urn=101192": ("Manor Junior School", False),
    "map": ("Map of inspection outcomes", True),
    "data": ("Download data", False),
    "methodology": ("Methodology and about", False),
}


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()

    def go(path: str):
        page.goto(f"{server}/{path}")
        wait_ready(page)
        return page
    yield go
    context.close()


def sideways_overflow(page) -> dict:
    """How far the page, or Streamlit's own scrolling main area, is wider than the screen."""
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        return {page: document.documentElement.scrollWidth - window.innerWidth,
                main: main ? main.scrollWidth - main.clientWidth : 0};
    }""")


@pytest.mark.parametrize("path", list(PAGES))
def test_phone_sees_the_heading_first_and_the_page_fits(phone, path):
    heading, has_chart = PAGES[path]
    page = phone(path)
    h1 = page.locator("h1").first
    expect(h1).to_have_text(heading)
    box = h1.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], "the heading is on the first screen"
    covered = page.evaluate("""() => {
        const h = document.querySelector('h1'), r = h.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return !(hit && (h === hit || h.contains(hit)));
    }""")
    assert not covered, "something (the navigation sidebar?) covers the heading"
    sidebar = page.locator("[data-testid=stSidebar]")
    if sidebar.count():
        sb = sidebar.bounding_box()
        assert sb is None or sb["x"] + sb["width"] <= 0 or sidebar.get_attribute("aria-expanded") == "false", \
            "the navigation starts collapsed on a phone"
    if has_chart:
        chart = page.locator("[data-testid=stVegaLiteChart]").first
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert chart_colours(chart) >= 2, "the main chart drew no coloured marks"
        assert chart.bounding_box()["width"] <= PHONE["width"], "the chart fits the screen"
    overflow = sideways_overflow(page)
    assert overflow["page"] <= 0 and overflow["main"] <= 0, f"the page scrolls sideways by {overflow}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{(path or 'overview').split('?')[0]}-phone.png"))


@pytest.mark.parametrize("path", ["", "provider-types", "local-authority", "school?urn=101192", "map"])
def test_phone_tap_targets_are_at_least_24px(phone, path):
    page = phone(path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'rule', values: ['target-size']}});
        return r.violations.map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
    }""")
    assert not violations, "\n".join(violations)


def test_find_a_school_with_the_keyboard(phone):
    page = phone("school")
    search = page.get_by_role("textbox", name="Find a school by name or URN")
    search.focus()
    page.keyboard.type("Holy Trinity")
    page.keyboard.press("Enter")
    matches = page.get_by_role("combobox", name=re.compile(r"matching schools"))
    expect(matches).to_be_visible(timeout=30_000)
    wait_ready(page)
    matches.focus()
    page.keyboard.type("Bacup")
    page.keyboard.press("Enter")
    expect(page.locator("h1").first).to_have_text("Bacup Holy Trinity Stacksteads Church of England Primary School", timeout=30_000)
    wait_ready(page)
    assert params(page)["urn"] == "119414"
    expect(page.get_by_text("Phase: Primary · Lancashire").first).to_be_visible()
    expect(page.get_by_role("link", name="Read Ofsted's reports for this school")).to_have_attribute(
        "href", "https://reports.ofsted.gov.uk/provider/21/119414")
