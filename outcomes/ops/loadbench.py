"""A load benchmark that drives the site over Streamlit's own websocket protocol, with no browser.

Each simulated reader is one websocket session (`/_stcore/stream`, subprotocol `streamlit`). A page
run is a `BackMsg.rerun_script` carrying the page and the query string, as the browser sends it; the
run ends at the `ForwardMsg.script_finished` that follows. Server time is send -> script_finished.

How the browser names pages (streamlit/runtime/pages_manager.py, commands/navigation.py in 1.67):
a first load sends `page_name` = the URL path ("" for the root) and no hash; afterwards it sends the
`page_script_hash` that the app's `navigation` message gave for that page. The navigation message of
each run says which page actually ran, so every run is checked against the page asked for.
Needs no Streamlit server import: only the protobufs that ship in `streamlit.proto`.
"""
from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import parse_qsl

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

RUN_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class Step:
    """One page run a reader asks for: the page's label, its URL path in app.py ("" for the default
    page), the query string, and optionally the title and a text that the run must show."""
    page: str
    path: str
    query: str = ""
    title: str | None = None
    expect: str | None = None
    menu: frozenset[str] = frozenset()  # URL paths the app's own navigation lists (app.py's st.navigation)


@dataclass
class Run:
    """What one page run did, as the client saw it."""
    step: Step
    session: int
    server_ms: float = 0.0
    bytes: int = 0
    messages: int = 0
    exceptions: list[str] = field(default_factory=list)
    error: str | None = None      # not finished, compile error, or not the page asked for
    title: str | None = None
    texts: list[str] = field(default_factory=list)  # headings and markdown, in the order shown
    first_of_page_in_session: bool = True
    ended_at: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and not self.exceptions


class Session:
    """One reader: a websocket session that runs pages one after another, like a browser tab."""

    def __init__(self, url: str, number: int = 0, cookie: str | None = None):
        # http://host:port (the site's address) or ws://host:port: the stream is at /_stcore/stream.
        self.url = "ws" + url.rstrip("/").removeprefix("http").removeprefix("ws") + "/_stcore/stream"
        self.number = number
        self.cookie = cookie
        self.ws = None
        self.page_hashes: dict[str, str] = {}   # URL path -> page_script_hash, from the app's navigation
        self.cached: set[str] = set()           # hashes of cacheable messages received (the browser's cache)
        self.seen_pages: set[str] = set()

    async def __aenter__(self) -> "Session":
        headers = {"Cookie": self.cookie} if self.cookie else None
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                           additional_headers=headers, open_timeout=60, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def run(self, step: Step, timeout: float = RUN_TIMEOUT_S) -> Run:
        run = Run(step, self.number, first_of_page_in_session=step.page not in self.seen_pages)
        self.seen_pages.add(step.page)
        state = ClientState(query_string=step.query, page_name=step.path,
                            page_script_hash=self.page_hashes.get(step.path, ""),
                            cached_message_hashes=sorted(self.cached))
        started = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        seen = _Seen()
        try:
            async with asyncio.timeout(timeout):
                while True:
                    raw = await self.ws.recv()
                    run.bytes += len(raw)
                    run.messages += 1
                    msg = ForwardMsg()
                    msg.ParseFromString(raw)
                    if msg.metadata.cacheable and msg.hash:
                        self.cached.add(msg.hash)
                    if seen.take(msg, run):
                        break
        except TimeoutError:
            run.error = f"no script_finished within {timeout:.0f} s"
        except websockets.ConnectionClosed as e:
            run.error = f"connection closed: {e}"
        run.server_ms = 1000 * (time.perf_counter() - started)
        run.ended_at = time.perf_counter()
        if run.error is None:
            run.error = seen.check(step, self.page_hashes, run_failed=bool(run.exceptions))
        run.texts = seen.texts
        return run


class _Seen:
    """The parts of one run's messages that say which page ran and what it showed."""

    def __init__(self):
        self.nav_hash: str | None = None
        self.nav_paths: dict[str, str] = {}
        self.not_found = False
        self.query: str | None = None
        self.texts: list[str] = []
        self.title: str | None = None

    def take(self, msg: ForwardMsg, run: Run) -> bool:
        """Record one message; True when it ends the run."""
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                run.exceptions.append(f"{element.exception.type}: {element.exception.message}".strip(": "))
            elif which == "heading":
                self.title = self.title or element.heading.body
                self.texts.append(element.heading.body)
            elif which == "markdown":
                self.texts.append(element.markdown.body)
            elif which == "vega_lite_chart":
                self.texts.append(json.loads(element.vega_lite_chart.spec).get("description", ""))
        elif kind == "navigation":
            self.nav_hash = msg.navigation.page_script_hash
            self.nav_paths = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "page_not_found":
            self.not_found = True
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return False  # the page called st.rerun: the run goes on
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                run.error = "script finished with a compile error"
            run.title = self.title
            return True
        return False

    def check(self, step: Step, page_hashes: dict[str, str], run_failed: bool = False) -> str | None:
        """None when the run ran the page asked for and honoured its query; else what went wrong."""
        if self.not_found:
            return f"page {step.path!r} not found: the default page ran instead"
        if self.nav_hash is None or step.path not in self.nav_paths:
            return f"no navigation naming page {step.path!r}: not the app's navigation"
        if not step.menu <= set(self.nav_paths):
            # Streamlit 1.67 runs a pages/ file alone (no app.py) for a deep link to a fresh process
            # until some run executes app.py's st.navigation: its menu is the pages/ file names.
            return f"page {step.path!r} ran outside the app's navigation (menu {sorted(self.nav_paths)})"
        page_hashes.update(self.nav_paths)
        if self.nav_hash != self.nav_paths[step.path]:
            ran = next((p for p, h in self.nav_paths.items() if h == self.nav_hash), self.nav_hash)
            return f"asked for page {step.path!r}, ran {ran!r}"
        if step.title is not None and self.title != step.title:
            return f"page {step.page}: expected the title {step.title!r}, saw {self.title!r}"
        if run_failed:
            return None  # the exception is counted; what the page would have shown after it is moot
        if step.expect is not None and not any(step.expect in t for t in self.texts):
            return f"page {step.page}: {step.expect!r} is not shown"
        if self.query is not None:
            final = dict(parse_qsl(self.query, keep_blank_values=True))
            for key, value in parse_qsl(step.query, keep_blank_values=True):
                if final.get(key) != value:
                    return f"page {step.page}: asked for ?{key}={value}, the page shows ?{key}={final.get(key)}"
        return None


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
    data, methodology): a new process's first readers then meet warm pages (make serve, the pod's
    postStart hook, and the benchmark before it times the load)."""
    rest = [step("provider-types", "type=state_funded_school"), step("data"), step("methodology")]

    async def main() -> None:
        await asyncio.gather(*(walk(u, n, journey(las, random.Random(seed + n)) + rest, [], lambda: None)
                               for n, u in enumerate(urls)))
    _run(main())
