"""Revisions: `python -m outcomes amend --release ID --reason "..."`.

When Ofsted revises a published file (as it did on 5 August 2025 for Children's social care in
England 2025), the team puts the new file in the source folder and runs amend. It keeps the built
release as it was (settings.version_dir: a small data folder of its own, so `?id=..&version=N`
still reads it), re-pins the files' sha256 in the catalogue (through its one writer, outcomes.domain.catalogue), adds one to `version`, appends
{version, date, reason} to `revisions` (tomlkit keeps the catalogue's comments and layout), and
builds the new version in place: the store, the serving tables and the zips read the latest at
the usual path. A build that fails its checks leaves the catalogue and the data as they were.

In that order, so that a crash or a full disk at any point leaves the old version readable (issue
20): the old version is kept first; the new one is built in place from the re-pinned entry held
in memory; the catalogue is rewritten last, in one atomic step. Until then the catalogue still
names the old version, and the store reads it from its kept copy (outcomes.build.layout.folder_for).
Running amend again finishes what a crash cut short.
"""
from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import tomlkit

from outcomes import atomic, settings
from outcomes.build import layout, pipeline, serving
from outcomes.domain import catalogue
from outcomes.domain.releases import Release, load_catalogue, parse_text, sha256_of
from outcomes.errors import UsageError
from outcomes.quality.findings import blocking

log = logging.getLogger("outcomes.publish.amend")


def keep_version(release: Release, data_dir: Path) -> Path | None:
    """Copy the built release (and the lookups it needs) to its version folder, with its own
    serving tables. None when the release was never built (nothing to keep)."""
    target = settings.version_dir(data_dir, release.id, release.version)
    if layout.folder_for(data_dir, release.id, release.version) == settings.release_dir(target, release.id):
        return target  # kept already, and the folder in place holds a later build (an amend cut short)
    if not layout.is_built(data_dir, release.id):
        return None

    def fill(tmp: Path) -> None:
        shutil.copytree(settings.release_dir(data_dir, release.id), settings.release_dir(tmp, release.id))
        if (Path(data_dir) / "lookups").exists():
            shutil.copytree(Path(data_dir) / "lookups", tmp / "lookups")
    copied = [settings.release_dir(data_dir, release.id), Path(data_dir) / "lookups"]
    atomic.replace_folder(target, fill, needed=sum(atomic.size_of(p) for p in copied))
    serving.build(target)  # its release.json says which files it was built from (the release page reads it)
    return target


def repin(doc: tomlkit.TOMLDocument, release_id: str, hashes: dict[str, str], reason: str, today: dt.date) -> int:
    """Re-pin one release of the catalogue document, bump its version and add the revision; returns
    the new version (the catalogue writer, outcomes.domain.catalogue, writes the document)."""
    entry = next((e for e in doc.get("release", []) if e.get("id") == release_id), None)
    if entry is None:
        raise UsageError(f"no release {release_id!r} in the catalogue")
    for source in entry["sources"]:
        if source["path"] in hashes:
            source["sha256"] = hashes[source["path"]]
    version = int(entry.get("version", 1)) + 1
    entry["version"] = version
    revision = tomlkit.inline_table()
    revision.update({"version": version, "date": today, "reason": reason})
    if "revisions" not in entry:
        entry["revisions"] = tomlkit.array()
    entry["revisions"].append(revision)
    return version


def amend(release_id: str, reason: str, source_dir: Path | None = None, data_dir: Path | None = None,
          today: dt.date | None = None, progress=None) -> Release:
    """Make a new version of a release from its changed source files; return the new entry."""
    if not reason.strip():
        raise UsageError("--reason is empty", fix="Say what changed, e.g. --reason \"Ofsted corrected 16 places in Table 6b\"")
    source_dir = Path(source_dir or settings.source_dir())
    data_dir = Path(data_dir or settings.data_dir())
    path = settings.catalogue_path()
    release = next((r for r in load_catalogue(path) if r.id == release_id), None)
    if release is None:
        raise UsageError(f"no release {release_id!r} in the catalogue", fix="`python -m outcomes releases` lists them")
    hashes = {}
    for s in release.sources:
        p = source_dir / s.path
        if not p.exists():
            raise UsageError(f"{p} is missing: put the revised file there first")
        hashes[s.path] = sha256_of(p)
    if all(hashes[s.path] == s.sha256 for s in release.sources):
        raise UsageError(f"the files of {release_id} are unchanged (same sha256): there is nothing to amend",
                         fix="Put Ofsted's revised file in the source folder, at the path the catalogue names. "
                             f"(An amend cut short after it re-pinned the catalogue, at version {release.version}, "
                             "has one step left: python -m outcomes prebuild)")
    old_text = path.read_text(encoding="utf-8")
    kept_before = settings.version_dir(data_dir, release.id, release.version).exists()
    kept = keep_version(release, data_dir)
    doc = tomlkit.parse(old_text)
    version = repin(doc, release_id, hashes, reason.strip(), today or settings.now().date())
    new_text = tomlkit.dumps(doc)
    # Built from the re-pinned entry before the catalogue says so: a build that fails, or is
    # killed, leaves the catalogue, and so the published version, as it was.
    results = pipeline.build_all(source_dir, data_dir, only=[release_id], progress=progress,
                                 catalogue=parse_text(new_text, path))
    if not all(r.ok for r in results):
        if kept is not None and not kept_before:
            atomic.remove_folder(kept)  # nothing was written: the old version stays in place
        problems = [f.line() for r in results for f in blocking(r.findings)][:10]
        raise UsageError(f"version {version} of {release_id} failed its checks; nothing changed:\n  " + "\n  ".join(problems))
    catalogue.write(new_text, path)  # the commit: from here the site shows the new version
    log.info("amended %s to version %d (%s); version %d kept at %s", release_id, version, reason, release.version, kept)
    return next(r for r in load_catalogue(path) if r.id == release_id)

