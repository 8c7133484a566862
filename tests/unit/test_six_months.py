"""LA children's services every six months: releases as at 31 March and 30 September from 2014, each
with its cut-off; the trend uses every point; each release's flow (the inspections carried out in its six
months and published by its cut-off) is on its page, and the LA profile shows the authority at each point."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from outcomes import settings
from outcomes.domain.releases import load_catalogue
from outcomes.results import la_profile, release as release_pages, six_months, summaries
from outcomes.store.store import Store
from tests.app.test_pages import run

CATALOGUE = settings.PROJECT_ROOT / "data" / "releases.toml"
AUTUMN = [f"la-childrens-services-{y}-09-30" for y in range(2014, 2026)]


def test_an_autumn_release_every_year_from_2014_with_its_own_cut_off():
    releases = {r.id: r for r in load_catalogue(CATALOGUE)}
    for rid in AUTUMN:
        r = releases[rid]
        year = r.as_at.year
        assert (r.as_at, r.cutoff, r.reader) == (dt.date(year, 9, 30), dt.date(year, 10, 31), "la_childrens_services_2013")
        assert "published by 31 October" in r.cutoff_note and r.definition
        assert r.series == releases[f"la-childrens-services-{year}-03-31"].series, "one series with the March releases"


def _history(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["new_la_code", "la_name", "inspection_start_date", "publication_date",
                                       "inspection_type", "overall_grade"])


def test_an_inspection_is_in_the_period_it_started_in_and_an_undated_one_in_exactly_one():
    day = dt.date
    history = _history([
        ("E1", "A", day(2015, 4, 20), day(2015, 6, 1), "SIF", "good"),            # started in the autumn period
        ("E2", "B", day(2015, 9, 20), day(2015, 11, 20), "SIF", "inadequate"),    # started in it, published too late
        ("E3", "C", None, day(2015, 10, 15), "SIF", "good"),                      # no start date: by its publication
        ("E4", "D", None, day(2016, 5, 2), "SIF", "requires_improvement"),
    ])
    spring = six_months.Period(None, day(2015, 10, 1), day(2016, 3, 31), day(2016, 4, 30), day(2015, 10, 31))
    autumn = six_months.Period(None, day(2015, 4, 1), day(2015, 9, 30), day(2015, 10, 31), day(2015, 6, 30))
    assert list(six_months.in_period(history, autumn)["la_name"]) == ["A", "C"]
    assert list(six_months.in_period(history, spring)["la_name"]) == [], "B's report came after the cut-off"
    summer = six_months.Period(None, day(2016, 4, 1), day(2016, 9, 30), day(2016, 10, 31), day(2016, 4, 30))
    assert list(six_months.in_period(history, summer)["la_name"]) == ["D"]


@pytest.fixture(scope="module")
def store(built_data) -> Store:
    catalogue = load_catalogue(CATALOGUE)
    return Store(data_dir=built_data, now=max(r.published for r in catalogue), catalogue=catalogue)


@pytest.mark.realdata
def test_the_trend_uses_every_six_monthly_point(store):
    latest = store.latest("la_childrens_services")
    dates = set(summaries.trend(store, latest)["date"].dt.date)
    for year in range(2014, 2026):
        assert {dt.date(year, 3, 31), dt.date(year, 9, 30)} <= dates
    assert store.release("la-childrens-services-2017-09-30") is not None


@pytest.mark.realdata
def test_the_release_page_gives_the_inspections_of_its_six_months(store):
    rid = "la-childrens-services-2024-09-30"
    page = release_pages.release_page(store, rid)
    assert page.flow.startswith(f"{len(page.flow_table)} inspections of local authority children's services carried out "
                                "from 1 April 2024 to 30 September 2024 and published by 31 October 2024: ")
    # The same authorities, counted from the stock: those whose latest inspection as at 30 September
    # started in the six months (no authority is inspected twice in six months).
    stock = store.query("provider_rows", release_id=rid, subtype=None, la=None)
    start = pd.to_datetime(stock["inspection_start_date"])
    assert sorted(page.flow_table["Local authority"]) == sorted(stock.loc[start >= "2024-04-01", "la_name"])
    assert page.previous.id == "la-childrens-services-2024-03-31" and page.next.id == "la-childrens-services-2025-03-31"


@pytest.mark.realdata
def test_the_la_profile_shows_the_authority_at_each_six_monthly_release(store, monkeypatch):
    raw = pd.read_csv(settings.source_dir() / "d2i_ilacs" / "ofsted_csc_ilacs_history.csv", dtype=str)
    leeds = raw[(raw["local_authority"] == "leeds") & raw["inspection_framework"].notna()]
    started = pd.to_datetime(leeds["inspection_start_date"], format="%d/%m/%Y")
    autumn_2025 = leeds[(started >= "2025-04-01") & (started <= "2025-09-30")]
    assert len(autumn_2025) == 1, "the source has Leeds inspected once from April to September 2025"
    points = la_profile.la_profile(store, "E08000035").ilacs_points.set_index("As at")
    assert {"31 March 2025", "30 September 2025", "31 March 2026"} <= set(points.index)
    when = pd.Timestamp(started[autumn_2025.index[0]])
    assert points.at["30 September 2025", "Inspected in the six months"].startswith(f"started {when.day} {when:%B %Y}")
    assert points.at["31 March 2026", "Inspected in the six months"] == "no"
    monkeypatch.setenv("OUTCOMES_NOW", max(r.published for r in store.releases).isoformat())  # the autumn ones are out
    at = run("la_profile", la="E08000035")
    assert not at.exception, at.exception
    shown = next(d.value for d in at.dataframe if "Inspected in the six months" in d.value.columns)
    assert {"31 March 2025", "30 September 2025"} <= set(shown["As at"])
