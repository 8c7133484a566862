"""Where things live and what time it is: settings read from the environment, with defaults.

OUTCOMES_SOURCE  folder of published release files (default ../shared/data/raw beside the checkout)
OUTCOMES_DATA    folder of built data (default data/ in the checkout)
OUTCOMES_NOW     the clock, an ISO date-time; nothing published after it is visible anywhere
OUTCOMES_MAX_SOURCE_MB  largest release file the build will read (default 100; the largest real one is under 4 MB)
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LONDON = ZoneInfo("Europe/London")


def source_dir() -> Path:
    env = os.environ.get("OUTCOMES_SOURCE")
    return Path(env) if env else (PROJECT_ROOT.parent / "shared" / "data" / "raw")


def data_dir() -> Path:
    env = os.environ.get("OUTCOMES_DATA")
    return Path(env) if env else PROJECT_ROOT / "data"


def catalogue_path() -> Path:
    """The release catalogue is committed with the code; a test may point at its own."""
    env = os.environ.get("OUTCOMES_CATALOGUE")
    return Path(env) if env else PROJECT_ROOT / "data" / "releases.toml"


def geo_dir() -> Path:
    env = os.environ.get("OUTCOMES_GEO")
    return Path(env) if env else PROJECT_ROOT / "geo"


def max_source_bytes() -> int:
    """A published file bigger than this is refused before it is read (memory is finite and shared)."""
    return int(float(os.environ.get("OUTCOMES_MAX_SOURCE_MB", "100")) * 1_000_000)


def now() -> dt.datetime:
    """Timezone-aware 'now' in London time; OUTCOMES_NOW (naive means London) overrides it."""
    env = os.environ.get("OUTCOMES_NOW")
    if env:
        t = dt.datetime.fromisoformat(env)
        return t if t.tzinfo else t.replace(tzinfo=LONDON)
    return dt.datetime.now(LONDON)


def release_dir(data: Path, release_id: str) -> Path:
    """Where a built release lives: written by the build, read by the store and the bundles."""
    return Path(data) / "releases" / release_id


def versions_dir(data: Path, release_id: str) -> Path:
    """Where earlier versions of an amended release are kept (the latest stays at release_dir)."""
    return Path(data) / "versions" / release_id


def version_dir(data: Path, release_id: str, version: int) -> Path:
    """One kept version: a small data folder of its own (releases/<id>/, lookups/, serving/)."""
    return versions_dir(data, release_id) / f"v{version}"


def serving_dir(data: Path) -> Path:
    """The precomputed tables every page reads (outcomes.serving writes them)."""
    return Path(data) / "serving"


def write_atomically(path: Path, content: bytes) -> None:
    """Write a file so a reader (another server process) sees the old bytes or the new, never
    part: a temp file beside it, then os.replace. Nothing is written when the bytes are already there."""
    import tempfile

    if path.exists() and path.stat().st_size == len(content) and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
