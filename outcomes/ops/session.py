"""One reader of the site over Streamlit's own websocket protocol, with no browser: a session that
runs pages one after another, and the checks that each run ran the page asked for.

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
import time
from dataclasses import dataclass, field
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
