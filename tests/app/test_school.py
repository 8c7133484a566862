"""Find a school by name or URN, and its page (AppTest over the real build)."""
from __future__ import annotations

import pytest
from outcomes.store.store import Store
from outcomes.results import schools
from tests.app.test_pages import run, text_of

pytestmark = pytest.mark.realdata


def test_searching_holy_trinity_lists_matches_with_their_la_and_phase(built_data):
    at = run("school")
    at.text_input(key="school_search").input("Holy Trinity").run()
    matches = at.selectbox(key="school_search_pick")
    assert matches.label.startswith("50 matching schools"), "a common name is capped at 50 matches, and says so"
    assert all("Holy Trinity" in m for m in matches.options)
    bacup = next(m for m in matches.options if m.startswith("Bacup Holy Trinity"))
    assert bacup.endswith("· Primary · Lancashire (URN 119414)"), "each match shows its phase and LA"


def test_picking_a_match_opens_its_page(built_data):
    at = run("school")
    at.text_input(key="school_search").input("aldgate").run()  # any case
    at.selectbox(key="school_search_pick").set_value("100000").run()
    assert not at.exception
    assert at.query_params["urn"] in ("100000", ["100000"])
    assert [t.value for t in at.title] == ["The Aldgate School"]


def test_a_school_with_no_overall_grade_shows_its_key_judgements_and_why(built_data):
    at = run("school", urn="101192")  # Manor Junior School, Barking and Dagenham: graded in November 2024
    text = text_of(at)
    assert "**no overall effectiveness grade**" in text
    assert "From September 2024 graded inspections give no overall effectiveness grade" in text
    assert "overall effectiveness **outstanding**" not in text and "overall effectiveness **good** (inspection starting 12" not in text
    assert "- Quality of education: **Good**\n- Behaviour and attitudes: **Outstanding**" in text
    assert "Previous graded inspection: overall effectiveness **good** (inspection starting 14 May 2014" in text
    assert any(b.proto.url == "https://reports.ofsted.gov.uk/provider/21/101192" for b in at.get("link_button"))
    assert list(at.table[0].value.index) == ["Barking and Dagenham", "London", "England"]


def test_a_graded_school_shows_its_grade_and_latest_ungraded_inspection(built_data):
    text = text_of(run("school", urn="100009"))  # West Hampstead Primary School, Camden
    assert "overall effectiveness **good** (inspection starting 10 July 2012" in text
    assert "Latest ungraded inspection: **Standards maintained" in text


@pytest.mark.parametrize("urn, says", [("abc", "which is not a URN"), ("999999", "No state-funded school has the URN"),
                                       ("1" * 40, "which is not a URN")])
def test_a_bad_or_unknown_urn_gets_a_message_and_the_search(built_data, urn, says):
    at = run("school", urn=urn)
    assert not at.exception
    assert says in at.warning[0].value
    assert [t.value for t in at.title] == ["Find a school"]
    assert at.text_input(key="school_search")


def test_children_homes_are_never_found(built_data):
    """Ofsted withholds children's homes' names and addresses: the search covers schools only."""
    store = Store()
    homes = store.query("provider_rows", release_id=store.latest("social_care_provider").id, subtype="Children's home", la=None)
    assert len(homes) > 1000
    assert schools.find_schools(store, "REDACTED").empty
    for urn in homes["urn"].head(20):
        assert schools.find_schools(store, urn).empty
        assert schools.school_page(store, urn) is None


def test_search_text_is_a_plain_substring_and_short_text_finds_nothing(built_data):
    store = Store()
    assert schools.find_schools(store, "%").empty and schools.find_schools(store, "_%_").empty  # not wildcards
    assert schools.find_schools(store, "ho").empty, "two letters would match thousands: at least 3, or a URN"
    assert list(schools.find_schools(store, "  the   aldgate  ")["urn"]) == ["100000"]  # spaces tidied
