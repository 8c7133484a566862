"""The load benchmark's protocol client against real `streamlit run` servers: every run finishes,
runs the page asked for, and a page's exception is counted (issue 9)."""
from __future__ import annotations

import pytest

from outcomes import settings

from outcomes.ops import loadbench
from outcomes.ops.loadbench import run_steps
from outcomes.ops.session import Step
from tests.unit.tiny_app import running, write_app


@pytest.fixture(scope="module")
def tiny_url(tmp_path_factory):
    with running(write_app(tmp_path_factory.mktemp("tiny"))) as (url, _proc):
        yield url


def test_each_run_ends_and_runs_the_page_asked_for(tiny_url):
    runs = run_steps(tiny_url, [Step("home", "", "who=Ann", title="Home", expect="Hello Ann"),
                                Step("boom", "boom", title="Boom"),
                                Step("home", "", title="Home"),
                                Step("boom", "boom", "x=1", title="Boom")])
    assert [r.error for r in runs] == [None] * 4
    assert [r.title for r in runs] == ["Home", "Boom", "Home", "Boom"]
    assert all(r.bytes > 0 and r.server_ms > 0 for r in runs)


def test_a_page_exception_is_counted_not_fatal(tiny_url):
    runs = run_steps(tiny_url, [Step("boom", "boom", "fail=1", title="Boom"), Step("home", "", title="Home")])
    assert len(runs[0].exceptions) == 1 and "asked to fail" in runs[0].exceptions[0]
    assert not runs[0].ok and runs[0].error is None  # it ran the right page, which raised
    assert runs[1].ok  # the session goes on


def test_a_run_of_another_page_is_an_error(tiny_url):
    missing, wrong_title, not_shown = run_steps(tiny_url, [Step("nowhere", "nowhere"),
                                                           Step("boom", "boom", title="Home"),
                                                           Step("home", "", expect="Goodbye")])
    assert "not found" in missing.error
    assert "expected the title 'Home'" in wrong_title.error
    assert "'Goodbye' is not shown" in not_shown.error


@pytest.mark.slow
@pytest.mark.realdata
def test_journeys_on_the_real_site(built_data, tmp_path):
    """Two readers walk the journey at once on the site: each of their runs finishes on the page
    asked for, with the LA asked for (exceptions from the known shared-connection race are counted)."""
    las = loadbench.current_las(built_data)
    assert len(las) == 153
    # built_data points OUTCOMES_DATA and OUTCOMES_GEO at the build; the server inherits them.
    with running(settings.PROJECT_ROOT / "app.py", log_dir=tmp_path) as (url, proc):
        # Each page of the journey once (the whole journey would only repeat them, slowly).
        def short(las, rng):
            overview, la, _la2, _homes, la_services, map_, _map2 = loadbench.journey(las, rng)
            return [overview, la, la_services, map_]

        result = loadbench.run_load(url, 2, las, [proc.pid], visit=short)
    assert len(result.runs) == result.planned == 8
    assert [r.error for r in result.runs if r.error] == []
    assert {r.step.page for r in result.runs} == {"overview", "local-authority", "provider-types", "map"}
    assert {r.step.query[:3] for r in result.runs} >= {"la=", "typ"}
    assert result.rss_after_mb > 50  # the server's own memory was read


def test_a_page_run_outside_the_apps_navigation_is_an_error(tiny_url):
    """A menu that lacks the app's pages means the page ran on its own (see Step.menu)."""
    run, = run_steps(tiny_url, [Step("boom", "boom", title="Boom", menu=frozenset({"", "boom", "data"}))])
    assert "outside the app's navigation" in run.error


@pytest.mark.slow
def test_concurrent_sessions_are_counted_and_a_run_past_the_budget_is_cut(tiny_url, tmp_path):
    def visit(las, rng):
        return [Step("home", "", title="Home"), Step("boom", "boom", "fail=1", title="Boom"),
                Step("boom", "boom", "sleep=60", title="Boom")]

    result = loadbench.run_load(tiny_url, 3, {}, visit=visit, budget_s=8.0, grace_s=1.0)
    assert result.planned == 9
    assert sum(r.step.query == "fail=1" for r in result.runs) == 3 and result.exceptions == 3
    assert not any(r.step.query == "sleep=60" for r in result.runs)  # cut, not waited for
    assert result.errors == 0 and result.pages()["home"]["runs"] == 3
