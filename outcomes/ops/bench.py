"""`make bench`: speed and memory figures of the build, the store and each page, printed.

Targets live here, not in timed tests: a slow machine should not fail the suite, but a person
reading these figures should see at once when something regressed.
"""
from __future__ import annotations

import json
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from outcomes import settings
from outcomes.build.pipeline import build_all
from outcomes.ops import httpbench, loadbench, querylog, serve
from outcomes.ops import soak as soaking
from outcomes.ops.loadbench import PATHS, current_las, percentile, run_load, run_steps, step
from outcomes.ops.session import Step
from outcomes.results.tidy import grade_table
from outcomes.store.store import Store

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


def run(echo: Callable[[str], None], soak_waves: int = soaking.WAVES) -> None:
    in_process(echo)
    run_load_bench(echo)
    echo("")
    httpbench.run(echo)
    if soak_waves:
        soak_stage(echo, soak_waves)


def soak_stage(echo: Callable[[str], None], waves: int) -> None:
    """The soak (outcomes/ops/soak.py): memory of one process wave by wave, and whether it levelled off."""
    echo("")
    echo(f"Soak: {waves} waves of {soaking.SESSIONS} sessions against one fresh process...")
    result = soaking.run(echo, waves=waves)
    slope = result.growth_mb_per_wave()
    problems = result.failures()
    echo(f"{'soak: memory growth per wave after warm-up':58} {'n/a' if slope is None else f'{slope:+.2f} MB':>26}  "
         f"{'< 1 MB':>14}  {'ok' if not problems else '<-- missed'}")
    for p in problems:
        echo(f"  {p}")


def in_process(echo: Callable[[str], None]) -> None:
    """The build, the store, its queries and each page in this process (AppTest)."""
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
        from streamlit.testing.v1 import AppTest  # Streamlit's test runner: only for this in-process part

        for page in tqdm(["overview", "provider_types", "la_profile", "map", "data", "methodology"], desc="pages", unit="page"):
            def render(page=page):
                at = AppTest.from_file(str(settings.PROJECT_ROOT / "app.py"), default_timeout=120).run()
                at.switch_page(f"views/{page}.py")
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


# -- the site under load, over Streamlit's websocket (outcomes/ops/loadbench.py) --------------------

# Issue 9's targets (server time on the project's 2-core machine).
LOAD_TARGETS = {"cold_ms": 1000.0, "warm_p95_ms": 150.0, "runs_per_s_25": 10.0, "serve_p95_ms_50": 2000.0,
                "growth_mb_per_session": 5.0}
PAGES = ["overview", "local-authority", "provider-types", "map", "data", "methodology"]
LEVELS = (1, 10, 25, 50)


def _page_steps(las: dict[str, str], rng) -> dict[str, Callable[[int], object]]:
    """The i-th run of each page: LAs never repeat (the first view of an LA is what a reader waits
    for), provider types and map choices change as a reader changes them."""
    codes = rng.sample(sorted(las), min(len(las), 40))
    types = ["social_care_provider", "la_childrens_services", "state_funded_school"]
    return {"overview": lambda i: step("overview"),
            "local-authority": lambda i: step("local-authority", f"la={codes[i]}", expect=las[codes[i]]),
            "provider-types": lambda i: step("provider-types", f"type={types[i % len(types)]}"),
            "map": lambda i: step("map", f"type={types[i % 2]}"),
            "data": lambda i: step("data"), "methodology": lambda i: step("methodology")}


