"""`make bench`, HTTP part: the HTML edition and the API under a real load tool (Debian's wrk).

Each path is driven against one process (`streamlit run app.py`), against `make serve` (processes
behind nginx, which keeps what the app marks cacheable) and against the floor: nginx serving the
same bytes as a static file. Printed side by side: requests a second, p50/p95/p99 and errors, at
100 concurrent connections. wrk runs on the same 2 cores as the server, in every row alike.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from outcomes.ops import serve
from outcomes.web import public

CONNECTIONS = 100
THREADS = 2
DURATION_S = 10
# The targets: the LA page at half nginx's rate for the same bytes or better, p99 under
# 50 ms at 100 connections, no errors.
TARGETS = {"ratio_to_static": 0.5, "p99_ms": 50.0}
WRK_HELP = "wrk not found: install Debian's package (make wrk, or apt-get install -y wrk)"

# wrk's Lua hook: one JSON line with the figures wrk's own summary leaves out (p95, error kinds).
REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "status": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

STATIC_NGINX = """
@@USER@@
worker_processes 1;
pid @@DIR@@/nginx.pid;
error_log @@DIR@@/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path @@DIR@@/tmp;
    proxy_temp_path @@DIR@@/tmp;
    fastcgi_temp_path @@DIR@@/tmp;
    uwsgi_temp_path @@DIR@@/tmp;
    scgi_temp_path @@DIR@@/tmp;
    types { text/html html; text/csv csv; application/json json; }
    server {
        listen 127.0.0.1:@@PORT@@;
        root @@DIR@@/www;
        location / { try_files $uri =404; }
    }
}
"""


@dataclass(frozen=True)
class Figures:
    """One wrk run: what a reader of the table needs."""
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # connection errors, timeouts and non-2xx/3xx answers
    kb_per_answer: float


def find_wrk() -> str | None:
    return shutil.which("wrk") or next((p for p in ("/usr/bin/wrk",) if Path(p).exists()), None)


def parse(output: str) -> Figures:
    """wrk's output, by the JSON line REPORT_LUA writes."""
    found = re.search(r"^WRK (\{.*\})$", output, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no figures:\n{output[-2000:]}")
    w = json.loads(found.group(1))
    seconds = w["duration_us"] / 1e6
    errors = w["connect"] + w["read"] + w["write"] + w["timeout"] + w["status"]
    return Figures(round(w["requests"] / seconds, 1), w["p50_us"] / 1000, w["p95_us"] / 1000, w["p99_us"] / 1000,
                   errors, round(w["bytes"] / max(w["requests"], 1) / 1024, 1))


def drive(url: str, wrk: str, folder: Path, duration_s: int = DURATION_S, connections: int = CONNECTIONS) -> Figures:
    """wrk against one URL with gzip accepted, as a browser would ask."""
    script = folder / "report.lua"
    script.write_text(REPORT_LUA)
    out = subprocess.run([wrk, f"-t{THREADS}", f"-c{connections}", f"-d{duration_s}s", "--timeout", "5s",
                          "-H", "Accept-Encoding: gzip", "-s", str(script), url],
                         capture_output=True, text=True, timeout=duration_s + 60)
    return parse(out.stdout + out.stderr)


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    """The answer's bytes as sent (gzip when the server gzips) and its headers."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read(), {k.lower(): v for k, v in r.headers.items()}


def warm(url: str, times: int = 3) -> None:
    """Made once per process and published set: the first request makes it, the bench measures the rest."""
    for _ in range(times):
        fetch(url)


class StaticFloor:
    """nginx serving files as static bytes on a free port: the floor every row is set beside."""

    def __init__(self, folder: Path):
        self.dir, self.port = folder, serve.free_port()
        self.proc: subprocess.Popen | None = None

    def put(self, name: str, body: bytes) -> str:
        (self.dir / "www").mkdir(parents=True, exist_ok=True)
        (self.dir / "www" / name).write_bytes(body)
        return f"http://127.0.0.1:{self.port}/{name}"

    def __enter__(self) -> "StaticFloor":
        (self.dir / "tmp").mkdir(parents=True, exist_ok=True)
        (self.dir / "www").mkdir(parents=True, exist_ok=True)
        conf = STATIC_NGINX.replace("@@DIR@@", str(self.dir)).replace("@@PORT@@", str(self.port))
        conf = conf.replace("@@USER@@", "user root root;" if os.geteuid() == 0 else "")
        (self.dir / "nginx.conf").write_text(conf)
        self.proc = subprocess.Popen([serve.find_nginx(), "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
                                      "-e", str(self.dir / "error.log")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1)
            except urllib.error.HTTPError:
                return self  # a 404 from nginx: it is up
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the static nginx did not start: see {self.dir / 'error.log'}")

    def __exit__(self, *exc) -> None:
        if self.proc:
            serve.stop([self.proc])


LA = "E08000035"  # Leeds: a large, typical authority (the LA profile's default too)


def paths() -> dict[str, str]:
    """What a reader asks for most: Leeds's page of the edition, and an API query of its children's
    homes at the latest public social care release (outcomes.web.api), as CSV."""
    homes = public.store().latest("social_care_provider")
    found = {"LA page (HTML)": f"/areas/{LA}"}
    if homes is not None:
        found["API query (CSV)"] = (f"/api/v1/releases/{homes.id}/data?geographic_level=local_authority&area={LA}"
                                    "&format=csv")
    return found


def _rows(label: str, results: dict[str, Figures | str], floors: dict[str, Figures]) -> list[tuple]:
    rows = []
    for name, f in results.items():
        if isinstance(f, str):
            rows.append((f"{name}: {label}", f, "", "", "", "", ""))
            continue
        floor = floors.get(name)
        ratio = f"{f.requests_per_s / floor.requests_per_s:.2f}" if floor and floor.requests_per_s else ""
        rows.append((f"{name}: {label}", f"{f.requests_per_s:,.0f}", f"{f.p50_ms:.1f}", f"{f.p95_ms:.1f}",
                     f"{f.p99_ms:.1f}", f"{f.errors}", ratio))
    return rows


def _table(echo: Callable[[str], None], rows: list[tuple]) -> None:
    echo(f"{'HTTP, ' + str(CONNECTIONS) + ' connections, ' + str(DURATION_S) + ' s each':44} {'req/s':>9} {'p50 ms':>8} "
         f"{'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'÷ static':>9}")
    for name, rps, p50, p95, p99, errors, ratio in rows:
        echo(f"{name:44} {rps:>9} {p50:>8} {p95:>8} {p99:>8} {errors:>7} {ratio:>9}")


def _verdict(echo: Callable[[str], None], single: dict, floors: dict) -> None:
    la = single.get("LA page (HTML)")
    if not isinstance(la, Figures):
        return
    ratio = la.requests_per_s / floors["LA page (HTML)"].requests_per_s
    for text, met in ((f"LA page, one process ÷ static nginx: {ratio:.2f} (target >= {TARGETS['ratio_to_static']})",
                       ratio >= TARGETS["ratio_to_static"]),
                      (f"LA page, one process p99: {la.p99_ms:.1f} ms (target < {TARGETS['p99_ms']:.0f} ms)",
                       la.p99_ms < TARGETS["p99_ms"]),
                      (f"errors, every row: {sum(f.errors for f in single.values() if isinstance(f, Figures))}",
                       all(f.errors == 0 for f in single.values() if isinstance(f, Figures)))):
        echo(f"  {text}{'  ok' if met else '  <-- missed'}")


def run(echo: Callable[[str], None], processes: int = 2) -> dict[str, dict[str, Figures]]:
    """The HTTP table: each path on one process, on make serve, and as a static file."""
    wrk = find_wrk()
    if not wrk or not serve.find_nginx():
        echo(f"skipped the HTTP benchmark: {WRK_HELP if not wrk else serve.NGINX_HELP}")
        return {}
    wanted = paths()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        echo(f"HTTP benchmark: wrk, {CONNECTIONS} connections, {DURATION_S} s a path; one fresh process first...")
        proc, url = serve.fresh_process(folder)
        single, bodies = {}, {}
        try:
            for name, path in wanted.items():
                try:
                    warm(url + path)
                    bodies[name] = fetch(url + path)[0]
                except OSError as e:
                    single[name] = f"failed: {e}"
                    continue
                single[name] = drive(url + path, wrk, folder)
        finally:
            serve.stop([proc])
        echo(f"... make serve ({processes} processes behind nginx, its cache on)...")
        served = {}
        with serve.Serving(processes, port=serve.free_port(), ports=[serve.free_port() for _ in range(processes)],
                           run_dir=folder / "serve", echo=lambda m: None) as s:
            for name, path in wanted.items():
                if name in bodies:
                    warm(s.url + path, times=processes + 2)
                    served[name] = drive(s.url + path, wrk, folder)
        echo("... nginx serving the same bytes as static files...")
        floors = {}
        with StaticFloor(folder / "static") as floor:
            for i, (name, body) in enumerate(bodies.items()):
                floors[name] = drive(floor.put(f"answer{i}", body), wrk, folder)
    echo("")
    _table(echo, _rows("one process", single, floors) + _rows(f"make serve, {processes}", served, floors)
           + _rows("static nginx (floor)", floors, floors))
    _verdict(echo, single, floors)
    return {"one process": single, "serve": served, "static": floors}
