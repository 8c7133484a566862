"""The pages over a tiny site in Ofsted's 2026 formats (AppTest): a report-card school's page, and the
early years provider type on every page that lists the types."""
from __future__ import annotations

import pytest

from outcomes import settings
from outcomes.build.pipeline import build_all
from tests.app.test_pages import run, text_of
from tests.unit import formats_2026_files as files


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats_pages")
    with pytest.MonkeyPatch.context() as mp:
        for k, v in files.write_site(root).items():
            mp.setenv(k, v)
        assert all(r.ok for r in build_all(source_dir=root / "source", data_dir=root / "data"))
        raw = settings.PROJECT_ROOT.parent / "shared" / "data" / "raw"
        if (raw / "ofsted_eyda_boundaries").exists():
            from geo.build import build as build_geo  # the map page needs boundaries: built from the real files when held
            build_geo(raw, root / "geo")
        yield root


def test_a_report_card_school_shows_its_report_card_beside_its_older_eras(site):
    at = run("school", urn="131250")  # Hesters Way Primary School (a real row: see tests/unit/formats_2026_files.py)
    assert not at.exception
    text = text_of(at)
    assert [s.value for s in at.subheader] == ["Report card", "Earlier inspections"]
    assert "Latest inspection: a **report card** (inspection starting 6 January 2026" in text
    assert "- Inclusion: **Strong standard**\n- Curriculum and teaching: **Expected standard**" in text
    assert "- Safeguarding standards: **Met**" in text
    assert "From 10 November 2025 an inspection gives a report card" in text
    card, older = text.index("- Inclusion: **Strong standard**"), text.index("Latest graded inspection before its report card")
    assert card < older < text.index("- Quality of education: **Good**"), "the graded inspection's judgements follow it, labelled"


@pytest.mark.parametrize("page", ["overview", "provider_types", "la_profile", "map", "data", "methodology", "release", "calendar"])
def test_every_page_runs_with_early_years_and_report_cards(site, page):
    params = {"provider_types": {"type": "early_years"}, "la_profile": {"la": "E10000013"}, "map": {"type": "early_years"},
              "release": {"id": files.EY_RELEASE}}.get(page, {})
    if page == "map" and not (settings.geo_dir() / "la_current.geojson").exists():
        pytest.skip("boundary files not held")
    at = run(page, **params)
    assert not at.exception, at.exception
    text = text_of(at)
    if page in ("overview", "provider_types", "la_profile"):
        assert "Early years providers" in text or "early years providers" in text
    if page == "provider_types":
        assert "Report cards" in text and "Inspections from November 2025 give no overall effectiveness grade" in text