def page_figures(url: str, las: dict[str, str], query_log: Path | None, warm_runs: int = 5,
                 page_budget_s: float = 10.0, seed: int = 9) -> dict:
    """On a fresh server, one session: each page's first run (cold), then up to `warm_runs` more
    (stopping after `page_budget_s` per page); with a query log, each page's query floor."""
    make = _page_steps(las, random.Random(seed))
    # A new process first imports the libraries and opens the store (seconds; `make serve` does it
    # in its warm-up, before any reader). Timed on its own, on a page the table does not measure,
    # so each page's first run below is that page's own first run.
    start = run_steps(url, [Step("calendar", "calendar", menu=frozenset(PATHS.values()))])[0]
    order = [make[p](0) for p in PAGES]  # cold: the first run of every page, from the root as a browser lands
    logged: dict[int, list[str]] = {}
    offset = [query_log.stat().st_size if query_log and query_log.exists() else 0]

    def after(run) -> None:
        if query_log and query_log.exists():
            with open(query_log, encoding="utf-8") as f:
                f.seek(offset[0])
                logged[id(run)] = f.read().splitlines()
                offset[0] = f.tell()

    cold = run_steps(url, order, after=after)
    process_start_ms = round(start.server_ms, 1)
    figures: dict[str, dict] = {}
    store = Store() if query_log else None
    for page, run in zip(PAGES, cold):
        warm = run_steps(url, [make[page](i) for i in range(1, warm_runs + 1)], budget_s=page_budget_s)
        times = [r.server_ms for r in warm if r.ok]
        lines = logged.get(id(run), [])
        figures[page] = {"cold_ms": round(run.server_ms, 1), "warm_p50_ms": _ms(percentile(times, 50)),
                         "warm_p95_ms": _ms(percentile(times, 95)), "warm_runs": len(warm),
                         "cold_ok": run.ok, "failed": sum(1 for r in [run, *warm] if not r.ok),
                         "kb_warm": round(statistics.median(r.bytes for r in warm) / 1024, 1) if warm else None,
                         "queries": len(lines),
                         "floor_ms": round(querylog.replay_ms(lines, store), 1) if store and lines else None,
                         "problems": list(dict.fromkeys(p for r in [run, *warm] for p in ([r.error] if r.error else []) + r.exceptions))[:2]}
    return figures, process_start_ms


def _ms(x: float) -> float | None:
    """Rounded milliseconds; None (JSON null) when there was nothing to measure."""
    return None if x != x else round(x, 1)


def _floor(figures: dict) -> tuple[float | None, float | None]:
    floors = [f["floor_ms"] for f in figures.values() if f["floor_ms"]]
    if not floors:
        return None, None
    floor = statistics.median(floors)
    p50s = [f["warm_p50_ms"] for f in figures.values() if f["floor_ms"] and f["warm_p50_ms"] is not None]
    return round(floor, 1), round(statistics.median(p50s) / floor, 1) if p50s and floor else None


def _fresh_server(tmp: Path, query_log: Path | None = None):
    """A fresh process of the site, its queries logged when `query_log` is given."""
    env = {"OUTCOMES_QUERY_LOG": str(query_log)} if query_log else {}
    return serve.fresh_process(tmp, env=env, python_args=["-m", "outcomes.ops.querylog"] if query_log else None)


def _bar(desc: str):
    def make(total: int):
        bar = tqdm(total=total, desc=desc, unit="run", leave=False)
        return lambda: bar.update(1)
    return make


def _load_json(result) -> dict:
    return {"sessions": result.sessions, "errors": sum(1 for r in result.runs if not r.ok),
            "exceptions": result.exceptions, "runs": len(result.runs),
            "p95_ms": _ms(result.p95_ms()), "runs_per_s": round(result.runs_per_s, 2),
            "growth_mb_per_session": round(result.growth_per_session_mb, 1)}


