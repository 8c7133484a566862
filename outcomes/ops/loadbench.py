"""A load benchmark that drives the site over Streamlit's own websocket protocol, with no browser:
the site's journey, many readers walking it at once (each an outcomes.ops.session.Session), and
the figures of what they saw (LoadResult).
"""
from __future__ import annotations

import asyncio
import dataclasses
import random
import statistics
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import websockets

from outcomes.ops.session import Run, Session, Step


# -- the site's journey ---------------------------------------------------------------------------

# The first heading (st.title) of each page, checked on every run so a run of the wrong page counts.
TITLES = {"overview": "Ofsted inspection outcomes in England", "local-authority": "Local authority profile",
          "provider-types": "Outcomes by provider type", "map": "Map of inspection outcomes",
          "data": None, "methodology": None}
PATHS = {"overview": "", "provider-types": "provider-types", "local-authority": "local-authority",
         "map": "map", "data": "data", "methodology": "methodology"}


def step(page: str, query: str = "", expect: str | None = None) -> Step:
    return Step(page, PATHS[page], query, TITLES.get(page), expect, frozenset(PATHS.values()))


def current_las(data_dir: Path) -> dict[str, str]:
    """Code -> name of every current LA (153), from the built lookup."""
    import pandas as pd

    lookup = pd.read_parquet(Path(data_dir) / "lookups" / "local_authorities.parquet",
                             columns=["new_la_code", "la_name", "is_current"])
    current = lookup[lookup["is_current"]]
    return dict(zip(current["new_la_code"], current["la_name"]))


def journey(las: dict[str, str], rng: random.Random) -> list[Step]:
    """A reader's visit: overview, two LA profiles, provider types with a type change, the map, then
    the map of another provider type (the map's second run: new values, the same boundaries)."""
    first, second = rng.sample(sorted(las), 2)
    return [step("overview"),
            step("local-authority", f"la={first}", expect=las[first]),
            step("local-authority", f"la={second}", expect=las[second]),
            step("provider-types", "type=social_care_provider"),
            step("provider-types", "type=la_childrens_services"),
            step("map"),
            step("map", "type=social_care_provider")]


# -- the floor: the same journey on an app that does next to nothing ------------------------------

# A page per path of the journey, each writing its title and five lines: what a page run costs in
# Streamlit itself (the websocket, the script run, the messages), with the same config as the site.
FLOOR_APP = '''
import streamlit as st

TITLES = {titles!r}


def page(path):
    def show():
        st.title(TITLES.get(path) or path.title())
        for n in range(5):
            st.markdown(f"Line {{n + 1}} of a floor page: {{st.query_params.get('la', 'England')}}")
    return show


st.navigation([st.Page(page(path), title=path or "overview", url_path=path or "overview", default=not path)
               for path in {paths!r}]).run()
'''


def write_floor_app(folder: Path, config: Path) -> Path:
    """The floor app in `folder`, with the site's .streamlit/config.toml beside it."""
    (folder / ".streamlit").mkdir(parents=True, exist_ok=True)
    (folder / ".streamlit" / "config.toml").write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    app = folder / "floor_app.py"
    app.write_text(FLOOR_APP.format(titles={PATHS[p]: t for p, t in TITLES.items()}, paths=list(PATHS.values())),
                   encoding="utf-8")
    return app


def floor_journey(las: dict[str, str], rng: random.Random) -> list[Step]:
    """The site's journey, step for step, without the LA names the floor app does not show."""
    return [dataclasses.replace(s, expect=None) for s in journey(las, rng)]


# -- running many sessions ------------------------------------------------------------------------

async def walk(url: str, number: int, steps: list[Step], runs: list[Run], tick: Callable[[], None],
               cookie: str | None = None, hold: Callable[[], "asyncio.Future"] | None = None,
               deadline: float | None = None) -> None:
    """One session walks its steps (starting none after `deadline`, a perf_counter time), then (with
    `hold`) stays open until told; a failed connection counts as an error on every step."""
    try:
        async with Session(url, number, cookie) as session:
            for s in steps:
                if deadline is not None and time.perf_counter() > deadline:
                    break
                runs.append(await session.run(s))
                tick()
                if runs[-1].error and runs[-1].error.startswith(("connection closed", "no script_finished")):
                    break
            if hold:
                await hold()
                hold = None
    except (OSError, websockets.WebSocketException, TimeoutError) as e:
        for s in steps[len([r for r in runs if r.session == number]):]:
            runs.append(Run(s, number, error=f"could not connect: {e}", ended_at=time.perf_counter()))
            tick()
    finally:
        if hold:
            await hold()


