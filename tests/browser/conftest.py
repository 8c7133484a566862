"""A real server (streamlit run on a free port, over the session's built data) and Debian's
Chromium driven by Playwright. Screenshots of every page go to tests/artifacts/ (git-ignored)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from outcomes import settings

ARTIFACTS = settings.PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 2200}, "accept_downloads": True}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(built_data: Path, log_name: str = "streamlit.log") -> tuple[str, subprocess.Popen]:
    """A fresh `streamlit run` of the app on a free port over the built data."""
    port = _free_port()
    env = {**os.environ, "OUTCOMES_DATA": str(built_data), "OUTCOMES_GEO": os.environ.get("OUTCOMES_GEO", "")}
    log = open(built_data / log_name, "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=settings.PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return url, proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail(f"streamlit did not start: see {built_data / log_name}")


@pytest.fixture(scope="session")
def server(built_data) -> str:
    url, proc = start_server(built_data)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def wait_ready(page, timeout: int = 60_000) -> None:
    """Connected, script finished, status widget gone (TOOLCHAIN.md's recipe)."""
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-test-script-state=notRunning]", timeout=timeout)
    page.wait_for_selector("[data-testid=stStatusWidget]", state="detached", timeout=timeout)
    page.wait_for_timeout(800)  # Vega draws after the script finishes


@pytest.fixture
def open_page(page, server):
    def go(path: str):
        page.goto(f"{server}/{path}")
        wait_ready(page)
        return page
    return go
