"""The real app in Chromium: every page loads and shows its figure, the URL is the state,
downloads arrive, the map draws, no third-party requests, axe finds nothing serious."""
from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from PIL import Image
from playwright.sync_api import expect

from outcomes import settings
from outcomes.results import tidy
from outcomes.render import csvfiles

from tests.browser.conftest import ARTIFACTS, wait_ready

PAGES = {
    "": "Ofsted inspection outcomes in England",  # the overview is the default page, served at /
    "provider-types": "Outcomes by provider type",
    "local-authority": "Local authority profile",
    "map": "Map of inspection outcomes",
    "data": "Download data",
    "methodology": "Methodology and about",
    "release": "About a release",
    "calendar": "Release calendar",
}
AXE = settings.PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def params(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def chart_colours(element) -> int:
    """Distinct saturated colours in a screenshot of an element. An empty chart draws only white,
    black and greys (axes, gridlines, text), so it scores 0."""
    img = Image.open(io.BytesIO(element.screenshot())).convert("RGB").quantize(colors=64).convert("RGB")
    counts = img.getcolors(maxcolors=4096) or []
    total = sum(n for n, _ in counts)
    return sum(1 for n, (r, g, b) in counts if n > total * 0.0005 and max(r, g, b) - min(r, g, b) > 40)


@pytest.mark.parametrize("path", list(PAGES))
def test_page_loads_with_its_figure_and_no_third_party_requests(page, server, path):
    hosts = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).netloc) if r.url.startswith("http") else None)
    page.goto(f"{server}/{path}")
    wait_ready(page)
    expect(page.locator("h1").first).to_have_text(PAGES[path])
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.evaluate("document.documentElement.lang") == "en"
    nav_title = page.locator("[data-testid=stSidebarNav] a[aria-current=page]").inner_text().strip()
    assert page.title().startswith(nav_title + " · "), f"each page has its own title, not {page.title()!r}"
    if path in ("", "provider-types", "local-authority", "map"):
        chart = page.locator("[data-testid=stVegaLiteChart]").first
        expect(chart).to_be_visible()
        assert chart_colours(chart) >= 2, "the main chart drew no coloured marks"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert page.get_by_text("Page not found").count() == 0
    name = path or "overview"
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"))
    page.set_viewport_size({"width": 390, "height": 2400})
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / f"{name}-mobile.png"))
    assert hosts <= {urlparse(server).netloc}, f"requests to other hosts: {hosts - {urlparse(server).netloc}}"