def rss_mb(pids: Iterable[int]) -> float:
    """Resident memory of the server processes (VmRSS in /proc), in MB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


@dataclass
class LoadResult:
    sessions: int
    runs: list[Run]
    seconds: float
    rss_before_mb: float
    rss_after_mb: float
    planned: int = 0  # runs the journeys asked for; fewer ran when the time budget ended them

    @property
    def errors(self) -> int:
        return sum(1 for r in self.runs if r.error)

    @property
    def exceptions(self) -> int:
        return sum(len(r.exceptions) for r in self.runs)

    @property
    def runs_per_s(self) -> float:
        return len(self.runs) / self.seconds if self.seconds else 0.0

    @property
    def growth_per_session_mb(self) -> float:
        return (self.rss_after_mb - self.rss_before_mb) / max(self.sessions, 1)

    def pages(self) -> dict[str, dict[str, float]]:
        """p50, p95 and max server time and median bytes per page (map: first and later runs apart)."""
        out = {}
        for page in dict.fromkeys(r.step.page for r in self.runs):
            mine = [r for r in self.runs if r.step.page == page and not r.error]
            if not mine:
                continue
            times = [r.server_ms for r in mine]
            later = [r.bytes for r in mine if not r.first_of_page_in_session]
            out[page] = {"runs": len(mine), "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
                         "max_ms": max(times), "kb_first": statistics.median(r.bytes for r in mine if r.first_of_page_in_session) / 1024
                         if any(r.first_of_page_in_session for r in mine) else None,
                         "kb_later": statistics.median(later) / 1024 if later else None}
        return out

    def p95_ms(self) -> float:
        return percentile([r.server_ms for r in self.runs if not r.error], 95)

    def first_problems(self, n: int = 3) -> list[str]:
        seen = []
        for r in self.runs:
            for p in ([r.error] if r.error else []) + r.exceptions:
                if p not in seen:
                    seen.append(p)
        return seen[:n]


def _run(coro) -> None:
    """asyncio.run, also from a thread that already has a running event loop (Playwright's sync
    API leaves one in pytest's main thread): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro)
        return
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: with few runs it reports a run that happened)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def run_load(url: str, sessions: int, las: dict[str, str], pids: Iterable[int] = (), seed: int = 9,
             rounds: int = 1, progress: Callable[[int], Callable[[], None]] | None = None,
             budget_s: float | None = None, grace_s: float = 30.0,
             visit: Callable[[dict[str, str], random.Random], list[Step]] = journey) -> LoadResult:
    """N concurrent sessions, each walking the `visit` (the journey) `rounds` times with its own
    seeded LAs; no session starts a run after `budget_s` seconds, and runs still going `grace_s`
    later are cut."""
    pids = list(pids)
    plans = []
    for n in range(sessions):
        rng = random.Random(seed * 100_003 + n)
        plans.append([s for _ in range(rounds) for s in visit(las, rng)])
    tick = progress(sum(len(p) for p in plans)) if progress else (lambda: None)
    before = rss_mb(pids)
    runs: list[Run] = []
    after = [before]

    async def main() -> None:
        walked, release = asyncio.Semaphore(0), asyncio.Event()

        async def hold():
            walked.release()
            await release.wait()

        deadline = time.perf_counter() + budget_s if budget_s else None
        tasks = [asyncio.create_task(walk(url, n, plan, runs, tick, hold=hold, deadline=deadline))
                 for n, plan in enumerate(plans)]

        async def all_walked():
            for _ in plans:
                await walked.acquire()

        # Memory while every session is still open; runs still going `grace_s` after the budget
        # are cut (not counted: the table shows how many of the planned runs ran).
        try:
            await asyncio.wait_for(all_walked(), timeout=budget_s + grace_s if budget_s else None)
        except TimeoutError:
            pass
        after[0] = rss_mb(pids)
        release.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    started = time.perf_counter()
    _run(main())
    seconds = time.perf_counter() - started
    return LoadResult(sessions, runs, seconds, before, after[0], planned=sum(len(p) for p in plans))


def run_steps(url: str, steps: list[Step], cookie: str | None = None,
              after: Callable[[Run], None] | None = None, budget_s: float | None = None) -> list[Run]:
    """One session runs the steps in order (the cold and warm figures, the tests); `after` sees each run."""
    runs: list[Run] = []
    deadline = time.perf_counter() + budget_s if budget_s else None
    _run(walk(url, 0, steps, runs, (lambda: after(runs[-1])) if after else (lambda: None), cookie,
                     deadline=deadline))
    return runs


def warm_up(urls: list[str], las: dict[str, str], seed: int = 1) -> None:
    """One journey on each server at once, and the pages it leaves out (schools' provider types,
    data, methodology), then the HTML edition's first pages: a new process's first readers then meet
    warm pages (make serve, the pod's postStart hook, and the benchmark before it times the load)."""
    rest = [step("provider-types", "type=state_funded_school"), step("data"), step("methodology")]

    async def main() -> None:
        await asyncio.gather(*(walk(u, n, journey(las, random.Random(seed + n)) + rest, [], lambda: None)
                               for n, u in enumerate(urls)))
    _run(main())
    for u in urls:
        warm_plain_pages(u, next(iter(las), None))


def warm_plain_pages(url: str, la_code: str | None) -> None:
    """The HTML edition's first pages and the API's list, by HTTP, as a reader would ask: the first
    page a process makes pays for the templates and the SVG renderer (about 1.5 s), every later one
    only for its own charts. An edition page that fails raises here, before readers come."""
    for address in ["/browse", "/areas", "/releases", *([f"/areas/{la_code}", f"/local-authority?la={la_code}"]
                                                        if la_code else []), "/api/v1/releases"]:
        with urllib.request.urlopen(url.rstrip("/") + address, timeout=120) as answer:
            answer.read()
