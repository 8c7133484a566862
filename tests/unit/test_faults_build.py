"""Release day under faults: `build`, `publish`, `prebuild` and `amend` killed with SIGKILL (as an
out-of-memory kill or a deploy cuts a process short) at several points of their writing, on a tiny
site of two made-up releases (faults_site.py). What a reader and the operator must find afterwards:
every release reads as the old build or the new one, never part of each; the published files are
the old set or the new one; and running the command again finishes the job and leaves no
temporary file behind.

The kill points are deterministic: OUTCOMES_KILL_AT=any:N makes the N-th write step of the run
(outcomes.atomic.fault_point: before a file is moved into place, before and after a folder is
swapped in) send SIGKILL to its own process. The atomic writer's own rules are tested in process.
"""
from __future__ import annotations

import errno
import logging
import os
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from outcomes import atomic
from outcomes.domain.releases import load_catalogue
from outcomes.errors import DiskFull
from tests.unit.faults_site import (AMEND, copy_site, correct_sources, data_reading, leftovers, make_site,
                                    prebuilt_reading, rebuilt, revise_2024, run, static_reading)

READ = {"data": data_reading, "static": static_reading, "prebuilt": prebuilt_reading}
# command: what changes before it runs, what shows the change, and the write steps it is killed at
# (build: 1-4 are the two releases' folders, before and after each swap, 5 the grade table;
# amend: 1 keeps version 1, 6 has version 2 in place, 8 its serving tables, 10 is the prebuild after it).
SCENARIOS = {
    "build": (correct_sources, "data", ["build"], (1, 2, 4, 5)),
    "publish": (rebuilt, "static", ["publish"], (1, 2)),
    "prebuild": (rebuilt, "prebuilt", ["prebuild"], (1,)),
    "amend": (revise_2024, "data", AMEND, (1, 6, 8, 10)),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("old-site"))


@pytest.fixture(scope="module")
def old(template) -> dict:
    return {name: read(template) for name, read in READ.items()}


def _next_step(name: str, root: Path) -> list[str]:
    """What the operator runs after the crash: the same command again; after an amend that had
    re-pinned the catalogue, the step its message names (prebuild)."""
    versions = {r.id: r.version for r in load_catalogue(root / "releases.toml")}
    return ["prebuild"] if name == "amend" and versions["sc-2024"] == 2 else SCENARIOS[name][2]


def _in_parallel(work, items) -> list:
    with ThreadPoolExecutor(2) as pool:  # two cores: the runs are mostly Python starting up
        return list(pool.map(work, items))


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
def test_a_command_killed_at_any_point_leaves_each_release_old_or_new_and_the_next_run_finishes_it(
        name, template, old, tmp_path, caplog):
    change, reading, command, points = SCENARIOS[name]
    roots = [copy_site(template, tmp_path / f"killed-at-{n}") for n in points]
    for root in roots:
        change(root)
    killed = _in_parallel(lambda rn: run(rn[0], *command, kill_at=f"any:{rn[1]}"), list(zip(roots, points)))
    seen, left = [], []
    caplog.set_level(logging.WARNING, logger="outcomes.store")
    for root, n, result in zip(roots, points, killed):
        assert result.returncode == -signal.SIGKILL, \
            f"{name} finished before write step {n} (update SCENARIOS):\n{result.stdout[-500:]}{result.stderr[-1500:]}"
        seen.append(READ[reading](root))
        left.append(leftovers(root))
    steps = [_next_step(name, root) for root in roots]
    finished = _in_parallel(lambda rs: run(rs[0], *rs[1]), list(zip(roots, steps)))
    new = None
    for root, n, step, result, after_kill in zip(roots, points, steps, finished, seen):
        assert result.returncode == 0, f"after a kill at write step {n}, `{' '.join(step)}` failed:\n{result.stderr[-2000:]}"
        now = READ[reading](root)
        assert now != old[reading], "the command changed nothing: the test would prove nothing"
        assert new is None or now == new, "the same command gave different results after different kills"
        new = now
        if reading == "data":
            for release in sorted(set(old["data"]) | set(new)):
                assert after_kill.get(release) in (old["data"].get(release), new.get(release)), \
                    f"killed at write step {n}, {release} reads as neither its old build nor its new one"
        else:
            assert after_kill in (old[reading], new), f"killed at write step {n}, the {reading} files are neither the old set nor the new"
        assert leftovers(root) == [], f"after a kill at write step {n}, temporary files are left: {leftovers(root)}"
    assert any(left), "no kill left a temporary file behind: the sweep of the next run was not tested"
    if name in ("build", "amend"):
        # A kill between a release's folder and the serving tables: the store made its rows itself.
        assert "were made from another build of it" in caplog.text


# -- the atomic writer's rules, in process -----------------------------------------------------------

def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_swap_cut_short_between_its_two_renames_is_put_back_by_the_next_writer(tmp_path, monkeypatch):
    """Where a filesystem cannot exchange two folders in one step: the old folder set aside by a
    writer that died is put back (the new one never went in), and the next swap works."""
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    final = tmp_path / "sc-2024"
    aside = tmp_path / f".old~sc-2024~{atomic._HOST}~{_dead_pid()}~abc123"
    aside.mkdir()
    (aside / "providers.parquet").write_text("old")
    half = tmp_path / f".tmp~sc-2024~{atomic._HOST}~{_dead_pid()}~def456"
    half.mkdir()
    atomic.sweep(tmp_path)
    assert (final / "providers.parquet").read_text() == "old" and not aside.exists() and not half.exists()
    atomic.replace_folder(final, lambda tmp: (tmp / "providers.parquet").write_text("new"))
    assert (final / "providers.parquet").read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["sc-2024"]


def test_the_sweep_leaves_a_running_writers_files_alone(tmp_path):
    mine = tmp_path / f".grades.parquet~{atomic._HOST}~{os.getpid()}~x1.tmp"
    other_host = tmp_path / f".grades.parquet~elsewhere~{_dead_pid()}~x2.tmp"
    dead = tmp_path / f".grades.parquet~{atomic._HOST}~{_dead_pid()}~x3.tmp"
    for p in (mine, other_host, dead):
        p.write_text("partial")
    assert atomic.sweep(tmp_path) == [dead]
    assert mine.exists() and other_host.exists()


def test_a_full_disk_names_the_file_and_the_space_and_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "serving" / "grades.parquet"
    target.parent.mkdir()
    target.write_bytes(b"old figures")

    def full(tmp: str) -> None:
        Path(tmp).write_bytes(b"x" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(DiskFull) as caught:
        atomic.write_with(target, full, needed=5_000_000)
    message = caught.value.message
    assert str(target) in message and "the disk is full" in message and "it needs 5.0 MB" in message
    assert " free there" in message and "unchanged" in message
    assert target.read_bytes() == b"old figures" and [p.name for p in target.parent.iterdir()] == ["grades.parquet"]
