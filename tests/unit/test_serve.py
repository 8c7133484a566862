"""`make serve`: Streamlit processes behind Debian's nginx, with sticky sessions and the websocket
upgrade (issue 9). Uses the throwaway app of tiny_app.py, so it needs no built data."""
from __future__ import annotations

import os
import re
import urllib.error
import urllib.request

import pytest

from outcomes import settings

from outcomes.ops import serve
from outcomes.ops.loadbench import run_steps
from outcomes.ops.session import Step
from tests.unit.tiny_app import write_app


def test_nginx_config_has_stickiness_websocket_upgrade_and_every_process(tmp_path):
    conf = serve.nginx_config(tmp_path, 8501, [8601, 8602, 8603])
    assert "listen 8501;" in conf and "@@" not in conf
    # Both upstreams (the sticky Streamlit one, the edition's least-busy one) hold every process once.
    for name in ("streamlit", "edition"):
        block = conf[conf.index(f"upstream {name} {{"):]
        block = block[:block.index("}")]
        assert re.findall(r"server 127\.0\.0\.1:(\d+)", block) == ["8601", "8602", "8603"], name
    assert "hash $sticky_key" in conf and "stbackend=" in conf
    stream = conf[conf.index("location /_stcore/stream"):]
    stream = stream[:stream.index("}")]
    for line in ("proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
                 "proxy_set_header Connection $connection_upgrade;", "proxy_read_timeout 86400s;"):
        assert line in stream
    assert f"pid {tmp_path}/nginx.pid;" in conf


def test_a_dead_process_is_taken_out_and_one_being_restarted_gets_nobody(tmp_path):
    conf = serve.nginx_config(tmp_path, 8501, [8601, 8602], down=frozenset({8602}))
    assert "server 127.0.0.1:8601 max_fails=1 fail_timeout=5s;" in conf
    assert "server 127.0.0.1:8602 max_fails=1 fail_timeout=5s down;" in conf
    assert "proxy_next_upstream error timeout;" in conf and "proxy_connect_timeout 2s;" in conf


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    if not serve.find_nginx():
        if os.environ.get("CI"):
            pytest.fail(f"{serve.NGINX_HELP}: CI must test make serve")  # never a silent green
        pytest.skip(serve.NGINX_HELP)
    folder = tmp_path_factory.mktemp("serve")
    ports = [serve.free_port() for _ in range(2)]
    with serve.Serving(2, port=serve.free_port(), ports=ports, app=write_app(folder),
                       run_dir=folder / "run", echo=lambda m: None) as s:
        yield s


def _get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.status, r.read().decode(), r.headers.get_all("Set-Cookie") or []


def _upstreams(serving, key: str | None = None) -> list[str]:
    lines = (serving.run_dir / "access.log").read_text().splitlines()
    return [m.group(1) for line in lines if (m := re.search(r"upstream=(\S+) key=(\S+)", line))
            and (key is None or m.group(2) == key)]


@pytest.mark.nginx
@pytest.mark.slow
def test_health_passes_through_nginx_and_sets_the_sticky_cookie(serving):
    status, body, cookies = _get(f"{serving.url}/_stcore/health")
    assert (status, body) == (200, "ok")
    assert any(c.startswith("stbackend=") for c in cookies)


@pytest.mark.nginx
@pytest.mark.slow
def test_a_websocket_session_runs_pages_through_nginx(serving):
    runs = run_steps(serving.url, [Step("home", "", "who=Bo", title="Home", expect="Hello Bo"),
                                   Step("boom", "boom", title="Boom")])
    assert [r.error for r in runs] == [None, None]
    assert all(r.ok for r in runs)


@pytest.mark.nginx
@pytest.mark.slow
def test_new_readers_spread_over_both_processes_and_each_sticks_to_one(serving):
    for _ in range(20):
        _get(f"{serving.url}/_stcore/health")  # readers without the cookie: a random process each
    used = set(_upstreams(serving))
    assert used == {f"127.0.0.1:{p}" for p in serving.ports}
    for _ in range(6):
        _get(f"{serving.url}/_stcore/health", cookie="stbackend=reader-one")
    run_steps(serving.url, [Step("home", "", title="Home")], cookie="stbackend=reader-one")
    mine = _upstreams(serving, "reader-one")
    assert len(mine) == 6 or len(mine) == 7  # the websocket is logged when it closes
    assert len(set(mine)) == 1


@pytest.mark.nginx
@pytest.mark.slow
def test_the_launcher_serves_until_ctrl_c_then_stops_everything(serving, tmp_path):
    """python -m outcomes.serve (what make serve runs): healthy through nginx, and Ctrl-C leaves
    no process behind. (The `serving` fixture has already skipped when nginx is missing.)"""
    import signal
    import subprocess
    import sys
    import time

    port, base = serve.free_port(), serve.free_port()
    launcher = subprocess.Popen([sys.executable, "-m", "outcomes.ops.serve", "-n", "2", "--port", str(port),
                                 "--base-port", str(base), "--app", str(write_app(tmp_path)), "--run-dir", str(tmp_path / "run")],
                                cwd=settings.PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        while not any(line.startswith("Ctrl-C") for line in lines):
            line = launcher.stdout.readline()
            assert line, "the launcher stopped before serving:\n" + "".join(lines)
            lines.append(line)
        assert _get(f"http://127.0.0.1:{port}/_stcore/health")[:2] == (200, "ok")
        pids = [int(m.group(1)) for line in lines if (m := re.match(r"streamlit process (\d+) healthy", line))]
        pids.append(int((tmp_path / "run" / "nginx.pid").read_text()))
        assert len(pids) == 3
    finally:
        launcher.send_signal(signal.SIGINT)
        launcher.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{p}") for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p for p in pids if os.path.exists(f"/proc/{p}")] == []


@pytest.mark.nginx
@pytest.mark.slow
def test_nginx_limits_requests_carrying_a_preview_token_per_client_and_nothing_else(serving):
    """A burst of ?preview= tries from one address is cut off with 429; readers without a token are not."""
    def status(query: str) -> int:
        try:
            with urllib.request.urlopen(f"{serving.url}/{query}", timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    tries = [status(f"?preview=guess-{i}") for i in range(16)]
    assert tries[:10] == [200] * 10 and tries.count(429) >= 4
    assert [status("?who=reader") for _ in range(16)] == [200] * 16
    assert "limiting requests" in (serving.run_dir / "error.log").read_text()  # the operator sees it in the log
