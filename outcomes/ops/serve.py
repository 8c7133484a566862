"""`make serve N=4`: N Streamlit processes on ports 8601.. behind nginx on one port.

    python -m outcomes.ops.serve --processes 4 --port 8501

Starts the processes, waits until each answers /_stcore/health, writes the nginx config from
deploy/nginx.conf.template into a run folder and runs Debian's nginx as the current user (no root
paths), then supervises them until Ctrl-C (or SIGTERM) stops them all. A process that exits (an
out-of-memory kill at 09:31) is taken out of nginx's pool, started again on its port, warmed up and
put back; meanwhile nginx sends its readers to the others (max_fails, proxy_next_upstream in the
template). nginx itself is started again if it exits. `Serving` does the same for the benchmark
and the tests. Needs no Streamlit import: it starts Streamlit as child processes.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from outcomes import settings

TEMPLATE = settings.PROJECT_ROOT / "deploy" / "nginx.conf.template"
NGINX_HELP = ("nginx not found: install Debian's package (make nginx, or "
              "apt-get install -y nginx) or pass --nginx /path/to/nginx")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 90.0, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    """Wait until GET url/_stcore/health answers ok; fail early (with the log's tail) if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{proc.args[0]} exited with code {proc.returncode} before {url} was healthy:\n{tail}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url}/_stcore/health did not answer within {timeout:.0f} s" + (f" (log: {log})" if log else ""))


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the launcher dies, even by SIGKILL (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except OSError:
        pass


def start_streamlit(port: int, log: Path, app: Path | None = None, env: dict[str, str] | None = None,
                    python_args: list[str] | None = None) -> subprocess.Popen:
    """One `streamlit run` of the app on 127.0.0.1:port, its output in `log`.

    python_args replaces `-m streamlit` (the benchmark starts it through a wrapper that times queries)."""
    app = Path(app or settings.PROJECT_ROOT / "app.py")
    cmd = [sys.executable, *(python_args or ["-m", "streamlit"]), "run", str(app), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true"]
    out = open(log, "ab")
    return subprocess.Popen(cmd, cwd=app.parent, stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})}, start_new_session=True,
                            preexec_fn=_die_with_parent)


def fresh_process(folder: Path, app: Path | None = None, env: dict[str, str] | None = None,
                  python_args: list[str] | None = None) -> tuple[subprocess.Popen, str]:
    """One process of the site on a free port, healthy, its log in `folder`: (process, its URL)."""
    port = free_port()
    log = Path(folder) / f"streamlit-{port}.log"
    proc = start_streamlit(port, log, app, env, python_args)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc=proc, log=log)
    except BaseException:
        stop([proc])
        raise
    return proc, f"http://127.0.0.1:{port}"


