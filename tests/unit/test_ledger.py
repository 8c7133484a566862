"""The fidelity ledger (data/ledger.csv): every headline figure Ofsted published for data we hold,
reproduced from our build, or differing for the reason the ledger (and the methodology page) gives.

A row that matches must stay within its tolerance; a row that differs must still differ (when a fix
makes it match, the ledger says so); a row not computed must stay so (no change is computed between
years counted on different bases)."""
from __future__ import annotations

import pytest

from outcomes.results import ledger
from outcomes.store.store import Store

ENTRIES = ledger.load()


@pytest.fixture(scope="module")
def store(built_data):
    return Store(data_dir=built_data)


def test_the_ledger_covers_every_family_with_forty_figures_or_more():
    families = {e.release.split("-")[0] for e in ENTRIES}
    assert len(ENTRIES) >= 40 and {"social", "la", "area", "state"} <= families
    assert len({e.id for e in ENTRIES}) == len(ENTRIES), "ids are unique"
    assert all(e.url.startswith("https://www.gov.uk/") and e.quote for e in ENTRIES), "each figure is quoted from gov.uk"
    assert all(e.why for e in ENTRIES if e.status != "matches"), "every difference says why"


@pytest.mark.realdata
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_each_figure_is_reproduced_or_differs_for_its_stated_reason(store, entry):
    value = ledger.ours(store, entry)
    if entry.status == "matches":
        assert ledger.agrees(entry, value), f"ours {value} against Ofsted's {entry.ofsted} (tolerance {entry.tolerance})"
    elif entry.status == "differs":
        assert value is not None and not ledger.agrees(entry, value), \
            f"ours {value} now agrees with Ofsted's {entry.ofsted}: set the ledger row to 'matches'"
    else:
        assert value is None, f"ours is now computed ({value}): the ledger says it is not"


def test_counts_of_homes_and_places_match_or_say_inspected_only():
    """Issue 19's bar: every count of children's homes or places from 2015 is within 1% of
    Ofsted's, or differs for a stated reason of coverage or definition."""
    counts = [e for e in ENTRIES if e.release.startswith("social-care") and e.measure in ("providers", "registered_places")]
    assert counts
    for e in counts:
        assert e.status == "matches" and e.tolerance <= max(1, 0.01 * e.ofsted) or \
            ("inspected" in e.why or "short-break" in e.why), e.id
