"""Release day under faults, in a real browser: the process a reader's tab is on is killed (SIGKILL)
behind `make serve`'s nginx. Streamlit's frontend reconnects its websocket and nginx sends it to a
live process. The page the reader was on stays on screen (Streamlit 1.67's frontend reruns nothing
on a reconnect after a finished run), and their next click runs on the live process. Uses the
throwaway app of tests/unit/tiny_app.py, so it needs no built data."""
from __future__ import annotations

import os
import re
import signal
import threading

import pytest
from playwright.sync_api import expect

from outcomes.ops import serve
from tests.unit.tiny_app import write_app

CONNECTED = "[data-testid=stApp][data-test-connection-state=CONNECTED]"


@pytest.fixture
def supervised(tmp_path):
    """Two processes behind nginx, supervised as `make serve` does (a restart on exit)."""
    if not serve.find_nginx():
        pytest.skip(serve.NGINX_HELP)
    ports = [serve.free_port() for _ in range(2)]
    with serve.Serving(2, port=serve.free_port(), ports=ports, app=write_app(tmp_path), run_dir=tmp_path / "run",
                       echo=lambda m: None) as serving:
        stop = threading.Event()

        def watch():
            while not stop.wait(0.5):
                serving.supervise()
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        yield serving
        stop.set()
        watcher.join(timeout=30)


@pytest.mark.nginx
@pytest.mark.slow
def test_a_reader_whose_process_dies_reconnects_and_sees_their_page_again(supervised, page):
    page.goto(f"{supervised.url}/?who=Browser")
    page.wait_for_selector(CONNECTED, timeout=30_000)
    expect(page.get_by_text("Hello Browser")).to_be_visible(timeout=30_000)
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "stbackend")
    log = (supervised.run_dir / "access.log").read_text()
    port = int(re.search(rf"upstream=127\.0\.0\.1:(\d+) key={key}", log).group(1))
    victim = supervised.pids[supervised.ports.index(port)]
    expect(page.get_by_text(f"Served by process {victim}")).to_be_visible()
    os.kill(victim, signal.SIGKILL)

    page.wait_for_selector("[data-testid=stApp]:not([data-test-connection-state=CONNECTED])", timeout=15_000)
    page.wait_for_selector(CONNECTED, timeout=30_000)  # the frontend's own reconnect, to the other process
    expect(page.get_by_text("Hello Browser")).to_be_visible()  # their page, still there
    assert page.url.endswith("?who=Browser")
    page.get_by_role("link", name="Boom").click()  # and the next click runs on a live process
    expect(page.get_by_text("fine")).to_be_visible(timeout=15_000)
    page.get_by_role("link", name="Home").click()
    served = page.get_by_text(re.compile(r"Served by process \d+"))
    expect(served).to_be_visible(timeout=15_000)
    pid = int(served.inner_text().split()[-1])
    assert pid != victim and pid in supervised.pids
