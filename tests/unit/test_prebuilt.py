"""Page results made at build time (outcomes.prebuilt): one file per set of releases the public
will see, read by the site for that set only, never holding a release before its time (issue 9)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import pytest

from outcomes.publish import prebuilt
from outcomes.domain.releases import load_catalogue, visible
from outcomes.store.store import Store
from outcomes.web import cache, public
from outcomes.results import la_profile as profiles
from outcomes.results import overview

pytestmark = pytest.mark.realdata

LAS = ["E08000035", "E10000023"]  # Leeds, and North Yorkshire's former code (leads to its successor)


def _embargoed_catalogue():
    """The real catalogue with its newest schools release moved a day ahead of now."""
    cat = load_catalogue()
    newest = max((r for r in cat if r.provider_type == "state_funded_school"), key=lambda r: r.as_at)
    now = max(r.published for r in cat) + dt.timedelta(days=1)
    embargoed = dataclasses.replace(newest, published=now + dt.timedelta(days=1))
    return [embargoed if r.id == newest.id else r for r in cat], now, embargoed


@pytest.fixture(scope="module")
def made(built_data):
    cat, now, embargoed = _embargoed_catalogue()
    paths = prebuilt.build(built_data, now=now, catalogue=cat, las=LAS)
    return cat, now, embargoed, paths


def test_one_file_for_now_and_one_for_each_coming_publication(made, built_data):
    cat, now, embargoed, paths = made
    (_, key_now), (when, key_then) = prebuilt.states(cat, now)
    assert when == embargoed.published and len(paths) == 2
    assert f"{embargoed.id}@" not in key_now and f"{embargoed.id}@" in key_then
    # The set's key is the one the site caches under (outcomes.cache.published_key).
    assert key_now == prebuilt.published_key(visible(cat, now))


def test_the_site_reads_what_a_page_would_compute(made, built_data):
    cat, now, _, _ = made
    items = prebuilt.load(built_data, prebuilt.published_key(visible(cat, now)))
    store = Store(built_data, now, cat)
    made_leeds = pickle.loads(items[("la_profile", "E08000035")])
    leeds = profiles.la_profile(store, "E08000035")
    assert made_leeds.name == leeds.name == "Leeds"
    assert made_leeds.summary == leeds.summary and made_leeds.changes == leeds.changes
    assert _charts(made_leeds) == _charts(leeds) and any(_charts(leeds))
    # A former authority's page (a new code for the same area) leads to its successor, as on the site.
    assert pickle.loads(items[("la_profile", "E10000023")]).successors == profiles.la_profile(store, "E10000023").successors
    made_overview = pickle.loads(items[("overview",)])
    assert [(h.label, h.share, h.providers) for h in made_overview.headlines] == \
        [(h.label, h.share, h.providers) for h in overview.overview(store).headlines]
    leeds_table = [k for k in items if k[0] == "export_frames" and k[-1] == "E08000035"]
    assert leeds_table, "the table beside each chart of the profile is made too"


def _charts(profile) -> list:
    return [getattr(chart, "spec", None) for b in profile.blocks for chart in (b.comparison, b.trend)]


def test_nothing_made_for_now_holds_the_embargoed_release(made, built_data):
    cat, now, embargoed, _ = made
    items = prebuilt.load(built_data, prebuilt.published_key(visible(cat, now)))
    assert items and all(embargoed.id.encode() not in blob for blob in items.values())
    later = prebuilt.load(built_data, prebuilt.published_key(visible(cat, embargoed.published)))
    assert any(embargoed.id.encode() in blob for blob in later.values())


def test_a_file_made_by_other_code_or_for_another_set_is_not_read(made, built_data, monkeypatch):
    cat, now, _, _ = made
    key = prebuilt.published_key(visible(cat, now))
    assert prebuilt.load(built_data, key)
    assert prebuilt.load(built_data, key + ",another-release@v1") == {}
    monkeypatch.setattr(prebuilt, "code_stamp", lambda: "0" * 16)
    assert prebuilt.load(built_data, key) == {}


def test_the_site_shows_the_result_made_at_build(built_data, monkeypatch):
    """The LA profile page reads its set's file: a result marked at build is what a reader sees."""
    from tests.app.test_pages import run

    store = Store(built_data)
    marked = dataclasses.replace(profiles.la_profile(store, "E08000035"), name="Leeds, as made at build")
    key = prebuilt.published_key(visible(load_catalogue()))
    monkeypatch.setattr(prebuilt, "load", lambda data_dir, published: {("la_profile", "E08000035"): pickle.dumps(marked)}
                        if published == key else {})
    public._prebuilt.clear()
    cache._result.clear()
    try:
        at = run("la_profile", la="E08000035")
        assert [h.value for h in at.header][0] == "Leeds, as made at build"
    finally:
        public._prebuilt.clear()
        cache._result.clear()
