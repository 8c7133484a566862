"""The build: published file -> reader -> canonical tables -> QA checks -> parquet under data/.

Atomic per release: a release is written to a temporary folder and moved into place only when
it has no hard QA finding; a failing release leaves what was published before untouched.
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from outcomes import atomic, settings
from outcomes.build import in_year, layout, national_counts, serving
from outcomes.build.canonical import canonical
from outcomes.domain import checklist, geography
from outcomes.domain.fields import IN_YEAR_COLUMNS, PROVIDER_COLUMNS, PROVIDER_EXTRA_COLUMNS, TYPES
from outcomes.domain.releases import READERS, Release, load_catalogue
from outcomes.errors import CatalogueError, MissingFile, UsageError
from outcomes.quality import checks, findings as report
from outcomes.quality.checklist import build_ticks
from outcomes.quality.crosscheck import run_crosscheck
from outcomes.quality.findings import Finding, note
from outcomes.sources import reader_for
from outcomes.sources.base import SourceError, SourceTable, check_size


@dataclass
class BuiltRelease:
    release: Release
    providers: pd.DataFrame | None = None
    judgements: pd.DataFrame | None = None
    history: pd.DataFrame | None = None  # every inspection up to the date (dated snapshot types)
    in_year: pd.DataFrame | None = None  # the year's inspections (the flow), where the files give it
    national_counts: pd.DataFrame | None = None  # Ofsted's own counts, where the file lists inspected providers only
    findings: list[Finding] = field(default_factory=list)
    skipped: str = ""  # why it was not built (missing files)

    @property
    def ok(self) -> bool:
        return not self.skipped and not report.blocking(self.findings) and self.providers is not None


def _read(release: Release, paths: list[Path], built: BuiltRelease) -> SourceTable | None:
    """The release's files through its reader, once each file is there, within the size limit and
    the one catalogued; None (with the findings that say why) otherwise."""
    for p in paths:
        try:
            check_size(p)  # before hashing: an empty or oversized file is refused unread
        except SourceError as e:
            built.findings.append(checks.read_error(release.id, e))
    if report.blocking(built.findings):
        return None
    built.findings += checks.source_pins(release, paths)
    if report.blocking(built.findings):
        return None
    try:
        return reader_for(release.reader)(paths, release.as_at)
    except SourceError as e:
        built.findings.append(checks.read_error(release.id, e))
    except Exception as e:  # noqa: BLE001  a reader that breaks on a file fails its release, not the build
        built.findings.append(checks.reader_failed(release.id, release.reader, paths[0], e))
    return None


def _checked(release: Release, table: SourceTable, providers: pd.DataFrame,
             previous: tuple[str, pd.DataFrame] | None) -> list[Finding]:
    """The checks every built provider table goes through."""
    registered = PROVIDER_COLUMNS + [c for c in PROVIDER_EXTRA_COLUMNS if c in providers.columns]
    found = checks.validate_fields(release.id, providers, registered, table.path.name)
    found += checks.duplicates(release.id, providers)
    if not TYPES[release.provider_type].dated_snapshot:
        found += checks.date_order(release.id, providers, release.as_at, release.cutoff)
    prev_id, prev = previous if previous else (None, None)
    found += checks.compare_with_previous(release.id, providers, prev, prev_id)
    if table.la_key in ("urn", "ons", "dfe") and TYPES[release.provider_type].dated_snapshot:
        covered = providers["new_la_code"].nunique()
        found.append(note(release.id, "coverage", f"{covered} local authorities have an inspection as at {release.as_at}",
                          count=covered))
    return found


def _flow(release: Release, built: BuiltRelease, source_dir: Path, register: geography.LaRegister) -> None:
    """The year's inspections beside the stock, where the release has them."""
    # The year's flow needs each inspection's publication date (the cut-off): Ofsted's monthly
    # management information gives none for graded or ungraded inspections, so it has no flow.
    if release.provider_type == "state_funded_school" and "ungraded_publication_date" in built.providers:
        built.in_year = in_year.schools(built.providers, built.judgements, release.as_at, release.cutoff)
        built.findings += checks.validate_fields(release.id, built.in_year, IN_YEAR_COLUMNS, layout.IN_YEAR)
        built.findings.append(note(release.id, "in_year", f"{len(built.in_year):,} rows of inspections carried out from "
                                   f"{in_year.year_start(release.as_at)} and published by the cut-off", layout.IN_YEAR))
    if release.in_year is not None:
        built.in_year, found = in_year.from_catalogue(release, source_dir, register)
        built.findings += found


def build_release(release: Release, source_dir: Path, register: geography.LaRegister,
                  previous: tuple[str, pd.DataFrame] | None = None) -> BuiltRelease:
    """Read, normalise and check one release (nothing is written here)."""
    built = BuiltRelease(release)
    paths = release.source_paths(source_dir)
    missing = [p for p in paths if not p.exists()]
    if missing:
        built.skipped = f"source file not in {source_dir}: {', '.join(str(p.relative_to(source_dir)) for p in missing)}"
        built.findings.append(checks.not_built(release.id, built.skipped))
        return built
    table = _read(release, paths, built)
    if table is None:
        return built
    providers, judgements, history, found = canonical(release, table, register)
    built.findings += found + _checked(release, table, providers, previous)
    if release.crosscheck is not None:
        built.findings += run_crosscheck(release, source_dir, register, providers, table)
    built.providers, built.judgements, built.history = providers, judgements, history
    _flow(release, built, source_dir, register)
    built.national_counts, found = national_counts.ofsted_counts(release, source_dir)
    built.findings += found
    return built


