"""One AppTest per page over the real build: each page runs without an exception and shows its
main figure; URL state round-trips; bad URL values give a message, not a traceback."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from outcomes import settings
from outcomes.domain.fields import TYPES
from outcomes.store.store import Store
from outcomes.results import tidy
from outcomes.render import people

pytestmark = pytest.mark.realdata

PAGES = ["overview", "provider_types", "la_profile", "school", "map", "data", "methodology", "release", "calendar"]


def run(page: str, **params) -> AppTest:
    # Run once first: pages registered by st.navigation with a url_path are only known after a run.
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "app.py"), default_timeout=90).run()
    at.switch_page(f"views/{page}.py")
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def text_of(at: AppTest) -> str:
    kinds = ("markdown", "caption", "title", "header", "subheader", "info", "warning")
    return "\n".join(str(e.value) for k in kinds for e in getattr(at, k))


def chart_titles(at: AppTest) -> list[str]:
    titles = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        for part in [spec] + spec.get("layer", []):  # a layered chart may carry its title on a layer
            t = part.get("title")
            t = t.get("text") if isinstance(t, dict) else t
            titles.append(" ".join(t) if isinstance(t, list) else t)  # long titles come as lines (charts.fit_narrow)
    return [t for t in titles if t]


@pytest.mark.parametrize("page", PAGES)
def test_page_runs(page, built_data):
    at = run(page)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"


def test_overview_headlines_are_the_releases_figures(built_data):
    at = run("overview")
    metrics = [(m.label, m.value) for m in at.metric]
    # Children's social care providers as at 31 March 2025: 5,600 rows less 4 in Welsh LAs.
    assert ("Providers", "5,596") in metrics
    assert ("Providers", "153") in metrics  # every LA has a children's services judgement
    assert any(t.endswith("children's homes were good or outstanding as at 31 March 2025") for t in chart_titles(at))


def test_la_profile_leeds_shows_its_ilacs_judgement(built_data, raw_ilacs_overview):
    at = run("la_profile", la="E08000035")
    text = text_of(at)
    assert f"Latest: **{raw_ilacs_overview['leeds']}** overall" in text  # as in the source file
    assert "In Leeds," in text and "of children's homes" in text


def test_la_profile_for_a_former_authority_leads_to_its_successors(built_data):
    at = run("la_profile", la="E10000006")
    assert "Cumbria no longer exists" in text_of(at)
    links = [p.proto.label for p in at.get("page_link")]
    assert "Go to Cumberland" in links and "Go to Westmorland and Furness" in links
    assert "Children's homes good or outstanding: Cumbria, region and England" in chart_titles(at), \
        "a split authority's own figures are shown on its page"


def test_a_code_change_opens_the_same_area(built_data):
    at = run("la_profile", la="E10000023")  # North Yorkshire's code before April 2023
    assert "North Yorkshire" in [h.value for h in at.header]
    trend = next(d.value for d in at.dataframe if "Level" in d.value and (d.value["Level"] == "Local authority").sum() > 1)
    dates = set(trend.loc[trend["Level"] == "Local authority", "As at"])
    assert {"31 March 2022", "31 March 2025"} <= dates, "the trend follows the area across its 2023 code change"


def test_unknown_url_value_gives_a_message_and_the_default(built_data):
    at = run("provider_types", type="not-a-type")
    assert not at.exception
    assert any("not-a-type" in w.value for w in at.warning)
    assert at.selectbox(key="url_type").value == "la_childrens_services"


def test_url_round_trip_on_provider_types(built_data):
    at = run("provider_types", type="social_care_provider", as_at="2019-03-31", subtype="Children's home")
    assert at.selectbox(key="url_as_at").value == "2019-03-31"
    assert at.selectbox(key="url_subtype").value == "Children's home"
    # Ofsted: "80% of active and inspected children's homes were judged good or outstanding" (March 2019).
    assert "80.4% of graded children's homes were good or outstanding" in chart_titles(at)
    at.selectbox(key="url_as_at").set_value("2024-03-31").run()
    assert at.query_params["as_at"] in (["2024-03-31"], "2024-03-31")
    assert "83.1% of graded children's homes were good or outstanding" in chart_titles(at)


def test_map_page_reads_its_state_from_the_url(built_data):
    at = run("map", type="la_childrens_services", measure="judgement", la="E08000035")
    assert not at.exception
    assert at.selectbox(key="url_la").value == "E08000035"
    assert any(t.startswith("Latest judgement of local authority children's services") for t in chart_titles(at))


def test_data_page_table_is_the_download(built_data):
    at = run("data", type="social_care_provider", as_at="2024-03-31", level="regional")
    shown = at.dataframe[0].value
    store = Store()
    expected, _ = tidy.export_frames(store, store.release("social-care-providers-2024-03-31"), "regional")
    # Every filter combination (EES): each of the 9 regions for the Total and for each subtype.
    assert len(shown) == len(expected) == 9 * expected["provider_subtype"].nunique()
    assert "Total" in set(expected["provider_subtype"])
    # On screen the same rows for people: names, not codes; shares with a % sign; symbols explained.
    laid_out = people.for_people(expected)
    assert list(shown.columns) == list(laid_out.columns) and "Region code" not in shown.columns
    share = shown["Good or outstanding (%)"]
    assert (share.str.endswith("%") | share.isin(list(people.SYMBOL_WORDS.values()))).all()
    assert share.str.endswith("%").sum() > len(share) / 2
    assert not shown.astype(str).isin(["None", "nan", "E92000001"]).any().any()


def test_nothing_shows_before_its_publication_time(built_data, monkeypatch):
    # Every release in the catalogue is published at 09:30 on 20 November 2026.
    monkeypatch.setenv("OUTCOMES_NOW", "2026-11-20T09:29:59")
    at = run("overview")
    assert not at.metric, "no figure is shown a second before 09:30"
    assert any("No published releases yet" in i.value for i in at.info)
    monkeypatch.setenv("OUTCOMES_NOW", "2026-11-20T09:30:00")
    at = run("overview")
    assert at.metric, "at 09:30 the releases appear, without a restart"


def test_release_page_shows_both_publication_dates_and_the_changes(built_data):
    at = run("release", id="social-care-providers-2025-03-31")
    text = text_of(at)
    assert "**Published by Ofsted:** 16 July 2025, 09:30" in text  # gov.uk: "Published 16 July 2025"
    assert "**Published on this site:** 20 November 2026, 09:30" in text
    assert "5,596 children's social care providers" in text
    assert "Since the previous release (as at 31 March 2024), children's social care providers:" in text
    assert "Supported accommodation added" in text  # the break between the two is labelled


def test_la_profile_lists_what_changed_since_the_last_release(built_data):
    text = text_of(run("la_profile", la="E08000035"))
    assert "Since the previous release (as at 31 March 2024), children's homes:" in text
    assert "Comparing its first ILACS inspection with its latest, this authority" in text


def test_tidy_tables_show_key_columns_and_all_columns_one_tap_away(built_data):
    at = run("la_profile", la="E08000035")
    first = next(d.value for d in at.dataframe if "Good or outstanding (%)" in d.value)
    assert list(first.columns) == ["Area", "Providers", "Graded providers", "Good or outstanding (%)", "Inadequate (%)"]
    at.toggle[0].set_value(True).run()
    first = next(d.value for d in at.dataframe if "Good or outstanding (%)" in d.value)
    assert {"Outstanding", "Good", "Requires improvement", "Inadequate"} <= set(first.columns)


def test_schools_show_the_years_inspections_beside_the_stock(built_data):
    """Issue 10: the flow (the year's graded inspections by key judgement) is labelled as such."""
    at = run("provider_types", type="state_funded_school")
    flow = next(d.value for d in at.dataframe if "Judgement" in d.value)
    assert list(flow["Judgement"])[:2] == ["Overall effectiveness", "Quality of education"]
    assert flow.loc[flow["Judgement"] == "Quality of education", "Good or outstanding"].iloc[0] == "83.1%"  # Ofsted: 83%
    assert flow.loc[flow["Judgement"] == "Overall effectiveness", "Good or outstanding"].iloc[0].startswith("z")
    text = text_of(at)
    assert "the flow, not each provider's latest inspection" in text and "standards maintained or improved" in text


def test_calendar_lists_the_published_releases_by_provider_type_newest_first(built_data):
    """The six-monthly LA releases, loaded on one day, stay together under their type, newest first."""
    at = run("calendar")
    releases = Store().releases
    held = {r.provider_type for r in releases}
    assert [s.value for s in at.subheader] == [t.label for code, t in TYPES.items() if code in held]
    titles = [e.proto.label.split(" (published here ")[0] for e in at.get("page_link")]
    la = sorted((r for r in releases if r.provider_type == "la_childrens_services"), key=lambda r: r.as_at, reverse=True)
    start = titles.index(la[0].title)
    assert titles[start:start + len(la)] == [r.title for r in la]
