"""The soak (`python -m outcomes soak`, a stage of `make bench`): waves of sessions against one
process, its memory after each, and a verdict an operator can act on. The judgement is tested on
made-up figures; the loop on a throwaway app (tiny_app.py), so no built data is needed."""
from __future__ import annotations

import pytest

from outcomes.ops import soak
from outcomes.ops.session import Step
from tests.unit.tiny_app import running, write_app


def _result(rss: list[float], warmup: int = 2, failed: int = 0) -> soak.SoakResult:
    waves = [soak.Wave(i + 1, 10, failed if i == 3 else 0, mb, 1.0, ["ValueError: boom"] if failed and i == 3 else [])
             for i, mb in enumerate(rss)]
    return soak.SoakResult(waves, warmup, 300.0)


def test_memory_that_levels_off_after_the_warm_up_passes_even_with_noise():
    result = _result([350, 380, 400, 402, 399, 401, 403, 400, 401, 399])
    assert abs(result.growth_mb_per_wave()) < 1 and result.failures() == []


def test_memory_that_keeps_growing_fails_and_says_by_how_much():
    result = _result([350, 380, 382, 384, 386, 388, 390, 392], warmup=1)
    assert result.growth_mb_per_wave() == pytest.approx(2.0)
    (problem,) = result.failures()
    assert "memory did not level off: +2.00 MB per wave after the 1 warm-up waves" in problem
    assert "tracemalloc or memray" in problem


def test_a_failed_run_fails_the_soak_whatever_memory_does():
    (problem,) = _result([350, 351, 351, 351, 351], failed=3).failures()
    assert problem.startswith("3 of 50 runs failed, e.g. ValueError: boom")


def test_too_few_waves_to_judge_is_said_not_passed():
    assert "too few waves" in _result([350, 360, 361], warmup=2).failures()[0]
    assert soak.default_warmup(40, 50) == 10 and soak.default_warmup(10, 50) == 5 and soak.default_warmup(40, 5) == 50


def _tiny_visit(las, rng):
    """A reader of the throwaway app: a page that works, then one that raises."""
    who = rng.choice(["Ann", "Bo", "Cy"])
    return [Step("home", "", f"who={who}", title="Home", expect=f"Hello {who}"),
            Step("boom", "boom", "fail=1", title="Boom")]


@pytest.mark.slow
def test_the_soak_prints_memory_after_every_wave_and_counts_failed_runs(tmp_path):
    lines = []
    with running(write_app(tmp_path)) as (url, proc):
        result = soak.soak(url, [proc.pid], {}, waves=4, sessions=3, warmup=2, echo=lines.append, visit=_tiny_visit)
    waves = [line for line in lines if line.startswith("wave ")]
    assert len(waves) == 4 and all("RSS" in w and " MB (" in w for w in waves)
    assert waves[0].startswith("wave  1/4 (warm-up): 6 runs, 3 failed") and "(warm-up)" not in waves[2]
    assert all(w.rss_mb > 50 for w in result.waves)  # a Streamlit process's resident memory, read from /proc
    problems = result.failures()
    assert problems[0].startswith("12 of 24 runs failed") and "asked to fail" in problems[0]
