"""What the release page and the release calendar show, as plain data (no Streamlit).

A release page follows the Code of Practice for Statistics: status, coverage, "as at", when
Ofsted published it and when this site did, main findings written from the data, the QA
exception report, the files, who had pre-release access, the updates (versions and reasons),
and the previous and next releases. Earlier versions are kept, each as a small data folder of
its own (settings.version_dir), readable at `?id=..&version=N`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from outcomes import changes, prerelease, settings
from outcomes.fields import TYPES
from outcomes.releases import Release, load_catalogue
from outcomes.store import Store
from outcomes.summaries import long_date, plural

CORRECTION_DAYS = 30  # a correction banner shows this long after an amendment


def when(t) -> str:
    """'16 July 2025, 09:30' (London time), '16 July 2025' for a date alone, 'not recorded' for none."""
    if t is None:
        return "not recorded"
    if isinstance(t, dt.datetime):
        t = t.astimezone(settings.LONDON)
        return f"{long_date(t)}, {t:%H:%M}"
    return long_date(t)


def correction_note(release: Release, now: dt.datetime | None = None) -> str:
    """'Corrected on 23 November 2026: <reason>' for 30 days after an amendment, else ''."""
    amended = release.amended_at
    now = now or settings.now()
    if amended is None or (now.date() - amended).days > CORRECTION_DAYS:
        return ""
    latest = max(release.revisions, key=lambda r: r.version)
    return f"Corrected on {long_date(latest.date)} (version {latest.version}): {latest.reason}"


@dataclass
class ReleasePage:
    release: Release
    version: int
    latest_version: int
    ofsted_published: str
    site_published: str
    findings: list[str]
    changes: list[str]
    change_note: str                       # the framework break a comparison crosses ('' when none)
    qa_summary: pd.DataFrame
    qa_csv: bytes
    files: list[tuple[str, str]]           # (label, URL) of static files, when the site publishes them
    pre_release_access: list[str]
    updates: list[tuple[int, str, str]]    # (version, date, reason)
    previous: Release | None
    next: Release | None
    correction: str = ""
    is_published: bool = True              # False for a pre-release reader before 09:30
    versions: list[int] = field(default_factory=list)
    store: Store | None = None             # the store holding this version (the zip is made from it)

    @property
    def is_latest(self) -> bool:
        return self.version == self.latest_version


def archived_versions(data_dir: Path, release_id: str) -> list[int]:
    """Earlier versions kept on disk (amend keeps each one's built folder)."""
    folder = settings.versions_dir(data_dir, release_id)
    if not folder.exists():
        return []
    return sorted(int(p.name[1:]) for p in folder.iterdir()
                  if p.name[1:].isdigit() and (settings.release_dir(p, release_id) / "release.json").exists())


def version_release(release: Release, data_dir: Path, version: int) -> Release:
    """The catalogue entry as it was at an earlier version (its pinned files and revisions then)."""
    kept = settings.release_dir(settings.version_dir(data_dir, release.id, version), release.id)
    meta = json.loads((kept / "release.json").read_text(encoding="utf-8"))
    from outcomes.releases import SourceFile

    return dataclasses.replace(release, version=version,
                               sources=tuple(SourceFile(s["path"], s.get("sha256", "")) for s in meta.get("sources", [])),
                               revisions=tuple(r for r in release.revisions if r.version <= version))


def version_store(release: Release, data_dir: Path, version: int) -> Store:
    """A store over one kept version's own data folder (it holds that release alone)."""
    return Store(data_dir=settings.version_dir(data_dir, release.id, version), now=dt.datetime.max.replace(tzinfo=settings.LONDON),
                 catalogue=[release], every_built=True)


def findings(store: Store, release: Release, previous: Release | None) -> list[str]:
    """A few sentences with numbers computed from the release (and the one before it)."""
    kind = TYPES[release.provider_type]
    out = []
    nat = store.grades(release.id, "national")
    if nat.empty:
        return ["This release has no national figures."]
    row = nat.iloc[0]
    when_text = f"As at {long_date(release.as_at)}"
    where = "" if release.coverage.startswith("England") else f" ({release.coverage})"
    out.append(f"{when_text}, the release covers {int(row['providers']):,} {plural(None, kind.label)}{where}, "
               f"{int(row['graded']):,} of them with an overall grade.")
    if kind.good_or_better_scale and pd.notna(row.get("pct_good_or_outstanding")):
        text = f"{row['pct_good_or_outstanding']:.1f}% of those graded were good or outstanding at their latest inspection"
        prev = store.grades(previous.id, "national") if previous is not None else pd.DataFrame()
        if not prev.empty and pd.notna(prev.iloc[0].get("pct_good_or_outstanding")):
            before = float(prev.iloc[0]["pct_good_or_outstanding"])
            diff = float(row["pct_good_or_outstanding"]) - before
            move = "unchanged from" if abs(diff) < 0.05 else f"{'up' if diff > 0 else 'down'} {abs(diff):.1f} percentage points from"
            text += f", {move} {before:.1f}% as at {long_date(previous.as_at)}"
            crossing = changes.break_label(release.provider_type, previous.as_at, release.as_at)
            if crossing:
                text += f" (not directly comparable: {crossing} falls between the two)"
        out.append(text + ".")
    elif not kind.good_or_better_scale:
        from outcomes.frameworks import GRADE_LABELS

        counts = [f"{int(row[g]):,} {GRADE_LABELS[g].lower()}" for g in ("positive", "inconsistent", "widespread_failings")
                  if g in row.index and pd.notna(row[g])]
        if counts:
            out.append("Latest outcomes: " + ", ".join(counts) + ".")
    sub = kind.headline_subtype
    if sub:
        head = store.grades(release.id, "national", sub)
        if not head.empty and pd.notna(head.iloc[0].get("pct_good_or_outstanding")):
            h = head.iloc[0]
            out.append(f"Of {int(h['providers']):,} {plural(sub, kind.label)}, {int(h['graded']):,} were graded and "
                       f"{h['pct_good_or_outstanding']:.1f}% of those were good or outstanding.")
    return out


def change_lines(store: Store, release: Release, previous: Release | None, la: str | None = None,
                 subtype: str | None = None, what: str = "") -> tuple[list[str], str]:
    """Sentences counting what changed since the previous release (and, for ILACS, since each
    authority's first ILACS inspection), with the framework break they cross ('' when none)."""
    counts = store.by_la("change_counts_by_la", release.id, la or "")  # = query "change_counts" for that LA
    if counts.empty:
        return [], ""
    counts = counts[counts["provider_subtype"].eq(subtype or "")]
    lines, note = [], ""
    kind = TYPES[release.provider_type]
    what = what or plural(subtype, kind.label)
    since = counts[counts["comparison"].eq(changes.PREVIOUS_RELEASE)]
    if not since.empty and previous is not None and since["previous_id"].iloc[0] == previous.id:
        before = f"since the previous release (as at {long_date(previous.as_at)})"
        if la and kind.la_is_provider and len(since) == 1:  # the authority is the one provider
            line = f"{before[:1].upper()}{before[1:]}, this authority's {kind.label.lower()} {changes.CHANGES[since['change'].iloc[0]]}."
        else:
            line = changes.sentence(since, f"{before}, {what}")
        if line:
            lines.append(line)
        note = str(since["break_label"].iloc[0] or "")
    ilacs = counts[counts["comparison"].eq(changes.FIRST_TO_LATEST_ILACS)]
    if not ilacs.empty and la:
        lines.append(f"Comparing its first ILACS inspection with its latest, this authority {changes.CHANGES[ilacs['change'].iloc[0]]}.")
    elif not ilacs.empty:
        n = int(ilacs["n"].sum())
        lines.append(changes.sentence(ilacs, f"of the {n} local authorities inspected more than once under ILACS, "
                                             "comparing their first ILACS grade with their latest"))
    return lines, note


def qa_summary(store: Store, release: Release) -> tuple[pd.DataFrame, bytes]:
    """Counts of QA findings by severity and check, and the full report as CSV bytes."""
    path = settings.release_dir(store.data_dir, release.id) / "qa_report.csv"
    if not path.exists():
        return pd.DataFrame(columns=["Severity", "Check", "Findings"]), b""
    data = path.read_bytes()
    report = pd.read_csv(path, dtype=str)
    if report.empty:
        return pd.DataFrame(columns=["Severity", "Check", "Findings"]), data
    n = pd.to_numeric(report.get("count"), errors="coerce").fillna(1).astype(int) if "count" in report else 1
    summary = report.assign(n=n).groupby(["severity", "check"], as_index=False)["n"].sum()
    return summary.rename(columns={"severity": "Severity", "check": "Check", "n": "Findings"}), data


def static_files(release: Release) -> list[tuple[str, str]]:
    """(file name, stable URL) of this release version's files at their addresses (outcomes.publishing),
    the zip first; empty until they are written (the page then offers the zip as a download)."""
    from outcomes import publishing

    try:
        index = json.loads((publishing.static_dir() / "releases" / publishing.INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    entry = next((e for e in index.get("releases", []) if e.get("id") == release.id and e.get("version") == release.version), None)
    files = [(f["name"], f["url"]) for f in entry["files"]] if entry else []
    return sorted(files, key=lambda f: (not f[0].endswith(".zip"), f[0]))


def release_page(store: Store, release_id: str, version: int | None = None) -> ReleasePage | None:
    """Everything the release page shows (None: no such release is published, or no such version)."""
    try:
        latest = store.release(release_id)
    except KeyError:
        return None
    kept = archived_versions(store.data_dir, release_id)
    release, shown = latest, store
    if version is not None and version != latest.version:
        if version not in kept:
            return None
        release = version_release(latest, store.data_dir, version)
        shown = version_store(release, store.data_dir, version)
    series = [r for r in store.releases if changes.series_of(r) == changes.series_of(latest)]
    previous = changes.previous_of(latest, series)
    later = [r for r in series if r.as_at > latest.as_at]
    lines, note = change_lines(store, latest, previous) if release is latest else ([], "")
    qa, qa_csv = qa_summary(shown, release)
    names = list(dict.fromkeys([*latest.pre_release_access, *prerelease.viewers(release_id, store.data_dir)]))
    updates = [(1, long_date(latest.published.date()), "First published on this site.")]
    updates += [(r.version, long_date(r.date), r.reason) for r in latest.revisions]
    return ReleasePage(
        release=release, version=release.version, latest_version=latest.version,
        ofsted_published=when(latest.source_published_at), site_published=when(latest.published),
        findings=findings(shown, release, previous if release is latest else None), changes=lines, change_note=note,
        qa_summary=qa, qa_csv=qa_csv, files=static_files(release),
        pre_release_access=names if latest.is_visible(store.now) else [],
        updates=updates, previous=previous, next=min(later, key=lambda r: r.as_at, default=None),
        correction=correction_note(latest, store.now), is_published=latest.is_visible(store.now), versions=sorted(set(kept) | {latest.version}), store=shown)


@dataclass(frozen=True)
class CalendarEntry:
    title: str
    when: str
    status: str        # "announced" or "published"
    release_id: str    # "" for an announcement that is not yet a catalogue entry


def calendar(published: list[Release], now: dt.datetime | None = None, catalogue: list[Release] | None = None) -> list[CalendarEntry]:
    """Announced releases (a future publication time, or a published release's `next_update`),
    then the published ones (the store's releases), newest first. An announced release shows its
    title and time only: nothing of it is anywhere else on the site until its publication time."""
    now = now or settings.now()
    cat = catalogue if catalogue is not None else load_catalogue()
    future = sorted((r for r in cat if not r.is_visible(now)), key=lambda r: r.published)
    out = [CalendarEntry(r.title, when(r.published), "announced", "") for r in future]
    published = sorted(published, key=lambda r: (r.published, r.as_at), reverse=True)
    seen = set()
    for r in sorted(published, key=lambda r: r.as_at, reverse=True):  # the newest release of each type says what comes next
        if r.provider_type in seen:
            continue
        seen.add(r.provider_type)
        if r.next_update and not r.next_update.lower().startswith("not updated"):
            out.append(CalendarEntry(f"{r.provider_type_label}: {r.next_update}", "date not yet announced", "announced", ""))
    out += [CalendarEntry(r.title, when(r.published), "published", r.id) for r in published]
    return out
