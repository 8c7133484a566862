"""Release-day safety: the store and the page functions under many threads at once, disclosure
control on everything a profile or map shows, and chart specs that are valid Vega-Lite."""
from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import altair as alt
import jsonschema
import pandas as pd
import pytest

from outcomes.domain import disclosure
from outcomes.store.store import Store
from outcomes.results.tidy import grade_table
from outcomes.results import la_profile as profiles
from outcomes.results import overview
from outcomes.results import map_view
from outcomes.results import provider_types
from outcomes.publish.boundaries import publish_boundaries


@pytest.fixture(scope="module")
def store(built_data) -> Store:
    return Store(data_dir=built_data)


@pytest.fixture(scope="module")
def current_las(store) -> list[str]:
    lookup = store.la_lookup()
    return list(lookup.loc[lookup["is_current"], "new_la_code"])


def _profile_digest(profile: profiles.LaProfile) -> tuple:
    return (profile.name, tuple(profile.summary), tuple(b.heading for b in profile.blocks),
            None if profile.neighbours is None else profile.neighbours.to_csv())


def test_page_functions_agree_under_concurrency(store, current_las):
    """16 threads share one store, as every session of a Streamlit process does: each LA profile,
    overview and grade table must equal the one computed alone, with no exception."""
    rng = random.Random(9)
    codes = rng.sample(current_las, 24)
    alone = {c: _profile_digest(profiles.la_profile(store, c)) for c in codes}
    homes = store.latest("social_care_provider")
    table_alone = grade_table(store, homes, "local_authority", "Children's home").to_csv()
    overview_alone = [(h.label, h.share, h.providers) for h in overview.overview(store).headlines]

    def work(i: int):
        code = codes[i % len(codes)]
        got = _profile_digest(profiles.la_profile(store, code))
        assert got == alone[code], f"LA profile {code} differs when run concurrently"
        assert grade_table(store, homes, "local_authority", "Children's home").to_csv() == table_alone
        assert [(h.label, h.share, h.providers) for h in overview.overview(store).headlines] == overview_alone
        rows = store.query("provider_rows", release_id=homes.id, subtype="Children's home", la=code)
        assert rows["new_la_code"].eq(code).all()
        return code

    with ThreadPoolExecutor(max_workers=16) as pool:
        done = list(pool.map(work, range(96)))
    assert len(done) == 96


def test_no_share_of_fewer_than_threshold_graded_anywhere_on_profiles(store, current_las):
    """Walk every LA profile: no sentence, chart or neighbour shows a share of fewer than
    THRESHOLD graded providers, and a suppressed LA has no rank."""
    checked = 0
    for code in current_las:
        profile = profiles.la_profile(store, code)
        for block in profile.blocks:
            row = store.grades(block.release.id, "local_authority", block.subtype, la=block.la_code)
            if row.empty or TYPES_LA_IS_PROVIDER.get(block.provider_type):
                continue
            graded = int(row["graded"].iloc[0])
            if graded < disclosure.THRESHOLD:
                checked += 1
                assert pd.isna(row["pct_good_or_outstanding"].iloc[0]) and pd.isna(row["rank"].iloc[0])
                assert "%" not in block.sentence.split("England")[0], block.sentence
                assert "not ranked" in block.comparison.description
                data = next(iter(block.comparison.spec["datasets"].values()))
                values = [d.get("value") for d in data if d.get("kind") == "This area"]
                assert all(v is None or pd.isna(v) for v in values), f"{code}: suppressed share drawn in the chart"
    assert checked >= 5, "expected several authorities with too few graded children's homes (Islington, Hackney...)"


TYPES_LA_IS_PROVIDER = {"la_childrens_services": True, "area_send": True}


def test_islington_childrens_homes_are_not_ranked(store):
    profile = profiles.la_profile(store, "E09000019")
    homes = next(b for b in profile.blocks if b.provider_type == "social_care_provider")
    assert "fewer than 3" in homes.sentence and "ranked" not in homes.comparison.description.split("not ranked")[0]
    assert not any("100.0%" in line for line in profile.summary)


