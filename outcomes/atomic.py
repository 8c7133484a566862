"""The one atomic writer: a reader (another server process, a page run) sees the old file or the new,
never part of one, and a write that fails (a full disk, a killed build) leaves the old one as it was.

Every file the project writes for others to read goes through here: release files, the catalogue on
amend, boundary files, page results made ahead, the serving tables and each built release's folder.

What a crash or a full disk leaves (issue 20; tests/unit/test_faults_build.py kills every command):
- Temporary names carry the host and pid of their writer (`.<name>~<host>~<pid>~<random>.tmp`,
  `.tmp~<name>~...`), and every write first sweeps what dead writers left beside its target, so a
  killed build leaves nothing that grows or gets in the way of the next.
- A folder is swapped in with one rename (Linux renameat2 RENAME_EXCHANGE): a reader sees the old
  folder or the new, never neither. Where the filesystem cannot exchange (NFS), two renames; a
  crash between them is rolled back by the next writer's sweep (the old folder put back).
- A full disk (ENOSPC, EDQUOT) raises DiskFull naming the file, the space it needs and the space
  free, here and nowhere else; the temporary copy is removed and the old file or folder is untouched.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import io
import os
import re
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path
from typing import Callable

from outcomes.errors import DiskFull

# -- the tests' hook: SIGKILL at a named point ---------------------------------------------------

KILL_AT = "OUTCOMES_KILL_AT"
_passed: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Where the tests kill this process to see what a crash leaves: with OUTCOMES_KILL_AT=name:N
    (or any:N) the N-th passage of that point (of any point) sends SIGKILL, as an out-of-memory
    kill would. Unset (always, outside those tests), it does nothing."""
    wanted = os.environ.get(KILL_AT)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point not in (name, "any"):
        return
    _passed[point] = _passed.get(point, 0) + 1
    if _passed[point] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


# -- temporary names, and sweeping what dead writers left -----------------------------------------

_HOST = re.sub(r"[^A-Za-z0-9_.-]", "_", socket.gethostname()) or "host"
_LEFT = re.compile(r"^\.(?:(tmp|old)~)?(.+)~([^~]+)~(\d+)~[^~]+?(?:\.tmp)?$")
STALE_AFTER_S = 24 * 3600  # another host's leftovers (a shared volume): swept only when this old


def _prefix(name: str, kind: str = "") -> str:
    return f".{kind + '~' if kind else ''}{name}~{_HOST}~{os.getpid()}~"


def _alive(host: str, pid: int) -> bool:
    if host != _HOST:
        return True  # a writer on another machine: its pid means nothing here
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def sweep(folder: Path) -> list[Path]:
    """Remove the temporary files and folders that writers no longer running left in `folder`;
    put back an old folder whose swap a crash cut short (the target missing). Returns what went."""
    gone = []
    try:
        entries = list(Path(folder).iterdir())
    except FileNotFoundError:
        return gone
    for entry in entries:
        m = _LEFT.match(entry.name)
        if not m:
            continue
        kind, target, host, pid = m.group(1), m.group(2), m.group(3), int(m.group(4))
        try:
            old_enough = time.time() - entry.lstat().st_mtime > STALE_AFTER_S
        except FileNotFoundError:
            continue
        if _alive(host, pid) and not old_enough:
            continue
        if kind == "old" and not (entry.parent / target).exists():
            entry.rename(entry.parent / target)  # the new folder never went in: the old one is still current
            continue
        _remove(entry)
        gone.append(entry)
    return gone


# -- a full disk ------------------------------------------------------------------------------------

def size_of(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        return path.stat().st_size
    except OSError:
        return 0


@contextlib.contextmanager
def _room_for(target: Path, tmp: Path, needed: int | None = None):
    """Turn a full disk met while writing `tmp` (for `target`) into DiskFull: the temporary copy
    removed first, then the space free, what it needs (when known) and the size of what it replaces."""
    try:
        yield
    except OSError as e:
        if e.errno not in (errno.ENOSPC, errno.EDQUOT) and "No space left on device" not in str(e):
            raise
        _remove(tmp)
        free = shutil.disk_usage(target.parent).free if target.parent.exists() else 0
        raise DiskFull(target, free, needed, size_of(target)) from e


# -- files --------------------------------------------------------------------------------------------

def write_with(path: Path, write: Callable[[str], None], needed: int | None = None) -> None:
    """Call write(temp_path) to make the file beside `path`, then move it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_prefix(path.name), suffix=".tmp")
    os.close(fd)
    try:
        with _room_for(path, Path(tmp), needed):
            write(tmp)
        os.chmod(tmp, 0o644)
        fault_point("write")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_bytes(path: Path, content: bytes) -> None:
    """Write bytes atomically; nothing is written when the same bytes are already there."""
    path = Path(path)
    if path.exists() and path.stat().st_size == len(content) and path.read_bytes() == content:
        sweep(path.parent)  # nothing to write, but what a killed writer left still goes
        return

    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename, so a crash cannot leave an empty file in place
    write_with(path, write, needed=len(content))


def write_parquet(frame, path: Path) -> None:
    """A pandas frame as parquet, atomically. Made in memory first (the tables are small), so a full
    disk is told exactly how much the file needs."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_bytes(Path(path), buffer.getvalue())


# -- folders ------------------------------------------------------------------------------------------

_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
_renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not possible."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def replace_folder(final: Path, fill: Callable[[Path], None], needed: int | None = None) -> Path:
    """Make a folder's new content in a temporary folder beside it (fill(tmp)), then swap it in.
    A fill that raises leaves the old folder untouched; the temporary one is removed. `needed`:
    the bytes it will take, where the caller knows (a copy), for the message of a full disk."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    sweep(final.parent)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=_prefix(final.name, "tmp")))
    try:
        with _room_for(final, tmp, needed):
            fill(tmp)
        fault_point("swap")
        if final.exists() and _exchange(tmp, final):
            fault_point("swapped")  # tmp now holds the old content, removed below
        else:
            _swap_by_renames(tmp, final)
    finally:
        _remove(tmp)
    return final


def _swap_by_renames(tmp: Path, final: Path) -> None:
    """Where one rename cannot swap: the old folder aside, the new one in. A crash between the two
    leaves the old folder aside under a name the next sweep recognises and puts back."""
    old = Path(tempfile.mkdtemp(dir=final.parent, prefix=_prefix(final.name, "old")))
    old.rmdir()
    if final.exists():
        final.rename(old)
        fault_point("half-swapped")
    tmp.rename(final)
    _remove(old)


def remove_folder(folder: Path) -> None:
    """Take a folder away at once (renamed aside, then deleted): no reader sees part of it."""
    folder = Path(folder)
    if not folder.exists():
        return
    aside = Path(tempfile.mkdtemp(dir=folder.parent, prefix=_prefix(folder.name, "tmp")))
    try:
        os.replace(folder, aside / folder.name)
    except FileNotFoundError:
        pass  # another process took it away first
    _remove(aside)
