"""What the release page and the release calendar show, as plain data (no Streamlit).

A release page follows the Code of Practice for Statistics: status, coverage, "as at", when
Ofsted published it and when this site did, main findings written from the data, the QA
exception report, the files, who had pre-release access, the updates (versions and reasons),
and the previous and next releases. Earlier versions are kept, each as a small data folder of
its own (settings.version_dir, Store.kept_version), readable at `?id=..&version=N`. The files at
their stable addresses are outcomes.publish.files', and the renderer lists them.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from outcomes import settings
from outcomes.domain import checklist
from outcomes.domain.fields import TYPES, Counts, Level
from outcomes.domain.frameworks import GRADE_LABELS, break_label, old_grades_words
from outcomes.domain.releases import Release, load_catalogue, previous_of
from outcomes.domain.wording import long_date, plural, when
from outcomes.results import six_months
from outcomes.results.leading import leading_figures
from outcomes.results.summaries import change_lines
from outcomes.store.store import Store, delayed_releases

CORRECTION_DAYS = 30  # a correction banner shows this long after an amendment


def correction_note(release: Release, now: dt.datetime | None = None) -> str:
    """'Corrected on 23 November 2026: <reason>' for 30 days after an amendment, else ''."""
    amended = release.amended_at
    now = now or settings.now()
    if amended is None or (now.date() - amended).days > CORRECTION_DAYS:
        return ""
    latest = max(release.revisions, key=lambda r: r.version)
    return f"Corrected on {long_date(latest.date)} (version {latest.version}): {latest.reason}"


def caption_parts(release: Release) -> list[str]:
    """What every figure's release caption says after its 'About this release' link (Markdown):
    a correction, the status, the dates, the coverage and the next update."""
    correction = correction_note(release)
    bits = ([f"**{correction}**"] if correction else []) + [
        f"**{release.status_label}**", f"as at {long_date(release.as_at)}",
        f"published here {long_date(release.published.date())}"]
    if release.source_published:
        bits.append(f"first published by Ofsted {when(release.source_published_at)}")
    if release.coverage and release.coverage != "England":
        bits.append(f"coverage: {release.coverage}")
    if release.next_update:
        bits.append(f"next update: {release.next_update}")
    return bits


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
    pre_release_access: list[str]
    updates: list[tuple[int, str, str]]    # (version, date, reason)
    previous: Release | None
    next: Release | None
    correction: str = ""
    is_published: bool = True              # False for a pre-release reader before 09:30
    versions: list[int] = field(default_factory=list)
    checklist: list[checklist.Line] = field(default_factory=list)  # its QA checklist, who signed what
    flow: str = ""                         # LA children's services: the inspections in its six months, in words
    flow_table: pd.DataFrame | None = None  # and one row per inspection

    @property
    def is_latest(self) -> bool:
        return self.version == self.latest_version


def _coverage_line(release: Release, row: pd.Series) -> str:
    """'As at 31 March 2019, the release covers 3,018 providers (...), 2,864 of them with an overall grade.'"""
    what = plural(None, TYPES[release.provider_type].label)
    where = "" if release.coverage.startswith("England") else f" ({release.coverage})"
    if row["counts_basis"] == Counts.INSPECTED_ONLY.label:
        basis = " (inspected providers only: Ofsted's file for this date lists no others)"
    elif release.counts == Counts.INSPECTED_ONLY:
        basis = " (Ofsted's own count of every active provider; its provider-level file lists the inspected ones only)"
    else:
        basis = ""
    return (f"As at {long_date(release.as_at)}, the release covers {int(row['providers']):,} {what}{where}{basis}, "
            f"{int(row['graded']):,} of them with an overall grade.")


def _share_line(store: Store, release: Release, row: pd.Series, previous: Release | None) -> str:
    """The share good or outstanding, and its change from the previous release with any break between."""
    text = f"{row['pct_good_or_outstanding']:.1f}% of those graded were good or outstanding at their latest inspection"
    prev = store.grades(previous.id, Level.NATIONAL) if previous is not None else pd.DataFrame()
    if not prev.empty and pd.notna(prev.iloc[0].get("pct_good_or_outstanding")):
        before = float(prev.iloc[0]["pct_good_or_outstanding"])
        diff = float(row["pct_good_or_outstanding"]) - before
        move = "unchanged from" if abs(diff) < 0.05 else f"{'up' if diff > 0 else 'down'} {abs(diff):.1f} percentage points from"
        text += f", {move} {before:.1f}% as at {long_date(previous.as_at)}"
        crossing = break_label(release.provider_type, previous.as_at, release.as_at)
        if crossing:
            text += f" (not directly comparable: {crossing} falls between the two)"
    return text + "."


def findings(store: Store, release: Release, previous: Release | None) -> list[str]:
    """A few sentences with numbers computed from the release (and the one before it)."""
    kind = TYPES[release.provider_type]
    nat = store.grades(release.id, Level.NATIONAL)
    if nat.empty:
        return ["This release has no national figures."]
    row = nat.iloc[0]
    out = [_coverage_line(release, row)]
    lead = leading_figures(store, release)
    old = old_grades_words(release.provider_type, release.as_at)
    if lead:
        out += [f.words for f in lead]
        out.append(f"Of the {int(row['graded']):,} {plural(None, kind.label)} {old}, {row['pct_good_or_outstanding']:.1f}% hold "
                   "good or outstanding: not a measure Ofsted publishes for this date, and not comparable with earlier years.")
    elif kind.good_or_better_scale and pd.notna(row.get("pct_good_or_outstanding")):
        out.append(_share_line(store, release, row, previous))
    elif not kind.good_or_better_scale:
        counts = [f"{int(row[g]):,} {GRADE_LABELS[g].lower()}" for g in ("positive", "inconsistent", "widespread_failings")
                  if g in row.index and pd.notna(row[g])]
        if counts:
            out.append("Latest outcomes: " + ", ".join(counts) + ".")
    sub = kind.headline_subtype
    if sub:
        head = store.grades(release.id, Level.NATIONAL, sub)
        if not head.empty and pd.notna(head.iloc[0].get("pct_good_or_outstanding")):
            h = head.iloc[0]
            inspected = " inspected" if h["counts_basis"] == Counts.INSPECTED_ONLY.label else ""
            out.append(f"Of {int(h['providers']):,}{inspected} {plural(sub, kind.label)}, {int(h['graded']):,} were graded and "
                       f"{h['pct_good_or_outstanding']:.1f}% of those were good or outstanding.")
    return out


def qa_summary(store: Store, release: Release) -> tuple[pd.DataFrame, bytes]:
    """Counts of QA findings by severity and check, and the full report as CSV bytes."""
    data = store.qa_report(release.id)
    empty = pd.DataFrame(columns=["Severity", "Check", "Findings"])
    if not data:
        return empty, b""
    report = pd.read_csv(io.BytesIO(data), dtype=str)
    if report.empty:
        return empty, data
    n = pd.to_numeric(report.get("count"), errors="coerce").fillna(1).astype(int) if "count" in report else 1
    summary = report.assign(n=n).groupby(["severity", "check"], as_index=False)["n"].sum()
    return summary.rename(columns={"severity": "Severity", "check": "Check", "n": "Findings"}), data


def release_page(store: Store, release_id: str, version: int | None = None, viewers: list[str] = ()) -> ReleasePage | None:
    """Everything the release page shows (None: no such release is published, or no such version).
    `viewers`: who used pre-release access, from the preview log (outcomes.publish.prerelease)."""
    try:
        latest = store.release(release_id)
    except KeyError:
        return None
    kept = store.archived_versions(release_id)
    release, shown = latest, store
    if version is not None and version != latest.version:
        if version not in kept:
            return None
        release, shown = store.kept_version(latest, version)
    series = [r for r in store.releases if r.series == latest.series]
    previous = previous_of(latest, series)
    later = [r for r in series if r.as_at > latest.as_at]
    lines, note = change_lines(store, latest, previous) if release is latest else ([], "")
    qa, qa_csv = qa_summary(shown, release)
    names = list(dict.fromkeys([*latest.pre_release_access, *viewers]))
    updates = [(1, long_date(latest.published.date()), "First published on this site.")]
    updates += [(r.version, long_date(r.date), r.reason) for r in latest.revisions]
    flow_words, flow_table = six_months.flow(shown, release)
    return ReleasePage(
        release=release, version=release.version, latest_version=latest.version,
        ofsted_published=when(latest.source_published_at), site_published=when(latest.published),
        findings=findings(shown, release, previous if release is latest else None), changes=lines, change_note=note,
        qa_summary=qa, qa_csv=qa_csv, pre_release_access=names if latest.is_visible(store.now) else [],
        updates=updates, previous=previous, next=min(later, key=lambda r: r.as_at, default=None),
        correction=correction_note(latest, store.now), is_published=latest.is_visible(store.now),
        versions=sorted(set(kept) | {latest.version}), checklist=checklist.lines(latest, store.data_dir),
        flow=flow_words, flow_table=flow_table)


DELAYED = "delayed: checklist incomplete"


@dataclass(frozen=True)
class CalendarEntry:
    title: str
    when: str
    status: str        # "announced", DELAYED or "published"
    release_id: str    # "" for an announcement that is not yet a catalogue entry
    provider_type: str = ""  # a published release's, for grouping
    as_at: dt.date | None = None


def release_status(release: Release, now: dt.datetime, complete: bool) -> str:
    """'published', 'announced' (its time is ahead) or DELAYED (its time has passed, its QA checklist
    is not complete: Ofsted's release policy asks for a delay to be announced)."""
    if not release.is_visible(now):
        return "announced"
    return "published" if complete else DELAYED


def calendar(published: list[Release], now: dt.datetime | None = None, catalogue: list[Release] | None = None,
             data_dir=None) -> list[CalendarEntry]:
    """Announced releases (a future publication time, or a published release's `next_update`) and
    delayed ones (past their time, checklist incomplete: built, so due), then the published ones (the
    store's releases), newest first. An announced or delayed release shows its title and time only:
    nothing of it is anywhere else on the site until it is published."""
    now = now or settings.now()
    cat = catalogue if catalogue is not None else load_catalogue()
    late = delayed_releases(Path(data_dir or settings.data_dir()), cat, now)
    out = [CalendarEntry(r.title, when(r.published), DELAYED, "") for r in sorted(late, key=lambda r: r.published)]
    future = sorted((r for r in cat if not r.is_visible(now)), key=lambda r: r.published)
    out += [CalendarEntry(r.title, when(r.published), "announced", "") for r in future]
    published = sorted(published, key=lambda r: (r.published, r.as_at), reverse=True)
    seen = set()
    for r in sorted(published, key=lambda r: r.as_at, reverse=True):  # the newest release of each type says what comes next
        if r.provider_type in seen:
            continue
        seen.add(r.provider_type)
        if r.next_update and not r.next_update.lower().startswith("not updated"):
            out.append(CalendarEntry(f"{r.provider_type_label}: {r.next_update}", "date not yet announced", "announced", ""))
    out += [CalendarEntry(r.title, when(r.published), "published", r.id, r.provider_type, r.as_at) for r in published]
    return out


def published_by_type(entries: list[CalendarEntry]) -> list[tuple[str, str, list[CalendarEntry]]]:
    """(provider type, its label, its published releases newest date first), in the registry's
    order of types. The calendar's own order (by the time each was published here) scatters a
    series loaded all at once, such as the six-monthly LA releases, through the others."""
    published = [e for e in entries if e.status == "published"]
    return [(t, TYPES[t].label, sorted((e for e in published if e.provider_type == t), key=lambda e: e.as_at, reverse=True))
            for t in TYPES if any(e.provider_type == t for e in published)]