def test_every_map_hides_suppressed_shares(store):
    """Every LA map of every release and subtype: an area with fewer than THRESHOLD graded has no value."""

    for release in store.releases:
        for subtype in [None] + [s for s, _ in store.subtypes(release.id)]:
            table = grade_table(store, release, "local_authority", subtype)
            if table.empty or "pct_good_or_outstanding" not in table:
                continue
            values = map_view.map_values(table, "local_authority", "pct_good_or_outstanding")
            graded = table.assign(code=table["new_la_code"]).set_index("code")["graded"]
            for code, value in zip(values["code"], values["value"]):
                if code in graded and graded[code] < disclosure.THRESHOLD:
                    assert pd.isna(value), f"{release.id} {subtype}: {code} shows a share of {graded[code]} graded"


def _every_kind_of_spec(store) -> list[dict]:
    profile = profiles.la_profile(store, "E08000025")
    cumbria = profiles.la_profile(store, "E10000006")  # a split former LA: its own trend, no breaks
    front = overview.overview(store)
    homes = store.latest("social_care_provider")
    ptv = provider_types.provider_type_view(store, homes, "Children's home")
    specs = [b.comparison.spec for b in profile.blocks if b.comparison] + [b.trend.spec for b in profile.blocks if b.trend]
    specs += [cumbria.former_trend.spec, front.trend.spec, ptv.distribution.spec, ptv.by_region.spec, ptv.trend.spec]
    ilacs = store.latest("la_childrens_services")
    maps_ = [map_view.map_view(store, homes, None, "pct_good_or_outstanding"),  # some LAs without a value: layered
             map_view.map_view(store, homes, None, "providers", url="/app/static/geo/la.json"),  # one view, shapes by URL
             map_view.map_view(store, homes, None, "pct_good_or_outstanding", region="E12000003", highlight="E08000025"),
             map_view.map_view(store, homes, None, "pct_inadequate", level="regional"),
             map_view.map_view(store, ilacs, None, "judgement")]  # categories
    return specs + [m.chart.spec for m in maps_]


def test_chart_specs_are_valid_vega_lite(store):
    """The site renders specs written as plain dicts (outcomes.charts, outcomes.maps); here every
    kind is validated once against the schema of the Vega-Lite version they declare."""
    specs = _every_kind_of_spec(store)
    validator = jsonschema.Draft7Validator(alt.vegalite.v6.schema.core.load_schema())
    for s in specs:
        assert s["$schema"] == alt.SCHEMA_URL, "specs declare the schema they are validated against"
        errors = list(validator.iter_errors(s))
        assert not errors, errors[0].message
        assert s["description"], "every chart has an accessible description"


def test_chart_data_are_plain_json_records(store):
    """Each named dataset is a list of JSON records (no NaN, dates as text), so it can be sent as
    is or encoded to Arrow once per cached spec."""
    import json

    for s in _every_kind_of_spec(store):
        json.dumps(s, allow_nan=False)  # raises on NaN or a value JSON cannot hold
        assert s["datasets"] and all(isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
                                     for rows in s["datasets"].values())


def test_pages_build_their_charts_without_altair(built_data):
    """Altair is only a test dependency now (its schema file): building specs at run time with
    it was a third of a first LA profile (issue 9)."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; from outcomes.results import la_profile as profiles, map_view, overview; "
            "from outcomes.store.store import Store; s = Store(); "
            "profiles.la_profile(s, 'E08000025'); overview.overview(s); "
            "map_view.map_view(s, s.latest('social_care_provider'), None, 'pct_good_or_outstanding'); "
            "print('altair' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parents[2])  # OUTCOMES_DATA and _GEO are set by built_data
    assert out.stdout.strip() == "False"


def test_map_spec_carries_values_not_shapes(store, built_data):
    """With the boundaries as a static file, a map run's spec is small: the browser fetches the
    shapes once (issue 9: under 30 KB a run after the first)."""
    import json
    import os
    from pathlib import Path

    urls = publish_boundaries(built_data / "static", directory=Path(os.environ["OUTCOMES_GEO"]))
    homes = store.latest("social_care_provider")
    shown = map_view.map_view(store, homes, "Children's home", "pct_good_or_outstanding", url=urls["la"])
    text = json.dumps(shown.chart.spec)
    assert len(text) < 30_000, f"map spec is {len(text):,} bytes"
    assert urls["la"] in text and "coordinates" not in text
    published = built_data / "static" / "geo" / urls["la"].rsplit("/", 1)[1]
    features = json.loads(published.read_text())["features"]
    assert {f["properties"]["code"] for f in features} >= set(shown.values["code"])
