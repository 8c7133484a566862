"""Many readers at once on one server process. Every cached page result is one object shared by
all sessions (outcomes.cache.shared is st.cache_resource), so a reader must still see exactly the
page they asked for, as a lone reader would, with no exception, while others read the same
objects on other threads. (AppTest cannot run scripts on several threads at once, so this test
speaks Streamlit's own websocket protocol to a real server: outcomes.ops.session.)"""
from __future__ import annotations

import asyncio

import pytest

from outcomes import settings

from outcomes.ops import loadbench
from outcomes.ops.loadbench import step
from outcomes.ops.session import Run
from outcomes.web import cache
from tests.unit.tiny_app import running

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

# Several LAs (one a former authority that leads to its successor), and pages that read the same
# cached tables as the profiles (the regional maps, the grade tables, the trends).
LAS = ("E08000035", "E09000019", "E06000058", "E10000023", "E08000025", "E06000001", "E10000030", "E09000033")
VISITS = [step("local-authority", f"la={code}") for code in LAS] + [
    step("overview"), step("provider-types", "type=social_care_provider"),
    step("provider-types", "type=state_funded_school"), step("map"), step("map", "type=social_care_provider")]


def _visit_each_in_its_own_session(url: str, visits: list) -> list[Run]:
    """Each visit in a fresh session (as a new reader's tab), all at once; runs in visit order."""
    runs: list[list[Run]] = [[] for _ in visits]

    async def main():
        await asyncio.gather(*(loadbench.walk(url, n, [v], runs[n], lambda: None) for n, v in enumerate(visits)))
    loadbench._run(main())
    return [r[0] for r in runs]


def test_pages_run_at_once_show_what_each_shows_alone(built_data, tmp_path):
    with running(settings.PROJECT_ROOT / "app.py", log_dir=tmp_path) as (url, _proc):
        # Cold: every reader arrives at once, so threads meet while the cached objects are made.
        together = _visit_each_in_its_own_session(url, VISITS * 2)
        alone = [loadbench.run_steps(url, [v])[0] for v in VISITS]
        # Warm: the same again, reading the shared objects.
        together += _visit_each_in_its_own_session(url, VISITS * 2)
    for run in alone:
        assert run.ok, (run.step, run.error, run.exceptions)
        assert len(run.texts) > 5, run.step  # the page showed its content, not only a title
    for n, run in enumerate(together):
        expected = alone[n % len(VISITS)]
        assert run.ok, (run.step, run.error, run.exceptions)
        assert run.texts == expected.texts, f"{run.step.page}?{run.step.query} differs when read alongside other readers"


def test_the_address_wins_over_a_choice_left_by_another_page(built_data, tmp_path):
    """Provider types and the map share the provider-type choice (?type=). A reader who comes to
    the map from provider types with ?type=social_care_provider sees that type on the map, not
    the map's first option: on a fresh server this failed (Streamlit dropped the value the other
    page's widget left, and the map's widget fell back to its first option)."""
    with running(settings.PROJECT_ROOT / "app.py", log_dir=tmp_path) as (url, _proc):
        runs = loadbench.run_steps(url, [step("overview"), step("provider-types", "type=social_care_provider"),
                                         step("map", "type=social_care_provider"), step("map", "type=la_childrens_services"),
                                         step("provider-types", "type=la_childrens_services")])
    assert [(r.step.page, r.error) for r in runs if not r.ok] == []


def test_warm_walks_a_readers_journey_on_a_fresh_process(built_data, tmp_path):
    """`python -m outcomes warm` (make serve's and the pod's warm-up): after it, the process has
    run each page of the journey, so a first reader's run is a warm one."""
    from typer.testing import CliRunner

    from outcomes.ops.cli import app

    with running(settings.PROJECT_ROOT / "app.py", log_dir=tmp_path) as (url, _proc):
        result = CliRunner().invoke(app, ["warm", "--url", url])
        assert result.exit_code == 0 and "warmed up" in result.output and "HTML edition" in result.output, result.output
        first = loadbench.run_steps(url, [step("local-authority", "la=E08000035", expect="Leeds")])[0]
    assert first.ok, first.error
