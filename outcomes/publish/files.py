"""Release files at stable addresses: static/releases/<id>/v<version>/<id>-v<version>....

Streamlit serves the folder `static/` beside app.py at /app/static/ ([server]
enableStaticServing), so an analyst can fetch a release with curl:

    curl -O https://<site>/app/static/releases/index.json
    curl -O https://<site>/app/static/releases/<id>/v<version>/<id>-v<version>.zip

Each version folder holds the zip and every file in it (tidy CSVs, metadata, data guidance, QA
report, licence), named by release id and version. Only visible releases are there: an
embargoed release's files are never written before its publication time, and a release that is
not visible at `now` is removed. `sync_static` is idempotent and safe when several threads or
processes call it at once: every file is written to a temporary name and moved into place.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from outcomes import atomic, settings
from outcomes.build import layout
from outcomes.domain.releases import Release, load_catalogue
from outcomes.render import bundles
from outcomes.settings import release_dir, static_dir
from outcomes.store.store import Store, readable_releases

URL_PREFIX = "/app/static/releases"
INDEX = "index.json"
# Bump when the files' layout changes, so published files are rewritten from unchanged data.
LAYOUT = 1


def base_name(release: Release) -> str:
    return f"{release.id}-v{release.version}"


def zip_url(release: Release) -> str:
    """The stable address of a release version's zip (what the Download data page links to)."""
    return f"{URL_PREFIX}/{folder_of(release)}/{base_name(release)}.zip"


def folder_of(release: Release) -> str:
    """A release version's folder, relative to static/releases/."""
    return f"{release.id}/v{release.version}"


def _source_stamp(data_dir: Path, release: Release) -> str:
    """A fingerprint of a release's built data: its files are rebuilt only when this changes.

    Names, sizes and modification times, as make does, not the bytes: every server process checks
    every release when its store opens (09:30 on release day, with readers waiting), and reading
    every built file then cost a second of CPU in each. A build writes new files, so a rebuilt
    release still gets new files."""
    h = hashlib.sha256(f"layout {LAYOUT} version {release.version}".encode())
    folder = layout.folder_for(data_dir, release.id, release.version) or release_dir(data_dir, release.id)
    for f in sorted(folder.glob("*")):
        if f.is_file():
            info = f.stat()
            h.update(f"{f.name} {info.st_size} {info.st_mtime_ns}\n".encode())
    return h.hexdigest()


def published_files(store: Store, release: Release) -> dict[str, bytes]:
    """The files at a release version's address: the zip, then each zip member by a flat name."""
    base = base_name(release)
    members = bundles.release_files(store, release)
    out = {f"{base}.zip": bundles.release_zip(store, release, members)}
    for path, content in members.items():
        name = Path(path).name.removeprefix(f"{release.id}_")  # data/<id>_national.csv -> national.csv
        out[f"{base}_{name}"] = content
    return out