def write_release(built: BuiltRelease, data_dir: Path) -> Path:
    """Move a checked release into place atomically: temp folder, then rename over the old one."""
    r = built.release

    def fill(folder: Path) -> None:
        built.providers.to_parquet(folder / layout.PROVIDERS, index=False)
        built.judgements.to_parquet(folder / layout.JUDGEMENTS, index=False)
        if built.history is not None:
            built.history.to_parquet(folder / layout.HISTORY, index=False)
        if built.in_year is not None:
            built.in_year.to_parquet(folder / layout.IN_YEAR, index=False)
        if built.national_counts is not None:
            built.national_counts.to_parquet(folder / layout.NATIONAL_COUNTS, index=False)
        meta = {"id": r.id, "version": r.version, "provider_type": r.provider_type, "as_at": r.as_at.isoformat(),
                "built_at": dt.datetime.now(settings.LONDON).isoformat(timespec="seconds"),
                "build_id": secrets.token_hex(8),  # what the serving tables name (outcomes.build.serving)
                "sources": [{"path": s.path, "sha256": s.sha256} for s in r.sources],
                "crosscheck": {"reader": r.crosscheck.reader, "path": r.crosscheck.path, "sha256": r.crosscheck.sha256}
                if r.crosscheck else None,
                "rows": len(built.providers)}
        (folder / layout.RELEASE_JSON).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        (folder / layout.QA_REPORT).write_text(report.report_csv(built.findings), encoding="utf-8")
    return atomic.replace_folder(settings.release_dir(data_dir, r.id), fill)


def write_lookups(register: geography.LaRegister, data_dir: Path) -> None:
    atomic.write_parquet(register.to_frame(), layout.lookup_path(data_dir))


def load_built(data_dir: Path, release_id: str) -> pd.DataFrame | None:
    p = settings.release_dir(data_dir, release_id) / layout.PROVIDERS
    return pd.read_parquet(p) if p.exists() else None


def _check_readers(releases: list[Release]) -> None:
    """Every reader a release names exists (a typo in the catalogue fails here, naming the release)."""
    for r in releases:
        if r.reader not in READERS:
            raise CatalogueError(f"release {r.id}: reader {r.reader!r} is not one of {', '.join(READERS)}",
                                 fix="Correct `reader` in data/releases.toml")


def build_all(source_dir: Path | None = None, data_dir: Path | None = None, only: list[str] | None = None,
              write: bool = True, progress: Callable | None = None,
              catalogue: list[Release] | None = None) -> list[BuiltRelease]:
    """Build every catalogued release (or `only` these ids); write those that pass. `catalogue`:
    the entries to build from instead of data/releases.toml (amend builds a new version before
    it re-pins the catalogue)."""
    source_dir = Path(source_dir or settings.source_dir())
    data_dir = Path(data_dir or settings.data_dir())
    if not source_dir.exists():
        raise MissingFile("the source folder does not exist", source_dir, "Pass --source DIR or set OUTCOMES_SOURCE")
    register = geography.load_register(source_dir)
    catalogue = catalogue if catalogue is not None else load_catalogue()
    todo = [r for r in catalogue if not only or r.id in only]
    unknown = set(only or []) - {r.id for r in catalogue}
    if unknown:
        raise UsageError(f"no release {', '.join(sorted(unknown))} in the catalogue",
                         fix=f"Known releases: {', '.join(r.id for r in catalogue)}")
    _check_readers(todo)
    if write:
        write_lookups(register, data_dir)
    results: list[BuiltRelease] = []
    ticks: dict[str, dict] = {}  # what the build checked of each release it wrote (its QA checklist)
    last: dict[str, tuple[str, pd.DataFrame]] = {}
    ordered = sorted(todo, key=lambda r: (r.provider_type, r.as_at))  # each compared with the one before
    for release in (progress(ordered) if progress else ordered):
        prev = last.get(release.series) or _previous_on_disk(catalogue, release, data_dir)
        built = build_release(release, source_dir, register, prev)
        if built.ok and write:
            write_release(built, data_dir)
            ticks[release.id] = build_ticks(release, built.findings)
        if built.ok:
            last[release.series] = (release.id, built.providers)
        results.append(built)
    if write:
        checklist.record_build(data_dir, ticks)
        serving.build(data_dir, catalogue=catalogue)  # the read side's tables, from what is on disk now
    return results


def _previous_on_disk(catalogue: list[Release], release: Release, data_dir: Path) -> tuple[str, pd.DataFrame] | None:
    earlier = [r for r in catalogue if r.series == release.series and r.as_at < release.as_at]
    for r in sorted(earlier, key=lambda r: r.as_at, reverse=True):
        df = load_built(data_dir, r.id)
        if df is not None:
            return r.id, df
    return None
