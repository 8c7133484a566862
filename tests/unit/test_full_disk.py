"""Release day under faults: the disk fills. The tiny site of faults_site.py on a 4 MB tmpfs that the
test mounts (as root) and fills: `build`, `amend`, `publish` and `prebuild` each stop with one clear
message (which file could not be written, how much it needs, how much is free, what to do), exit 2,
and change nothing that is published; once there is room again, the same commands finish the job."""
from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from tests.unit.faults_site import (AMEND, copy_site, correct_sources, data_reading, leftovers, make_site,
                                    prebuilt_reading, revise_2024, run, static_reading)

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the full-disk test mounts a 4 MB tmpfs (mount -t tmpfs), which needs root: run it as root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"could not mount a tmpfs here ({done.stderr.strip() or done.returncode}): the container lacks CAP_SYS_ADMIN")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill the disk to the last byte, then give `leave` bytes back; returns the filler file."""
    filler = disk / "filler"
    with open(filler, "ab", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * (1 << 16))
        except OSError as e:
            assert e.errno == errno.ENOSPC
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def everything(root: Path) -> dict:
    """What a reader and the operator see: the figures, the published files, the results made ahead, the catalogue."""
    return {"data": data_reading(root), "static": static_reading(root), "prebuilt": prebuilt_reading(root),
            "catalogue": (root / "releases.toml").read_bytes()}


def assert_disk_full(result, names: str) -> None:
    """Exit 2 and one message naming the file, the space it needs and is free, and what to do."""
    assert result.returncode == 2, f"expected the disk-full error, got exit {result.returncode}:\n{result.stderr[-2000:]}"
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("error: ") and names in message and "the disk is full" in message, message
    assert " free there" in message and ("it needs" in message or "the copy it replaces takes" in message), message
    assert "Free space on that disk" in message and "unchanged" in message, message
    assert "Traceback" not in result.stderr


def test_a_full_disk_stops_each_command_clearly_and_changes_nothing_published(small_disk, tmp_path):
    template = make_site(tmp_path / "template")
    build_site, amend_site = copy_site(template, small_disk / "site"), copy_site(template, small_disk / "amended")
    correct_sources(build_site)  # the next build has new figures to write
    revise_2024(amend_site)      # and amend a new version
    before = {"build": everything(build_site), "amend": everything(amend_site)}

    filler = fill(small_disk)
    assert_disk_full(run(build_site, "build"), str(build_site / "data" / "releases" / "sc-2023"))
    assert_disk_full(run(amend_site, *AMEND), str(amend_site / "data" / "versions" / "sc-2024" / "v1"))
    assert everything(build_site) == before["build"] and everything(amend_site) == before["amend"]
    assert leftovers(small_disk) == []

    # Room for the build's files (each written beside the old, then swapped in) but not for the
    # whole set of release files, nor the pages' results made ahead: the disk fills later on.
    filler.unlink()
    filler = fill(small_disk, leave=96_000)
    assert run(build_site, "build").returncode == 0
    built = everything(build_site)
    assert built["data"] != before["build"]["data"]
    assert_disk_full(run(build_site, "publish"), str(build_site / "static" / "releases"))
    assert_disk_full(run(build_site, "prebuild"), str(build_site / "data" / "serving" / "prebuilt"))
    assert everything(build_site) == built, "the published files and results made ahead are as they were"
    assert leftovers(small_disk) == []

    filler.unlink()
    for root, command in ((build_site, ["publish"]), (build_site, ["prebuild"]), (amend_site, AMEND)):
        done = run(root, *command)
        assert done.returncode == 0, done.stderr[-2000:]
    after = everything(build_site)
    assert after["static"] != built["static"] and after["prebuilt"] != built["prebuilt"]
    assert [v[0] for v in data_reading(amend_site).values()] == [1, 2]  # sc-2024 is at version 2
    assert leftovers(small_disk) == []
