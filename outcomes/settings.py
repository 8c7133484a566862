"""Where things live and what time it is: settings read from the environment, with defaults.

OUTCOMES_SOURCE  folder of published release files (default ../shared/data/raw beside the checkout)
OUTCOMES_DATA    folder of built data (default data/ in the checkout)
OUTCOMES_NOW     the clock, an ISO date-time; nothing published after it is visible anywhere
OUTCOMES_MAX_SOURCE_MB  largest release file the build will read (default 100; the largest real one is under 4 MB)
OUTCOMES_STATIC  folder served at /app/static (release files, boundaries; default static/)
OUTCOMES_GEO     built boundaries (default geo/)
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


# The folder Streamlit serves at /app/static/ ([server] enableStaticServing): static/ beside app.py.
# The map boundaries must be there for the browser to fetch them; OUTCOMES_STATIC moves only the
# release files (tests keep their tiny releases out of the project's own folder).
SERVED_STATIC = PROJECT_ROOT / "static"


def static_dir() -> Path:
    """The folder Streamlit serves at /app/static/ (static/ beside app.py); OUTCOMES_STATIC points elsewhere."""
    env = os.environ.get("OUTCOMES_STATIC")
    return Path(env) if env else PROJECT_ROOT / "static"


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
    """The precomputed tables every page reads (outcomes.build.serving writes them)."""
    return Path(data) / "serving"


def site_url() -> str:
    """The site's public address, for canonical links, Open Graph tags and the sitemap of the HTML
    edition (OUTCOMES_SITE_URL; set it to the address readers use, behind any proxy or CDN)."""
    return os.environ.get("OUTCOMES_SITE_URL", "http://localhost:8501").rstrip("/")
