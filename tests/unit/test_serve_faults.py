"""Release day under faults, `make serve`: one of two processes killed (SIGKILL, as the kernel's
out-of-memory killer does) while readers use the site through nginx. What a reader and the
operator notice: no request fails after the first seconds, a reader whose process died reconnects
and sees its page again, and the process is back (restarted, on its port, taking readers) within
20 s. Uses the throwaway app of tiny_app.py, so it needs no built data."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass

import pytest
import websockets

from outcomes import settings
from outcomes.ops import serve
from outcomes.ops.session import Session, Step
from tests.unit.tiny_app import write_app

READERS = 8
GRACE_S = 3.0      # requests in flight when the process dies may fail; none after this
BACK_WITHIN_S = 20.0


@dataclass
class Seen:
    at: float           # time.monotonic() when the request started
    what: str           # "http" or the reader's step
    reader: int
    ok: bool
    detail: str = ""
    reconnect: bool = False


def _steps(reader: int) -> list[Step]:
    return [Step("home", "", f"who=R{reader}", title="Home", expect=f"Hello R{reader}"),
            Step("boom", "boom", title="Boom", expect="fine")]


async def _reader(url: str, reader: int, stop: threading.Event, seen: list[Seen]) -> None:
    """One reader with its own sticky cookie, running its two pages in turn; when its websocket is
    cut it reconnects, as Streamlit's frontend does, and runs the page it was on again."""
    cookie, steps, i, again = f"stbackend=reader-{reader}", _steps(reader), 0, False
    while not stop.is_set():
        started = time.monotonic()
        try:
            async with Session(url, reader, cookie) as session:
                while not stop.is_set():
                    step = steps[i % 2]
                    started = time.monotonic()
                    run = await session.run(step, timeout=15)
                    seen.append(Seen(started, step.page, reader, run.ok, run.error or "", again))
                    if not run.ok:
                        break  # the connection was cut: reconnect and run this page again
                    again, i = False, i + 1
                    await asyncio.sleep(0.05)
        except (OSError, websockets.WebSocketException, TimeoutError) as e:
            seen.append(Seen(started, "connect", reader, False, str(e), again))
        again = True
        await asyncio.sleep(0.2)


def _http(url: str, stop: threading.Event, seen: list[Seen]) -> None:
    """Plain requests through nginx, each reader's cookie in turn: the page and the health check."""
    n = 0
    while not stop.is_set():
        n += 1
        started = time.monotonic()
        path = "/_stcore/health" if n % 2 else "/?who=x"
        request = urllib.request.Request(url + path, headers={"Cookie": f"stbackend=reader-{n % READERS}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                seen.append(Seen(started, "http", n % READERS, r.status == 200, path))
        except OSError as e:
            seen.append(Seen(started, "http", n % READERS, False, f"{path}: {e}"))
        time.sleep(0.05)


class Launcher:
    """`python -m outcomes.ops.serve` (what make serve runs), its output read as it comes."""

    def __init__(self, tmp_path):
        self.port, self.run_dir = serve.free_port(), tmp_path / "run"
        base = serve.free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "outcomes.ops.serve", "-n", "2", "--port", str(self.port),
                                      "--base-port", str(base), "--app", str(write_app(tmp_path)),
                                      "--run-dir", str(self.run_dir)],
                                     cwd=settings.PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[tuple[float, str]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line))

    def wait_for(self, pattern: str, timeout: float, after: float = 0.0) -> tuple[float, re.Match]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if at >= after and (m := re.search(pattern, line)):
                    return at, m
            assert self.proc.poll() is None, "the launcher stopped:\n" + self.output()
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} within {timeout:.0f} s:\n" + self.output())

    def output(self) -> str:
        return "".join(line for _, line in self.lines)

    def port_of(self, reader: int) -> str:
        """The port of the process nginx keeps a reader on (asked once through nginx, then read from its log)."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/_stcore/health",
                                         headers={"Cookie": f"stbackend=reader-{reader}"})
        urllib.request.urlopen(request, timeout=10).close()
        lines = (self.run_dir / "access.log").read_text().splitlines()
        return next(m.group(1) for line in reversed(lines) if (m := re.search(rf"upstream=\S+:(\d+) key=reader-{reader}$", line)))

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=30)


@pytest.mark.nginx
@pytest.mark.slow
def test_a_killed_process_costs_no_reader_a_request_and_is_back_within_20_s(tmp_path):
    if not serve.find_nginx():
        if os.environ.get("CI"):
            pytest.fail(f"{serve.NGINX_HELP}: CI must test make serve")  # never a silent green
        pytest.skip(serve.NGINX_HELP)
    launcher = Launcher(tmp_path)
    stop, seen = threading.Event(), []
    url = f"http://127.0.0.1:{launcher.port}"
    try:
        launcher.wait_for(r"^Ctrl-C", 60)
        ports = {m.group(2): int(m.group(1)) for _, line in launcher.lines
                 if (m := re.match(r"streamlit process (\d+) healthy on port (\d+)", line))}

        def readers() -> None:
            async def main():
                await asyncio.gather(*(_reader(url, r, stop, seen) for r in range(READERS)))
            asyncio.run(main())
        load = [threading.Thread(target=readers), threading.Thread(target=_http, args=(url, stop, seen))]
        for t in load:
            t.start()
        time.sleep(3)
        victim_port = launcher.port_of(0)  # reader 0's process dies
        killed_at = time.monotonic()
        os.kill(ports[victim_port], signal.SIGKILL)
        back_at, back = launcher.wait_for(rf"streamlit process (\d+) back on port {victim_port} after", BACK_WITHIN_S,
                                          after=killed_at)
        time.sleep(3)  # readers carry on; new readers reach the restarted process too
        stop.set()
        for t in load:
            t.join(timeout=30)
        fresh = [urllib.request.urlopen(f"{url}/_stcore/health", timeout=5).status for _ in range(20)]
        assert f"127.0.0.1:{victim_port}" in set(_upstreams_since(launcher, 20)), "the restarted process takes no new reader"
    finally:
        stop.set()
        launcher.stop()

    assert back_at - killed_at < BACK_WITHIN_S
    assert int(back.group(1)) != ports[victim_port]
    assert f"on port {victim_port} exited with code -9" in launcher.output()
    late = [s for s in seen if s.at > killed_at + GRACE_S]
    assert late and [f"{s.what} (reader {s.reader}): {s.detail}" for s in late if not s.ok] == []
    assert fresh == [200] * 20
    cut = [s for s in seen if s.reader == 0 and not s.ok and s.at >= killed_at - 1]
    assert cut, "reader 0 was on the killed process: its websocket should have been cut"
    again = [s for s in seen if s.reader == 0 and s.reconnect and s.ok and s.what != "http"]
    assert again, "reader 0 reconnected and saw its page again"
    after_back = {s.reader for s in seen if s.what in ("home", "boom") and s.ok and s.at > back_at}
    assert after_back == set(range(READERS)), "every reader runs pages after the restart"


def _upstreams_since(launcher: Launcher, last: int) -> list[str]:
    lines = (launcher.run_dir / "access.log").read_text().splitlines()[-last:]
    return [m.group(1) for line in lines if (m := re.search(r"upstream=(\S+) key=", line))]