def quick(echo: Callable[[str], None], sessions: int = 5) -> dict:
    """Under a minute: cold and warm runs of every page on a fresh server, the query floor, and one
    short load; returns the figures (the CLI prints them as JSON, last)."""
    las = current_las(settings.data_dir())
    with tempfile.TemporaryDirectory() as tmp:
        qlog = Path(tmp) / "queries.jsonl"
        echo("Starting a fresh streamlit process (queries logged)...")
        proc, url = _fresh_server(Path(tmp), qlog)
        try:
            echo("Cold and warm runs of every page...")
            figures, start_ms = page_figures(url, las, qlog, warm_runs=3, page_budget_s=3.0)
            echo(f"Load: {sessions} sessions, one journey each...")
            load = run_load(url, sessions, las, [proc.pid], progress=_bar("load"), budget_s=12.0, grace_s=10.0)
        finally:
            serve.stop([proc])
    floor, ratio = _floor(figures)
    out = {"pages": {p: {k: f[k] for k in ("cold_ms", "warm_p50_ms", "warm_p95_ms", "floor_ms", "kb_warm")}
                     for p, f in figures.items()},
           "process_start_ms": start_ms, "query_floor_ms": floor, "page_to_floor_ratio": ratio, "load": _load_json(load)}
    for p, f in figures.items():
        if f["problems"]:
            echo(f"  {p}: {f['failed']} runs failed, e.g. {f['problems'][0][:160]}")
    echo(json.dumps(out))
    return out


def load_levels(url: str, pids: list[int], las: dict[str, str], label: str, budget_s: float) -> list:

    results = []
    for n in LEVELS:
        results.append(run_load(url, n, las, pids, progress=_bar(f"{label}, {n} sessions"), budget_s=budget_s))
    return results


def load_rows(figures: dict, single: list, served: list, start_ms: float | None = None) -> list[tuple]:
    """(measure, value, target text, met) rows of the load part of the table."""
    rows = []
    if start_ms is not None:
        rows.append(("process start: its first run (make serve warms it up)", f"{start_ms:.0f} ms", "", None))
    for page, f in figures.items():
        rows.append((f"page {page}: first run on a fresh server", f"{f['cold_ms']:.0f} ms", "< 1000 ms",
                     f["cold_ms"] < LOAD_TARGETS["cold_ms"] and f["cold_ok"]))
        p50, p95 = f["warm_p50_ms"], f["warm_p95_ms"]
        rows.append((f"page {page}: warm p50 / p95 ({f['warm_runs']} runs)",
                     f"{p50} / {p95} ms" if p95 is None else f"{p50:.0f} / {p95:.0f} ms", "p95 < 150 ms",
                     p95 is not None and p95 < LOAD_TARGETS["warm_p95_ms"] and f["failed"] == (not f["cold_ok"])))
    for page, f in figures.items():
        if f["kb_warm"] is not None:
            # (The map's target is judged on the journey's second map run, another provider type:
            # here warm runs repeat choices this session has seen, which Streamlit's cache shortens.)
            rows.append((f"page {page}: received per warm run (median)", f"{f['kb_warm']:.0f} KB", "", None))
    for label, results in (("one process", single), ("serve, 4 processes", served)):
        for r in results:
            # Runs not started when the level's time budget ended are shown (x of y planned), not failed.
            done = f"{len(r.runs)} (of {r.planned} planned)" if len(r.runs) < r.planned else f"{len(r.runs)}"
            rows.append((f"{label}, {r.sessions} sessions: failed runs", f"{sum(1 for x in r.runs if not x.ok)} of {done}",
                         "0", all(x.ok for x in r.runs)))
            target = {25: ("runs/s", ">= 10 runs/s", r.runs_per_s >= LOAD_TARGETS["runs_per_s_25"])} if label == "one process" else {}
            text, goal, met = target.get(r.sessions, ("", "", None))
            rows.append((f"{label}, {r.sessions} sessions: runs/s", f"{r.runs_per_s:.1f}", goal, met))
            p95 = r.p95_ms()
            met95 = (p95 < LOAD_TARGETS["serve_p95_ms_50"]) if label != "one process" and r.sessions == 50 else None
            rows.append((f"{label}, {r.sessions} sessions: p95 / max", f"{p95:.0f} / {max([x.server_ms for x in r.runs] or [0]):.0f} ms",
                         "p95 < 2000 ms" if met95 is not None else "", met95))
            rows.append((f"{label}, {r.sessions} sessions: memory per session", f"{r.growth_per_session_mb:+.1f} MB",
                         "< 5 MB", r.growth_per_session_mb < LOAD_TARGETS["growth_mb_per_session"]))
            kb = r.pages().get("map", {}).get("kb_later")
            if kb is not None:
                rows.append((f"{label}, {r.sessions} sessions: map run after the first", f"{kb:.0f} KB", "< 30 KB", kb < 30))
    return rows