def stop(procs: list[subprocess.Popen], timeout: float = 10.0) -> None:
    """Terminate each process we started, then kill what did not stop in time."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + timeout
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def find_nginx(explicit: str | None = None) -> str | None:
    return explicit or shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


# One failed connection takes a process out for 5 s (nginx then tries it again with one request,
# passed on to another process if it fails): a process that died costs no reader a failed request.
UPSTREAM_PARAMS = "max_fails=1 fail_timeout=5s"
RESTART_BACKOFF_S = (1, 2, 5, 10, 30)  # between attempts when a restarted process will not come up


def nginx_config(run_dir: Path, listen: int, backends: list[int], template: Path = TEMPLATE,
                 down: frozenset[int] = frozenset()) -> str:
    """The template with the run folder, the listening port and one `server` line per process;
    those in `down` (being restarted) get no reader, and every other keeps its share of the hash."""
    # As root, nginx's workers would otherwise drop to "nobody" and could not write the run folder.
    user = "user root root;" if os.geteuid() == 0 else ""
    servers = "\n".join(f"        server 127.0.0.1:{p} {UPSTREAM_PARAMS}{' down' if p in down else ''};" for p in backends)
    text = template.read_text()
    for key, value in {"USER": user, "RUN_DIR": str(run_dir), "LISTEN": str(listen), "SERVERS": servers}.items():
        text = text.replace(f"@@{key}@@", value)
    return text


class Serving:
    """N Streamlit processes behind nginx, for as long as the `with` block lasts; `supervise()`
    restarts any that exits."""

    def __init__(self, processes: int = 4, port: int = 8501, base_port: int = 8601, app: Path | None = None,
                 run_dir: Path | None = None, nginx: str | None = None, env: dict[str, str] | None = None,
                 python_args: list[str] | None = None, echo=print, ports: list[int] | None = None,
                 warm: bool | None = None):
        self.n, self.port, self.base_port, self.app = processes, port, base_port, app
        self.warm = app is None if warm is None else warm  # the site's own journey: only for the site
        self._ports = ports
        self.run_dir = Path(run_dir or tempfile.mkdtemp(prefix="outcomes-serve-"))
        self.nginx_bin = find_nginx(nginx)
        # One cookie secret for every process (and every restart of one), so a reader moved to
        # another process (one died) still passes Streamlit's XSRF check.
        self.env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16), **(env or {})}
        self.python_args, self.echo = python_args, echo
        self.backends: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self.down: set[int] = set()  # ports nginx sends nobody to (being restarted)
        self.failures: dict[int, int] = {}  # port -> restarts in a row that did not come up

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.backends]

    @property
    def ports(self) -> list[int]:
        return self._ports or [self.base_port + i for i in range(self.n)]

    def _log(self, port: int) -> Path:
        return self.run_dir / f"streamlit-{port}.log"

    def __enter__(self) -> "Serving":
        if not self.nginx_bin:
            raise RuntimeError(NGINX_HELP)
        if not TEMPLATE.exists():
            raise RuntimeError(f"nginx template missing: {TEMPLATE}")
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        try:
            for port in self.ports:
                self.backends.append(start_streamlit(port, self._log(port), self.app, self.env, self.python_args))
            for port, proc in zip(self.ports, self.backends):
                wait_healthy(f"http://127.0.0.1:{port}", proc=proc, log=self._log(port))
                self.echo(f"streamlit process {proc.pid} healthy on port {port}")
            if self.warm:
                self._warm_up(self.ports)
            self._start_nginx()
        except BaseException:
            self.__exit__()
            raise
        self.echo(f"serving {self.url} through nginx: {self.n} processes, ports {self.ports[0]}-{self.ports[-1]}; "
                  f"config and logs in {self.run_dir}")
        return self

    def _write_config(self) -> Path:
        conf = self.run_dir / "nginx.conf"
        conf.write_text(nginx_config(self.run_dir, self.port, self.ports, down=frozenset(self.down)))
        return conf

    def _start_nginx(self) -> None:
        conf = self._write_config()
        self.nginx = subprocess.Popen([self.nginx_bin, "-p", str(self.run_dir), "-c", str(conf),
                                       "-e", str(self.run_dir / "error.log")],
                                      stdout=open(self.run_dir / "nginx.out", "ab"), stderr=subprocess.STDOUT,
                                      start_new_session=True, preexec_fn=_die_with_parent)
        wait_healthy(self.url, timeout=20, proc=self.nginx, log=self.run_dir / "error.log")

    def _reload_nginx(self) -> None:
        """Rewrite the config (the processes marked down) and have nginx read it: readers' open
        websockets stay where they are, new requests follow the new config."""
        self._write_config()
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGHUP)

    def _warm_up(self, ports: list[int]) -> None:
        """One reader's journey on each process, before nginx sends it anyone: the imports, the
        store and the first cached results are then ready, and no real reader pays for them."""
        from outcomes.ops import loadbench  # the load client (websockets, Streamlit's protobufs), only to warm up

        started = time.perf_counter()
        try:
            las = loadbench.current_las(settings.data_dir())
        except (OSError, ValueError, KeyError):
            self.echo("no built data to warm up with (make data builds it): readers will wait for the first runs")
            return
        loadbench.warm_up([f"http://127.0.0.1:{p}" for p in ports], las)
        self.echo(f"warmed up {len(ports)} processes in {time.perf_counter() - started:.1f} s")

    def supervise(self) -> None:
        """One look at every process: start nginx again if it exited, and restart each Streamlit
        process that exited (call it every second or so; make serve does)."""
        if self.nginx is not None and self.nginx.poll() is not None:
            self.echo(f"nginx (pid {self.nginx.pid}) exited with code {self.nginx.returncode}; starting it again")
            self._start_nginx()
        for i, proc in enumerate(self.backends):
            if proc.poll() is not None:
                self.backends[i] = self._restart(self.ports[i], proc)

    def _restart(self, port: int, dead: subprocess.Popen) -> subprocess.Popen:
        """Take the process on `port` out of nginx's pool, start it again, warm it up, put it back.
        One that will not come up is tried again later (backing off); the others serve meanwhile."""
        started = time.perf_counter()
        if port not in self.down:
            self.echo(f"streamlit process {dead.pid} on port {port} exited with code {dead.returncode}; "
                      "restarting it (nginx sends its readers to the others)")
            self.down.add(port)
            self._reload_nginx()
        proc = start_streamlit(port, self._log(port), self.app, self.env, self.python_args)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", proc=proc, log=self._log(port))
            if self.warm:
                self._warm_up([port])
        except RuntimeError as e:
            stop([proc])
            tries = self.failures[port] = self.failures.get(port, 0) + 1
            wait = RESTART_BACKOFF_S[min(tries, len(RESTART_BACKOFF_S)) - 1]
            self.echo(f"error: the process on port {port} did not come up ({str(e).splitlines()[0]}); "
                      f"trying again in {wait} s. Log: {self._log(port)}")
            time.sleep(wait)
            return proc  # exited: the next look tries again
        self.failures.pop(port, None)
        self.down.discard(port)
        self._reload_nginx()
        self.echo(f"streamlit process {proc.pid} back on port {port} after {time.perf_counter() - started:.1f} s")
        return proc

    def __exit__(self, *exc) -> None:
        stop(([self.nginx] if self.nginx else []) + self.backends)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m outcomes.ops.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", "-n", type=int, default=4, help="Streamlit processes (default 4)")
    parser.add_argument("--port", type=int, default=8501, help="the one public port nginx listens on (default 8501)")
    parser.add_argument("--base-port", type=int, default=8601, help="first process's port (default 8601)")
    parser.add_argument("--run-dir", type=Path, default=None, help="folder for nginx.conf, pid and logs (default: a new temp folder)")
    parser.add_argument("--nginx", default=None, help="nginx binary (default: nginx on PATH or /usr/sbin/nginx)")
    parser.add_argument("--app", type=Path, default=None, help="the Streamlit script (default: app.py of the project)")
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        with Serving(args.processes, args.port, args.base_port, app=args.app, run_dir=args.run_dir,
                     nginx=args.nginx, echo=lambda m: print(m, flush=True)) as serving:
            print("Ctrl-C stops nginx and every process.", flush=True)
            while True:
                serving.supervise()
                time.sleep(0.5)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 0
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
