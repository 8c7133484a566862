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

from tests.browser.conftest import ARTIFACTS, wait_ready

PAGES = {
    "overview": "Ofsted inspection outcomes in England",
    "provider-types": "Outcomes by provider type",
    "local-authority": "Local authority profile",
    "map": "Map of inspection outcomes",
    "data": "Download data",
    "methodology": "Methodology and about",
}
AXE = settings.PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def params(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def chart_colours(element) -> int:
    """Distinct colours in a screenshot of an element (an empty chart has axes only: a few greys)."""
    img = Image.open(io.BytesIO(element.screenshot())).convert("RGB").quantize(colors=64).convert("RGB")
    counts = img.getcolors(maxcolors=4096) or []
    total = sum(n for n, _ in counts)
    return sum(1 for n, _ in counts if n > total * 0.002)


@pytest.mark.parametrize("path", list(PAGES))
def test_page_loads_with_its_figure_and_no_third_party_requests(page, server, path):
    hosts = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).netloc) if r.url.startswith("http") else None)
    page.goto(f"{server}/{path}")
    wait_ready(page)
    expect(page.locator("h1").first).to_have_text(PAGES[path])
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.evaluate("document.documentElement.lang") == "en"
    assert PAGES[path].split()[0].lower() in page.title().lower() or path == "overview"
    if path in ("overview", "provider-types", "local-authority", "map"):
        chart = page.locator("[data-testid=stVegaLiteChart]").first
        expect(chart).to_be_visible()
        assert chart_colours(chart) >= 4, "the main chart drew no coloured marks"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{path}-desktop.png"))
    page.set_viewport_size({"width": 390, "height": 2400})
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / f"{path}-mobile.png"))
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
    from outcomes import downloads
    from outcomes.store import Store

    page = open_page("data?type=social_care_provider&as_at=2024-03-31&level=local_authority&subtype=Children%27s+home")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this table (CSV)").click()
    raw = open(info.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV starts with a BOM so Excel reads it as UTF-8"
    store = Store()
    release = store.release("social-care-providers-2024-03-31")
    expected, _ = downloads.export_frames(store, release, "local_authority", "Children's home")
    assert raw.decode("utf-8-sig") == downloads.to_csv_text(expected)
    assert "Leeds" in raw.decode("utf-8-sig")


def test_map_draws_filled_shapes_and_a_click_target(open_page):
    page = open_page("map?type=la_childrens_services&measure=judgement")
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    expect(chart).to_be_visible()
    assert chart_colours(chart) >= 5, "the map should show four grade colours plus boundaries"
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
