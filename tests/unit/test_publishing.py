"""Release files at stable addresses: only visible releases, an index an analyst can trust, and the
file fetched from the running site is the release zip byte for byte."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile

import pytest

from outcomes import settings

from outcomes.render import bundles

from outcomes.publish import files as publishing
from outcomes.domain.releases import load_catalogue
from outcomes.store.store import Store
from tests import screener

pytestmark = pytest.mark.realdata
RELEASE_DAY = "2026-07-02"  # the embargoed release goes public at 09:30 London time (BST) that day
EARLY, LATE = "la-childrens-services-2025-03-31", "area-send-2024-12-31"


@pytest.fixture(scope="module")
def catalogue() -> list:
    """Two small real releases: one published long ago, one on RELEASE_DAY at 09:30."""
    real = {r.id: r for r in load_catalogue(settings.PROJECT_ROOT / "data" / "releases.toml")}
    london = settings.LONDON
    return [dataclasses.replace(real[EARLY], published=dt.datetime(2026, 1, 1, 9, 30, tzinfo=london)),
            dataclasses.replace(real[LATE], published=dt.datetime(2026, 7, 2, 9, 30, tzinfo=london))]


def _publish(built_data, static, catalogue, when: str):
    index = publishing.publish_files(dt.datetime.fromisoformat(when).replace(tzinfo=settings.LONDON),
                                     built_data, static, catalogue)
    return json.loads(index.read_text(encoding="utf-8"))


def test_embargoed_files_are_not_there_before_0930(built_data, catalogue, tmp_path):
    static = tmp_path / "static"
    before = _publish(built_data, static, catalogue, f"{RELEASE_DAY}T09:29:59")
    assert [r["id"] for r in before["releases"]] == [EARLY]
    assert not (static / "releases" / LATE).exists(), "no file of the embargoed release is written early"

    after = _publish(built_data, static, catalogue, f"{RELEASE_DAY}T09:30:00")
    assert sorted(r["id"] for r in after["releases"]) == sorted([EARLY, LATE])
    assert (static / "releases" / LATE / "v1" / f"{LATE}-v1.zip").exists()

    # The clock set back (a wrong publication time corrected): the files are taken down again.
    again = _publish(built_data, static, catalogue, f"{RELEASE_DAY}T09:29:59")
    assert [r["id"] for r in again["releases"]] == [EARLY] and not (static / "releases" / LATE).exists()


def test_index_lists_each_file_with_size_and_sha256_and_files_pass_the_screener(built_data, catalogue, tmp_path):
    static = tmp_path / "static"
    index = _publish(built_data, static, catalogue, "2027-01-01T00:00:00")
    las = screener.standard_la_combinations(settings.source_dir())
    for entry in index["releases"]:
        folder = static / "releases" / entry["id"] / f"v{entry['version']}"
        assert entry["as_at"] and entry["version"] == 1 and entry["url"] == f"/app/static/releases/{entry['id']}/v1/"
        names = {f["name"] for f in entry["files"]}
        assert names == {p.name for p in folder.iterdir() if not p.name.startswith(".")}
        for f in entry["files"]:
            content = (folder / f["name"]).read_bytes()
            assert (len(content), hashlib.sha256(content).hexdigest()) == (f["bytes"], f["sha256"])
            assert f["url"] == f"{entry['url']}{f['name']}"
        z = zipfile.ZipFile(folder / f"{entry['id']}-v1.zip")
        for member in z.namelist():  # each published file is the zip's member, byte for byte
            flat = member.split("/")[-1].removeprefix(f"{entry['id']}_")
            assert (folder / f"{entry['id']}-v1_{flat}").read_bytes() == z.read(member)
        for data in sorted(folder.glob("*.csv")):
            meta = data.with_name(data.name.replace(".csv", ".meta.csv"))
            if not data.name.endswith(".meta.csv") and meta.exists():
                screener.assert_passes(data, meta, la_combinations=las)


def test_publishing_again_rewrites_nothing_and_two_publishers_at_once_agree(built_data, catalogue, tmp_path):
    static = tmp_path / "static"
    first = _publish(built_data, static, catalogue, "2027-01-01T00:00:00")
    stamps = {p: p.stat().st_mtime_ns for p in (static / "releases").rglob("*.zip")}
    assert _publish(built_data, static, catalogue, "2027-01-01T00:00:00") == first
    assert {p: p.stat().st_mtime_ns for p in (static / "releases").rglob("*.zip")} == stamps

    fresh, errors = tmp_path / "fresh", []

    def publish():
        try:
            publishing.sync_static(built_data, dt.datetime(2027, 1, 1, tzinfo=settings.LONDON), fresh, catalogue)
        except Exception as e:  # noqa: BLE001 - any failure of either thread fails the test
            errors.append(e)
    threads = [threading.Thread(target=publish) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    index = json.loads((fresh / "releases" / "index.json").read_text())
    assert [f["sha256"] for r in index["releases"] for f in r["files"]] == \
           [f["sha256"] for r in first["releases"] for f in r["files"]]
    assert not list(fresh.rglob("*.tmp")), "no temporary file is left behind"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_file_fetched_from_the_site_equals_the_release_zip(built_data, catalogue, tmp_path):
    """Streamlit's static serving, with the project's own config, hands out the published zip."""
    config = (settings.PROJECT_ROOT / ".streamlit" / "config.toml").read_text()
    assert "enableStaticServing = true" in config
    site = tmp_path / "site"
    (site / ".streamlit").mkdir(parents=True)
    (site / ".streamlit" / "config.toml").write_text(config)
    (site / "app.py").write_text("import streamlit as st\nst.write('static files test')\n")
    _publish(built_data, site / "static", catalogue, "2027-01-01T00:00:00")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1"], cwd=site, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        store = Store(built_data, dt.datetime(2027, 1, 1, tzinfo=settings.LONDON), catalogue)
        release = store.release(LATE)
        url = publishing.zip_url(release)
        assert url == f"/app/static/releases/{LATE}/v1/{LATE}-v1.zip"
        response = urllib.request.urlopen(base + url, timeout=30)
        fetched = response.read()
        assert fetched == bundles.release_zip(store, release)
        assert response.headers["Content-Type"] == "application/zip"
        assert zipfile.ZipFile(io.BytesIO(fetched)).testzip() is None
        index = json.loads(urllib.request.urlopen(f"{base}/app/static/releases/index.json", timeout=30).read())
        assert {r["id"] for r in index["releases"]} == {EARLY, LATE}
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(site, ignore_errors=True)
