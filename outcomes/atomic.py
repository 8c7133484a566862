"""The one atomic writer: a reader (another server process, a page run) sees the old file or the new,
never part of one, and a write that fails (a full disk, a killed build) leaves the old one as it was.

Every file the project writes for others to read goes through here: release files, the catalogue on
amend, boundary files, page results made ahead, the serving tables and each built release's folder.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable


def _temp_beside(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return tmp


def write_with(path: Path, write: Callable[[str], None]) -> None:
    """Call write(temp_path) to make the file beside `path`, then move it into place."""
    path = Path(path)
    tmp = _temp_beside(path)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_bytes(path: Path, content: bytes) -> None:
    """Write bytes atomically; nothing is written when the same bytes are already there."""
    path = Path(path)
    if path.exists() and path.stat().st_size == len(content) and path.read_bytes() == content:
        return

    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename, so a crash cannot leave an empty file in place
    write_with(path, write)


def write_parquet(frame, path: Path) -> None:
    """A pandas frame as parquet, atomically (pyarrow writes to a path, so a temp path beside it)."""
    write_with(Path(path), lambda tmp: frame.to_parquet(tmp, index=False))


def replace_folder(final: Path, fill: Callable[[Path], None]) -> Path:
    """Make a folder's new content in a temporary folder beside it (fill(tmp)), then swap it in with
    two renames. A fill that raises leaves the old folder untouched; the temporary one is removed."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".tmp-{final.name}-"))
    try:
        fill(tmp)
        old = final.parent / f".old-{final.name}-{os.getpid()}"
        if final.exists():
            final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final