@pytest.mark.parametrize("path", list(PAGES))
def test_axe_finds_no_serious_violations(open_page, path):
    page = open_page(path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                 .map(v => `${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
    }""")
    assert not violations, "\n".join(violations)


def test_filter_change_updates_url_and_content(open_page):
    page = open_page("provider-types?type=social_care_provider")
    combo = page.get_by_role("combobox", name="As at", exact=True)
    combo.click()
    page.get_by_role("option", name=re.compile("^31 March 2019")).click()
    expect(page.get_by_text("as at 31 March 2019").first).to_be_visible()
    wait_ready(page)
    assert params(page)["as_at"] == "2019-03-31"
    assert params(page)["type"] == "social_care_provider"


def test_deep_link_restores_the_view(open_page):
    page = open_page("provider-types?type=social_care_provider&as_at=2019-03-31&subtype=Children%27s+home")
    expect(page.get_by_role("combobox", name="Provider type", exact=True)).to_have_value("Children's social care providers")
    expect(page.get_by_role("combobox", name="As at", exact=True)).to_have_value("31 March 2019")
    expect(page.get_by_role("combobox", name="Subtype", exact=True)).to_have_value(re.compile("^Children's home"))
    expect(page.get_by_text("as at 31 March 2019").first).to_be_visible()


def test_download_is_the_table_on_screen(open_page, tmp_path):
    from outcomes.store.store import Store

    page = open_page("data?type=social_care_provider&as_at=2024-03-31&level=local_authority&subtype=Children%27s+home")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this table (CSV)").click()
    raw = open(info.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV starts with a BOM so Excel reads it as UTF-8"
    store = Store()
    release = store.release("social-care-providers-2024-03-31")
    expected, _ = tidy.export_frames(store, release, "local_authority", "Children's home")
    assert raw.decode("utf-8-sig") == csvfiles.to_csv_text(expected)
    assert "Leeds" in raw.decode("utf-8-sig")


def test_a_trend_keeps_its_plot_height(open_page):
    """A trend's plot is 360 px tall, with its title, axes and legend added around it. Sized to
    'fit' its box instead, the plot was squeezed to about 20 px: flat lines, one tick on the axis."""
    page = open_page("local-authority?la=E08000025")
    # Vega describes each axis for screen readers: a trend's x axis is a time scale.
    trend = page.locator("[data-testid=stVegaLiteChart]:has([aria-label*='time scale'])").first
    expect(trend).to_be_visible()
    height = trend.bounding_box()["height"]
    assert height > 450, f"the trend chart is {height:.0f} px tall in all: its plot is squeezed"


def test_map_draws_filled_shapes_and_a_click_target(open_page):
    page = open_page("map?type=la_childrens_services&measure=judgement")
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    expect(chart).to_be_visible()
    assert chart_colours(chart) >= 4, "the map shows its four grade colours"
    select = page.get_by_role("combobox", name="Local authority", exact=True)
    select.click()
    page.keyboard.type("Leeds")
    page.keyboard.press("Enter")
    wait_ready(page)
    assert params(page)["la"] == "E08000035"
    expect(page.get_by_role("link", name="Open the Leeds profile")).to_be_visible()


def test_keyboard_only_journey(open_page):
    """Reach an LA profile, change provider type, download a table: keyboard only, focus visible."""
    page = open_page("local-authority")
    combo = page.get_by_role("combobox", name="Local authority (type to search)", exact=True)
    box = combo.locator("xpath=../..")
    resting = box.screenshot()
    for _ in range(40):
        page.keyboard.press("Tab")
        if combo.evaluate("el => el === document.activeElement"):
            break
    assert combo.evaluate("el => el === document.activeElement"), "the LA select is reachable by Tab"
    page.wait_for_timeout(300)
    assert box.screenshot() != resting, "focus is visible: the focused select is drawn differently"
    page.keyboard.type("Wakefield")
    page.keyboard.press("Enter")
    wait_ready(page)
    assert params(page)["la"] == "E08000036"
    expect(page.locator("h2", has_text="Wakefield").first).to_be_visible()
    button = page.get_by_role("button", name="Download this table (CSV)").first
    button.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith(".csv")
    page.goto(page.url.split("/local-authority")[0] + "/provider-types")
    wait_ready(page)
    page.get_by_role("combobox", name="Provider type", exact=True).focus()
    page.keyboard.type("Area SEND")
    page.keyboard.press("Enter")
    wait_ready(page)
    assert params(page)["type"] == "area_send"


# page -> (start address, select, option to choose (or text to type), URL param and value, text that then shows)
FILTER_CHANGES = {
    "provider-types": ("provider-types?type=social_care_provider", "As at", "31 March 2019", ("as_at", "2019-03-31"), "as at 31 March 2019"),
    "local-authority": ("local-authority?la=E08000035", "Local authority (type to search)", "Wakefield", ("la", "E08000036"), "Wakefield"),
    "map": ("map?type=la_childrens_services", "Measure", "Number of providers", ("measure", "providers"), "Number of local authority children's services by area"),
    "data": ("data?type=la_childrens_services", "Geographic level", "Regional", ("level", "regional"), "9 rows"),
}
# page -> (deep link, select, the value it must show, text that must show)
DEEP_LINKS = {
    "provider-types": ("provider-types?type=area_send", "Provider type", "Area SEND (local area partnerships)", "local areas inspected under the 2023 framework"),
    "local-authority": ("local-authority?la=E06000058", "Local authority (type to search)", "Bournemouth, Christchurch and Poole", "Bournemouth, Christchurch and Poole"),
    "map": ("map?type=social_care_provider&measure=providers&level=regional", "Areas", "Regions", "Number of children's social care providers by area"),
    "data": ("data?type=further_education&level=national", "Geographic level", "National", "8 rows,"),  # the Total and each of the 7 provider groups (EES: every filter combination)
}


@pytest.mark.parametrize("path", list(FILTER_CHANGES))
def test_a_filter_change_updates_the_url_and_the_content(open_page, path):
    start, label, option, (param, value), shows = FILTER_CHANGES[path]
    page = open_page(start)
    combo = page.get_by_role("combobox", name=label, exact=True)
    combo.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=re.compile("^" + re.escape(option))).first.click()
    expect(page.get_by_text(shows).first).to_be_visible(timeout=30_000)
    wait_ready(page)
    assert params(page)[param] == value


@pytest.mark.parametrize("path", list(DEEP_LINKS))
def test_a_deep_link_restores_the_view(open_page, path):
    link, label, value, shows = DEEP_LINKS[path]
    page = open_page(link)
    expect(page.get_by_role("combobox", name=label, exact=True)).to_have_value(value)
    expect(page.get_by_text(shows).first).to_be_visible()


@pytest.mark.parametrize("path", ["provider-types", "local-authority", "map", "data"])
def test_every_table_page_downloads_a_tidy_csv(open_page, path):
    page = open_page(path)
    button = page.locator("button:visible", has_text="Download this table (CSV)").first
    with page.expect_download() as info:
        button.click()
    text = open(info.value.path(), "rb").read().decode("utf-8-sig")
    header, *rows = text.strip().split("\n")
    assert header.startswith("time_period,time_identifier,geographic_level,country_code,country_name")
    assert rows, "the CSV has data rows"


@pytest.mark.parametrize("path", list(PAGES))
def test_headings_are_in_order_and_charts_are_described(open_page, path):
    page = open_page(path)
    levels = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid=stMain] h1, [data-testid=stMain] h2, [data-testid=stMain] h3, [data-testid=stMain] h4')]
        .filter(h => h.offsetParent !== null).map(h => +h.tagName[1])""")
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"a heading level is skipped: {levels}"
    visible_labels = "els => els.filter(e => e.offsetParent !== null).map(e => e.getAttribute('aria-label') || '')"
    for label in page.locator("[data-testid=stVegaLiteChart]").evaluate_all(visible_labels):
        assert len(label) > 30, "every chart has a one-sentence accessible description"
