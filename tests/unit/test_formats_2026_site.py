"""A tiny site built from files in Ofsted's 2026 formats (two monthly schools files, one of them before
report cards, and an early years file): what the build keeps, and what every page's result shows.

Each era of a school's inspections stays itself: a report card's areas are judgements on their own
scale, its graded inspection is kept as the one before, and no series pools them into "good or
outstanding". Early years is a provider type like the others: shares by LA and region, childminders
counted but never named, small counts under the disclosure rule.
"""
from __future__ import annotations

import pandas as pd
import pytest

from outcomes import settings
from outcomes.build.pipeline import build_all
from outcomes.domain import disclosure, report_cards
from outcomes.domain.fields import TYPES, Level
from outcomes.publish import prebuilt
from outcomes.results import release as release_results
from outcomes.results import la_profile, leading, map_view, overview, provider_types, schools, tidy
from outcomes.store.store import Store
from tests.unit import formats_2026_files as files


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The tiny site, built once (and its map boundaries, from the real boundary files when held)."""
    root = tmp_path_factory.mktemp("formats")
    with pytest.MonkeyPatch.context() as mp:
        env = files.write_site(root)
        for k, v in env.items():
            mp.setenv(k, v)
        results = {r.release.id: r for r in build_all(source_dir=root / "source", data_dir=root / "data")}
        boundaries = settings.PROJECT_ROOT.parent / "shared" / "data" / "raw"
        if (boundaries / "ofsted_eyda_boundaries").exists():
            from geo.build import build as build_geo  # boundaries only for the map's test, when the real files are held
            build_geo(boundaries, root / "geo")
        yield results, Store(data_dir=root / "data")


def test_every_release_builds_and_passes_its_checks(site):
    results, store = site
    assert all(r.ok for r in results.values()), {k: [f.line() for f in r.findings if f.severity == "hard"] for k, r in results.items()}
    assert [r.id for r in store.releases] == [files.EY_RELEASE, files.EARLIER_RELEASE, files.MI_RELEASE]


def test_no_flow_is_made_from_a_file_without_publication_dates(site):
    results, store = site
    assert results[files.MI_RELEASE].in_year is None and store.in_year(files.MI_RELEASE) is None


def test_three_eras_of_one_school_row_are_each_kept(site):
    results, _ = site
    built = results[files.MI_RELEASE]
    p = built.providers.set_index("urn")
    assert p.loc["131250", ["framework", "overall_grade", "previous_overall_grade"]].tolist() == \
        ["report_cards_2025", "no_overall_grade", "good"]
    assert p.loc["136474", ["framework", "overall_grade"]].tolist() == ["eif_no_overall", "no_overall_grade"]
    assert p.loc["115735", ["framework", "overall_grade"]].tolist() == ["eif", "good"]
    assert p.loc["115586", "ungraded_outcome"] == "not_as_strong"
    j = built.judgements
    cards, eif = j[j["judgement"].map(report_cards.is_report_card)], j[~j["judgement"].map(report_cards.is_report_card)]
    assert set(cards["grade"]) <= set(report_cards.SCALE) | {"met", "not_met"}, "report card areas on their own scale only"
    assert not set(eif["grade"]) & set(report_cards.SCALE), "and never an EIF judgement on it"
    assert set(j[j["urn"] == "131250"]["judgement"]) >= {"quality_of_education", "rc_inclusion", "rc_safeguarding"}


def test_report_cards_count_as_no_overall_grade_never_as_good_or_outstanding(site):
    _, store = site
    nat = tidy.grade_table(store, store.release(files.MI_RELEASE), Level.NATIONAL).iloc[0]
    # 9 schools: 5 report cards and 2 graded without an overall grade; Andoversford good; one not yet inspected.
    assert (nat["providers"], nat["no_overall_grade"], nat["graded"], nat["good"], nat["not_yet_graded"]) == (9, 7, 1, 1, 1)
    assert nat["pct_good_or_outstanding"] == 100.0, "the share is of the one school still holding an old grade"


def test_a_schools_release_with_report_cards_leads_with_their_measures(site):
    _, store = site
    lead = leading.leading_figures(store, store.release(files.MI_RELEASE))
    assert [f.label for f in lead][0] == "Report card inspections" and lead[0].value == pytest.approx(55.6)
    areas = next(f for f in lead if "expected standard or better" in f.label)
    # Inclusion: Hesters Way strong, Bourton and Winchcombe expected, the invented Kent school needs
    # attention, the other exceptional: 4 of 5 at the expected standard or better.
    assert areas.value == pytest.approx(80.0) and "curriculum and teaching 80%" in areas.words
    assert next(f for f in lead if f.label.startswith("Safeguarding")).value == pytest.approx(80.0)
    table = leading.report_card_table(store, store.release(files.MI_RELEASE))
    assert table.at["rc_inclusion", "report_cards"] == 5 and table.at["rc_post_16", "report_cards"] == 1
    assert list(table.index)[-1] == report_cards.SAFEGUARDING and table.at["rc_safeguarding", "not_met"] == 1
    assert "never counted as good or outstanding" in leading.lead_note(store.release(files.MI_RELEASE))


def test_early_years_leads_with_report_cards_once_overall_grades_ended(site):
    _, store = site
    lead = leading.leading_figures(store, store.release(files.EY_RELEASE))
    assert [f.label for f in lead] == ["Report card inspections", "Inclusion at the expected standard or better (report cards)",
                                       "Safeguarding standards met (report cards)"]
    assert lead[0].value == pytest.approx(100 * 3 / 11, abs=0.05)
    assert leading.lead_note(store.release(files.EY_RELEASE)).startswith("Inspections from November 2025")


def test_early_years_shares_by_la_and_region_follow_the_disclosure_rule(site):
    _, store = site
    release = store.release(files.EY_RELEASE)
    minders = tidy.grade_table(store, release, Level.LOCAL_AUTHORITY, "Childminder").set_index("la_name")
    assert minders.loc["Kent", "pct_good_or_outstanding"] == pytest.approx(66.7)
    assert minders.loc["Gloucestershire", "graded"] == 2 and pd.isna(minders.loc["Gloucestershire", "pct_good_or_outstanding"])
    published, _ = tidy.export_frames(store, release, Level.LOCAL_AUTHORITY, "Childminder")
    assert published.set_index("la_name").loc["Gloucestershire", "pct_good_or_outstanding"] == disclosure.SUPPRESSED
    regional = tidy.grade_table(store, release, Level.REGIONAL, "Childminder").set_index("region_name")
    assert regional.loc["South West", "pct_good_or_outstanding"] == pytest.approx(50.0)
    assert tidy.grade_table(store, release, Level.NATIONAL).iloc[0]["registered_places"] == 84 + 52 + 22 + 26 + 6 + 6 + 5 + 9 + 6 + 6 + 12


def test_no_childminder_is_named_or_located_in_any_file(site):
    _, store = site
    release = store.release(files.EY_RELEASE)
    data, _ = tidy.export_frames(store, release, Level.PROVIDER)
    unnamed = data[data["provider_subtype"].isin(TYPES["early_years"].unnamed_subtypes)]
    assert len(unnamed) == 7 and set(unnamed["institution_name"]) == {"REDACTED"}
    assert not [c for c in data.columns if any(w in c for w in ("address", "postcode", "town", "constituency"))]
    assert "A Consenting Childminder" not in data.to_csv()


def test_every_page_result_works_for_the_new_type_and_the_report_card_release(site):
    _, store = site
    heads = {h.provider_type: h for h in overview.overview(store).headlines}
    assert set(heads) == {"early_years", "state_funded_school"}
    assert heads["early_years"].lead and heads["early_years"].share is None, "no headline share of old grades"
    for rid in (files.EY_RELEASE, files.MI_RELEASE):
        release = store.release(rid)
        for subtype in [None] + [s for s, _ in store.subtypes(rid)]:
            view = provider_types.provider_type_view(store, release, subtype)
            assert view.distribution.spec["layer"][0]["title"]["subtitle"], "the break is on the chart"
        for level in (Level.NATIONAL, Level.REGIONAL, Level.LOCAL_AUTHORITY, Level.PROVIDER):
            data, meta = tidy.export_frames(store, release, level)
            assert len(data) and len(meta)
    view = provider_types.provider_type_view(store, store.release(files.MI_RELEASE), None)
    assert "rc_inclusion" not in set(view.sub_judgements.index) and "Inclusion" not in set(view.sub_judgements.index)
    assert list(view.report_cards["Evaluation area"])[:2] == ["Inclusion", "Curriculum and teaching"]
    profile = la_profile.la_profile(store, "E10000013")  # Gloucestershire
    assert {b.provider_type for b in profile.blocks} == {"early_years", "state_funded_school"}
    sentence = next(s for s in profile.summary if "early years providers that still hold an overall effectiveness grade" in s)
    assert "; 2 inspected since then have no overall grade" in sentence, "the two report cards, not the childminder never inspected"


def test_every_result_made_ahead_and_every_release_page_works(site):
    """What `make data` makes ahead (overview, each type's page, tables, maps, LA profiles) and the release pages."""
    _, store = site
    if not (settings.geo_dir() / "la_current.geojson").exists():
        pytest.skip("boundary files not held")
    keys = [key for key, _ in prebuilt.page_results(store, {"la": "la.geojson", "region": "regions.geojson"},
                                                      las=["E10000013", "E10000016"])]
    assert ("provider_type_view", files.EY_RELEASE, "Childminder") in keys and ("la_profile", "E10000013") in keys
    assert any(k[0] == "map_view" and k[1] == files.EY_RELEASE for k in keys)
    for release in store.releases:
        assert release_results.release_page(store, release.id).findings


def test_a_trend_across_10_november_2025_marks_the_break(site):
    _, store = site
    view = provider_types.provider_type_view(store, store.release(files.MI_RELEASE), None)
    assert [b[0] for b in view.breaks] == ["Report cards"]
    breaks = view.trend.spec["datasets"]["breaks"]
    assert [b["label"] for b in breaks] == ["Report cards"] and breaks[0]["date"].startswith("2025-11-10")
    title = view.trend.spec["title"]["text"]  # in lines, to fit a phone
    assert "of the state-funded schools that still hold" in " ".join(title if isinstance(title, list) else [title])


def test_the_early_years_map_is_of_areas_only(site):
    _, store = site
    if not (settings.geo_dir() / "la_current.geojson").exists():
        pytest.skip("boundary files not held")
    view = map_view.map_view(store, store.release(files.EY_RELEASE), None, "pct_good_or_outstanding")
    assert sorted(view.values["name"]) == ["Gloucestershire", "Kent"]
    assert view.note.startswith("Counted as no overall grade: Early years report cards")
    minders = map_view.map_view(store, store.release(files.EY_RELEASE), "Childminder", "pct_good_or_outstanding")
    assert minders.values.set_index("name").loc["Gloucestershire", "value_label"].startswith("suppressed")


def test_a_report_card_school_page_shows_its_card_beside_its_older_eras(site):
    _, store = site
    page = schools.school_page(store, "131250")  # Hesters Way Primary School
    assert page.release.id == files.MI_RELEASE, "the newest of Ofsted's schools files"
    assert page.latest.startswith("Latest inspection: a **report card** (inspection starting 6 January 2026")
    assert list(page.report_card["Evaluation area"]) == ["Inclusion", "Curriculum and teaching", "Achievement",
                                                         "Attendance and behaviour", "Personal development and wellbeing",
                                                         "Early years (where applicable)", "Leadership and governance",
                                                         "Safeguarding standards"]
    assert list(page.report_card["Grade"])[:2] == ["Strong standard", "Expected standard"] and page.report_card["Grade"].iloc[-1] == "Met"
    assert page.previous.startswith("Latest graded inspection before its report card (Education inspection framework (EIF)): "
                                    "overall effectiveness **good** (inspection starting 3 November 2021)")
    assert list(page.key_judgements["Grade"]) == ["Good"] * 5
    assert "From 10 November 2025 an inspection gives a report card" in page.no_overall_grade
    assert "nor are report cards" in page.comparison_note
    balcarras = schools.school_page(store, "136474")
    assert balcarras.report_card is None and "**no overall effectiveness grade**" in balcarras.latest
