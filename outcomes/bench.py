"""`make bench`: speed and memory figures of the build, the store and each page, printed.

Targets live here, not in timed tests: a slow machine should not fail the suite, but a person
reading these figures should see at once when something regressed.
"""
from __future__ import annotations

import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from outcomes import settings

# What we aim for on the project's 2-core machine.
TARGETS = {"build_all_s": 60.0, "store_open_ms": 500.0, "query_ms": 150.0, "page_s": 3.0, "peak_rss_mb": 1500.0}


def _timed(fn: Callable, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(echo: Callable[[str], None]) -> None:
    from outcomes.build import build_all
    from outcomes.store import Store
    from outcomes.tables import grade_table

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        echo(f"Building every release from {settings.source_dir()} into a temporary folder...")
        secs, results = _timed(lambda: build_all(data_dir=Path(tmp), progress=lambda it: tqdm(it, desc="build", unit="release")))
        built = sum(1 for r in results if r.ok)
        rows.append(("build all releases", f"{secs:.1f} s", f"{built} releases", TARGETS["build_all_s"], secs))
    data = settings.data_dir()
    ms, store = _timed(lambda: Store(data_dir=data), repeat=3)
    rows.append(("open the store (DuckDB views)", f"{1000 * ms:.0f} ms", f"{len(store.releases)} releases", TARGETS["store_open_ms"] / 1000, ms))
    for level in ("national", "regional", "local_authority"):
        qs = []
        for r in tqdm(store.releases, desc=f"queries ({level})", unit="release"):
            t, _ = _timed(lambda: grade_table(store, r, level), repeat=3)
            qs.append(t)
        rows.append((f"grade table, {level} (median over releases)", f"{1000 * statistics.median(qs):.0f} ms",
                     f"max {1000 * max(qs):.0f} ms", TARGETS["query_ms"] / 1000, statistics.median(qs)))
    try:
        from streamlit.testing.v1 import AppTest

        for page in tqdm(["overview", "provider_types", "la_profile", "map", "data", "methodology"], desc="pages", unit="page"):
            def render(page=page):
                at = AppTest.from_file(str(settings.PROJECT_ROOT / "app.py"), default_timeout=120).run()
                at.switch_page(f"pages/{page}.py")
                return at.run()
            secs, at = _timed(render)
            rows.append((f"page {page} (first run in this process)", f"{secs:.2f} s", "error" if at.exception else "ok", TARGETS["page_s"], secs))
    except ImportError:
        pass
    peak = _rss_mb()
    rows.append(("peak memory of this process", f"{peak:.0f} MB", "", TARGETS["peak_rss_mb"], peak))
    echo("")
    echo(f"{'measure':48} {'value':>10}  {'target':>10}  note")
    for name, value, note, target, raw in rows:
        unit = "MB" if "memory" in name else "s"
        flag = "" if raw <= target else "  <-- over target"
        echo(f"{name:48} {value:>10}  {target:>8.2f} {unit}  {note}{flag}")