FLOOR_SESSIONS = 25
FLOOR_RATIO_TARGET = 0.5  # the site's page runs a second at 25 sessions, against the floor app's


def floor_rows(single: list, floor_load) -> list[tuple]:
    """The site against the floor app at the same sessions, one process each."""
    site = next((r for r in single if r.sessions == FLOOR_SESSIONS), None)
    if site is None or not floor_load.runs_per_s:
        return []
    ratio = site.runs_per_s / floor_load.runs_per_s
    return [(f"floor app, {FLOOR_SESSIONS} sessions: runs/s (failed runs)", f"{floor_load.runs_per_s:.1f} ({floor_load.errors})", "", None),
            (f"one process ÷ floor app, {FLOOR_SESSIONS} sessions: runs/s", f"{ratio:.2f}", f">= {FLOOR_RATIO_TARGET}",
             ratio >= FLOOR_RATIO_TARGET)]


def run_load_bench(echo: Callable[[str], None], budget_s: float = 20.0) -> None:
    """Cold and warm page runs, then N = 1, 10, 25, 50 sessions on one process and on 4 behind nginx."""
    las = current_las(settings.data_dir())
    with tempfile.TemporaryDirectory() as tmp:
        qlog = Path(tmp) / "queries.jsonl"
        echo("Load benchmark: one fresh streamlit process...")
        proc, url = _fresh_server(Path(tmp), qlog)
        try:
            figures, start_ms = page_figures(url, las, qlog)
            single = load_levels(url, [proc.pid], las, "one process", budget_s)
        finally:
            serve.stop([proc])
        echo("Load benchmark: the floor app (the same journey, pages that write a title and five lines)...")
        floor_app = loadbench.write_floor_app(Path(tmp) / "floor", settings.PROJECT_ROOT / ".streamlit" / "config.toml")
        proc, url = serve.fresh_process(Path(tmp) / "floor", app=floor_app)
        try:
            floor_load = run_load(url, FLOOR_SESSIONS, las, [proc.pid], progress=_bar(f"floor app, {FLOOR_SESSIONS} sessions"),
                                  budget_s=budget_s, visit=loadbench.floor_journey)
        finally:
            serve.stop([proc])
        served = []
        if serve.find_nginx():
            echo("Load benchmark: 4 processes behind nginx (make serve)...")
            ports = [serve.free_port() for _ in range(4)]
            # (Serving warms each process up with a journey before nginx takes readers, as make serve does.)
            with serve.Serving(4, port=serve.free_port(), ports=ports, run_dir=Path(tmp) / "serve", echo=lambda m: None) as s:
                served = load_levels(s.url, s.pids, las, "serve", budget_s)
        else:
            echo(f"skipped the nginx part: {serve.NGINX_HELP}")
    floor, ratio = _floor(figures)
    echo("")
    echo(f"{'measure (server time: send to script_finished)':58} {'value':>26}  {'target':>14}")
    for name, value, goal, met in load_rows(figures, single, served, start_ms) + floor_rows(single, floor_load):
        flag = "" if met is None else ("  ok" if met else "  <-- missed")
        echo(f"{name:58} {value:>26}  {goal:>14}{flag}")
    echo(f"{'query floor (median over pages of their DuckDB queries)':58} {str(floor) + ' ms':>26}")
    echo(f"{'warm page p50 / query floor':58} {str(ratio):>26}")
    for page, f in figures.items():
        if f["problems"]:
            echo(f"  page {page}: {f['failed']} runs failed, e.g. {f['problems'][0][:160]}")
    problems = list(dict.fromkeys(p for r in single + served for p in r.first_problems()))[:3]
    for p in problems:
        echo(f"  e.g. {p[:200]}")