def _read_index(root: Path) -> dict:
    try:
        return json.loads((root / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def publish_files(now: dt.datetime | None = None, data_dir: Path | None = None, static: Path | None = None,
                  catalogue: list[Release] | None = None, progress=lambda message: None) -> Path:
    """Write the files of every release visible at `now`, remove the rest, write the index.

    Returns the index path. Releases whose built data are unchanged since the last run keep
    their files as they are (nothing is recomputed)."""
    data_dir = Path(data_dir or settings.data_dir())
    root = Path(static or static_dir()) / "releases"
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root.parent):
        return _publish(now, data_dir, root, catalogue, progress)


@contextlib.contextmanager
def _locked(folder: Path):
    """One publisher at a time across processes: at 09:30 every server process sees the new
    release at once; the first writes its files, the others then find them done. (The lock sits
    beside releases/, which is swapped as a whole.)"""
    with open(folder / ".publish.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _entry(release: Release, stamp: str, files: dict[str, bytes]) -> dict:
    """A release version's line in the index: its files with their sizes and sha256."""
    return {"id": release.id, "title": release.title, "version": release.version,
            "provider_type": release.provider_type, "as_at": release.as_at.isoformat(),
            "published": release.published.isoformat(), "status": release.status_label,
            "url": f"{URL_PREFIX}/{folder_of(release)}/", "source": stamp,
            "files": [{"name": n, "url": f"{URL_PREFIX}/{folder_of(release)}/{n}", "bytes": len(c),
                       "sha256": hashlib.sha256(c).hexdigest()} for n, c in files.items()]}


def _publish(now, data_dir: Path, root: Path, catalogue, progress) -> Path:
    """Work out what changed, then swap in a whole new releases/ folder, or nothing.

    The index and every version folder change together, in one rename: an analyst who reads
    index.json then fetches a file finds the file the index describes, and a crash or a full
    disk half-way leaves the published files exactly as they were. Unchanged files are carried
    into the new folder as hard links (no copying), so the swap costs only what changed."""
    now = now or settings.now()
    catalogue = catalogue if catalogue is not None else load_catalogue()
    atomic.sweep(root.parent)  # what a publisher killed half-way left (a whole old or new releases/ folder)
    # The store (a second or so to open) only when some release needs its files written: every
    # server process runs this check when the published set changes.
    opened: list[Store] = []

    def store() -> Store:
        if not opened:
            opened.append(Store(data_dir, now, catalogue))
        return opened[0]
    previous = {e["id"]: e for e in _read_index(root).get("releases", [])}
    entries, fresh = [], {}
    for release in readable_releases(data_dir, catalogue, now):
        stamp = _source_stamp(data_dir, release)
        folder = root / folder_of(release)
        old = previous.get(release.id)
        if old and old.get("source") == stamp and old.get("version") == release.version and \
                all((folder / f["name"]).exists() for f in old["files"]):
            entries.append(old)
            continue
        progress(f"publishing {release.id} v{release.version}")
        fresh[folder_of(release)] = files = published_files(store(), release)
        entries.append(_entry(release, stamp, files))
    index = {"about": "Ofsted inspection outcomes: every published release and its files. Each file's url is "
                      "relative to the site; fetch it with curl.",
             "releases": entries}
    index_bytes = (json.dumps(index, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    live = {e["id"] for e in entries}
    kept = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name in live]
    if not fresh and len(kept) == sum(1 for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) and \
            (root / INDEX).exists() and (root / INDEX).read_bytes() == index_bytes:
        return root / INDEX  # nothing changed: the folder stays as it is

    def fill(tmp: Path) -> None:
        os.chmod(tmp, 0o755)  # served by Streamlit: readable by every process
        _link_versions(kept, tmp, skip=set(fresh))
        for rel, files in fresh.items():
            (tmp / rel).mkdir(parents=True, exist_ok=True)
            for name, content in files.items():
                (tmp / rel / name).write_bytes(content)
        (tmp / INDEX).write_bytes(index_bytes)
    atomic.replace_folder(root, fill)
    return root / INDEX


def _link_versions(release_folders: list[Path], into: Path, skip: set[str]) -> None:
    """Hard links of the version folders kept (earlier versions stay at their addresses: a link to
    v1 keeps working after v2), except those being written anew; a copy where links cannot be made."""
    for release_folder in release_folders:
        for version in (v for v in release_folder.iterdir() if v.is_dir() and not v.name.startswith(".")):
            rel = f"{release_folder.name}/{version.name}"
            if rel in skip:
                continue
            (into / rel).mkdir(parents=True, exist_ok=True)
            for f in (f for f in version.iterdir() if f.is_file() and not f.name.startswith(".")):
                try:
                    os.link(f, into / rel / f.name)
                except OSError:
                    shutil.copy2(f, into / rel / f.name)


def sync_static(data_dir: Path | None = None, now: dt.datetime | None = None, static: Path | None = None,
                catalogue: list[Release] | None = None) -> Path | None:
    """For the site: call when the set of visible releases changes (the store factory). The site
    works without the files (the pages offer the zip themselves), so a failure is logged, not raised."""
    try:
        return publish_files(now, data_dir, static, catalogue)
    except Exception:  # noqa: BLE001  the log says why; `make data` publishes them too
        logging.getLogger("outcomes.site").exception("could not publish the release files to static/releases")
        return None


def files_of(release: Release) -> list[tuple[str, str]]:
    """(file name, stable URL) of this release version's files at their addresses, the zip first;
    empty until they are written (the page then offers the zip as a download)."""
    index = _read_index(static_dir() / "releases")
    entry = next((e for e in index.get("releases", []) if e.get("id") == release.id and e.get("version") == release.version), None)
    files = [(f["name"], f["url"]) for f in entry["files"]] if entry else []
    return sorted(files, key=lambda f: (not f[0].endswith(".zip"), f[0]))


def zip_published(release: Release) -> bool:
    """Whether the release's zip is at its stable address yet."""
    return (static_dir() / "releases" / folder_of(release) / f"{base_name(release)}.zip").exists()
