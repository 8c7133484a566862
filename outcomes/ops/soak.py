"""`python -m outcomes soak`: one process through a release day's worth of readers, watching memory.

Waves of sessions (by default 40 waves of 50, each session a full journey: outcomes.ops.loadbench)
run one after another against one fresh Streamlit process; after each wave its resident memory is
read and printed. Memory must level off: over the waves after the warm-up ones it may grow less
than 1 MB per wave on average (the least-squares slope, so one noisy reading neither passes nor
fails it), and no run may fail. Either failure exits non-zero with a message saying which.

Why this is worth watching: Streamlit's garbage collection after every run is off here
(.streamlit/config.toml), each process keeps up to 128 disconnected sessions for 2 minutes
(server.disconnectedSessionTTL), and every page result is cached per process: the warm-up waves
fill those, and what grows after them is what a long day would run out of.
"""
from __future__ import annotations

import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from outcomes import settings
from outcomes.ops import serve
from outcomes.ops.loadbench import current_las, journey, rss_mb, run_load, warm_up
from outcomes.ops.session import Step

WAVES, SESSIONS = 40, 50
MAX_GROWTH_MB_PER_WAVE = 1.0


WARMUP_SESSIONS = 250  # the caches fill over about this many readers (measured: 5 waves of 50)


def default_warmup(waves: int, sessions: int = SESSIONS) -> int:
    """The first quarter of the waves, and at least WARMUP_SESSIONS readers: the page results of
    the LAs readers open (two each, of 153) and Streamlit's store of 128 disconnected sessions
    fill there, and growth then is not a leak."""
    return max(waves // 4, -(-WARMUP_SESSIONS // sessions), 1)


@dataclass
class Wave:
    number: int
    runs: int
    failed: int
    rss_mb: float
    seconds: float
    problems: list[str] = field(default_factory=list)


@dataclass
class SoakResult:
    waves: list[Wave]
    warmup: int
    start_rss_mb: float

    def growth_mb_per_wave(self) -> float | None:
        """Least-squares slope of memory over the waves after the warm-up (None: too few of them)."""
        after = self.waves[self.warmup:]
        if len(after) < 2:
            return None
        xs, ys = [w.number for w in after], [w.rss_mb for w in after]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)

    def failures(self) -> list[str]:
        """What went wrong, in words an operator acts on; empty when memory levelled off and every run ran."""
        out = []
        failed = sum(w.failed for w in self.waves)
        if failed:
            example = next(p for w in self.waves for p in w.problems)
            out.append(f"{failed} of {sum(w.runs for w in self.waves)} runs failed, e.g. {example[:200]}")
        slope = self.growth_mb_per_wave()
        if slope is None:
            out.append(f"too few waves to judge memory: {len(self.waves)} waves with {self.warmup} of warm-up "
                       "(run at least 2 more than the warm-up)")
        elif slope >= MAX_GROWTH_MB_PER_WAVE:
            out.append(f"memory did not level off: {slope:+.2f} MB per wave after the {self.warmup} warm-up waves "
                       f"(limit {MAX_GROWTH_MB_PER_WAVE:.0f} MB), {self.waves[self.warmup].rss_mb:.0f} -> "
                       f"{self.waves[-1].rss_mb:.0f} MB; find what holds on (tracemalloc or memray) before release day")
        return out


def soak(url: str, pids: list[int], las: dict[str, str], waves: int = WAVES, sessions: int = SESSIONS,
         warmup: int | None = None, echo: Callable[[str], None] = print, seed: int = 20,
         visit: Callable[[dict[str, str], random.Random], list[Step]] = journey) -> SoakResult:
    """Run the waves against the server at `url` whose processes are `pids`; print a line per wave.
    Each session walks `visit` (the site's journey; the tests walk a throwaway app's pages)."""
    warmup = default_warmup(waves, sessions) if warmup is None else warmup
    result = SoakResult([], warmup, rss_mb(pids))
    echo(f"soak: {waves} waves of {sessions} sessions (a journey each), {warmup} of them warm-up; "
         f"memory at the start {result.start_rss_mb:.1f} MB")
    for number in range(1, waves + 1):
        started = time.perf_counter()
        load = run_load(url, sessions, las, pids, seed=seed * 1000 + number, visit=visit)
        # Read after the wave's sessions closed: what a quiet moment of the day holds.
        wave = Wave(number, len(load.runs), sum(1 for r in load.runs if not r.ok), rss_mb(pids),
                    time.perf_counter() - started, load.first_problems())
        previous = result.waves[-1].rss_mb if result.waves else result.start_rss_mb
        result.waves.append(wave)
        label = " (warm-up)" if number <= warmup else ""
        echo(f"wave {number:>2}/{waves}{label}: {wave.runs} runs, {wave.failed} failed, {wave.seconds:.0f} s, "
             f"RSS {wave.rss_mb:.1f} MB ({wave.rss_mb - previous:+.1f})")
    slope = result.growth_mb_per_wave()
    if slope is not None:
        echo(f"soak: {slope:+.2f} MB per wave after warm-up (limit {MAX_GROWTH_MB_PER_WAVE:.0f} MB), "
             f"{result.start_rss_mb:.0f} MB at the start, {result.waves[-1].rss_mb:.0f} MB at the end")
    return result


def run(echo: Callable[[str], None] = print, waves: int = WAVES, sessions: int = SESSIONS,
        warmup: int | None = None) -> SoakResult:
    """The soak against a fresh process of the site on a free port (needs the built data: make data)."""
    las = current_las(settings.data_dir())
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = serve.fresh_process(Path(tmp))
        try:
            warm_up([url], las)  # as make serve does: the waves are then about sessions, not imports
            return soak(url, [proc.pid], las, waves, sessions, warmup, echo)
        finally:
            serve.stop([proc])
