"""The checks run on every built release: the field registry's rules, duplicates, dates against the
release date and the cut-off, the change from the previous release, and the source files' pins.
Each names the file, row and column at fault (outcomes.quality.findings)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from outcomes.domain.fields import FIELDS
from outcomes.domain.frameworks import UnknownGrade
from outcomes.domain.releases import Release, sha256_of
from outcomes.errors import SourceError
from outcomes.quality.findings import HARD, INFO, WARNING, Finding
from outcomes.sources.base import SourceTable
from outcomes.sources.rows import ResolvedRow

# How much each problem of a row matters in the release's own file (outcomes.sources.rows).
ROW_SEVERITY = {"unknown_grade": HARD, "missing_la": HARD, "unknown_la": HARD, "la_not_current_at_date": WARNING}


def not_built(release_id: str, why: str) -> Finding:
    return Finding(release_id, INFO, "not_built", why + " (put the file there to build this release)")


def read_error(release_id: str, e: SourceError) -> Finding:
    """A file its reader could not read: a hard finding naming the file, row and column."""
    return Finding(release_id, HARD, "read_error", e.problem + (f". {e.fix}" if e.fix else ""),
                   Path(e.path).name, e.row, e.column or "")


def reader_failed(release_id: str, reader: str, path: Path, e: Exception) -> Finding:
    """A reader that broke on a file (a bug or an unforeseen layout): its release fails, not the build."""
    return read_error(release_id, SourceError(path, None, None, f"the {reader} reader could not read it ({type(e).__name__}: {e})",
                                              "Check it is the file the catalogue names, complete and unedited"))


def read_notes(release_id: str, table: SourceTable) -> list[Finding]:
    """What the reader did (INFO), and the checks it ran across its files."""
    file = table.path.name
    return [Finding(release_id, INFO, "read", n, file) for n in table.notes] + \
        [Finding(release_id, sev, check, msg, file, row, col) for sev, check, msg, row, col in table.checks]


def source_pins(release: Release, paths: list[Path]) -> list[Finding]:
    """Each source file against its sha256 in the catalogue: unpinned is a warning (with the pin to
    add), changed is hard (a revised file is a new version: amend)."""
    out = []
    for s, p in zip(release.sources, paths):
        if not s.sha256:
            out.append(Finding(release.id, WARNING, "source_not_pinned",
                               f"{s.path} has no sha256 in data/releases.toml: once checked, add "
                               f"sha256 = \"{sha256_of(p)}\" so a changed file cannot slip in", p.name))
        elif sha256_of(p) != s.sha256:
            out.append(Finding(release.id, HARD, "source_changed",
                               f"{s.path} differs from the file catalogued (sha256 {s.sha256[:12]}...). If Ofsted revised it, "
                               f"run `python -m outcomes amend --release {release.id} --reason \"...\"` (re-pins its sha256 in "
                               "data/releases.toml as a new version; the old one stays readable)", p.name))
    return out


def side_file_changed(release_id: str, check: str, relpath: str, path: Path, sha256: str, advice: str = "") -> list[Finding]:
    """A cross-check or in-year file that differs from its pin: a warning (it never blocks)."""
    if not sha256 or sha256_of(path) == sha256:
        return []
    return [Finding(release_id, WARNING, check, f"{relpath} differs from the file catalogued (sha256 {sha256[:12]}...)"
                    + (f"; {advice}" if advice else ""), path.name)]


def row_findings(release_id: str, row: ResolvedRow, file: str) -> list[Finding]:
    """The problems of one row of the release's own file, at their severity."""
    return [Finding(release_id, ROW_SEVERITY[p.check], p.check, p.message, file, row.line, p.column) for p in row.problems]


def problem_findings(release_id: str, row: ResolvedRow, file: str, check: str, problems: list, severity: str = HARD) -> list[Finding]:
    """Problems of a row of a side table (the year's inspections), all under one check."""
    urn = row.row.get("urn")
    return [Finding(release_id, severity, check, p.message if p.message.startswith("URN") else f"URN {urn}: {p.message}",
                    file, row.line, p.column) for p in problems]


def label_or_finding(release_id: str, read: Callable[[], str | None], file: str, row: int, column: str,
                     findings: list[Finding]) -> str | None:
    """read() a label's canonical value; a label no framework knows is a hard finding (and None)."""
    try:
        return read()
    except UnknownGrade as e:
        findings.append(Finding(release_id, HARD, "unknown_grade", str(e), file, row, column))
        return None

def compare_with_previous(release_id: str, current: pd.DataFrame, previous: pd.DataFrame | None,
                          previous_id: str | None) -> list[Finding]:
    """Row counts, providers that appeared or vanished, and judgements revised under the same inspection."""
    if previous is None or previous.empty:
        return [Finding(release_id, INFO, "previous_release", "no earlier release of this provider type to compare with")]
    out = []
    n_now, n_before = len(current), len(previous)
    change = (n_now - n_before) / n_before if n_before else 0.0
    sev = WARNING if abs(change) > 0.15 else INFO
    out.append(Finding(release_id, sev, "row_count", f"{n_now:,} providers against {n_before:,} in {previous_id} ({change:+.1%})", count=n_now))
    now_urns, before_urns = set(current["urn"]), set(previous["urn"])
    out.append(Finding(release_id, INFO, "providers_appeared", f"{len(now_urns - before_urns):,} providers not in {previous_id}", count=len(now_urns - before_urns)))
    vanished = before_urns - now_urns
    out.append(Finding(release_id, WARNING if len(vanished) > 0.25 * n_before else INFO, "providers_vanished",
                       f"{len(vanished):,} providers of {previous_id} are not in this release (closed or deregistered)", count=len(vanished)))
    both = current.merge(previous, on=["urn", "inspection_id"], suffixes=("", "_before"))
    both = both[both["inspection_id"].notna() & (both["overall_grade"].fillna("") != both["overall_grade_before"].fillna(""))]
    for r in both.itertuples(index=False):
        out.append(Finding(release_id, WARNING, "revised_judgement",
                           f"URN {r.urn}, inspection {r.inspection_id}: {r.overall_grade_before} in {previous_id}, {r.overall_grade} now",
                           r.source_file, int(r.source_row), "overall judgement"))
    return out


def date_order(release_id: str, providers: pd.DataFrame, as_at: dt.date, cutoff: dt.date) -> list[Finding]:
    """Inspections after their publication, or after the 'as at' date, or published past the cut-off."""
    out = []
    start, pub = providers["inspection_start_date"], providers["publication_date"]
    limit = cutoff
    for r, s, p in zip(providers.itertuples(index=False), start, pub):
        if s is not None and not pd.isna(s) and s > as_at:
            out.append(Finding(release_id, WARNING, "inspection_after_as_at", f"URN {r.urn}: inspection started {s}, after the 'as at' date {as_at}",
                               r.source_file, int(r.source_row), "inspection date"))
        if s is not None and p is not None and not pd.isna(s) and not pd.isna(p):
            if s > p:
                out.append(Finding(release_id, WARNING, "inspection_after_publication", f"URN {r.urn}: inspection started {s}, after its report was published {p}",
                                   r.source_file, int(r.source_row), "publication date"))
            if p > limit:
                out.append(Finding(release_id, WARNING, "published_after_cutoff", f"URN {r.urn}: report published {p}, after the cut-off {limit}",
                                   r.source_file, int(r.source_row), "publication date"))
    return out


def duplicates(release_id: str, providers: pd.DataFrame) -> list[Finding]:
    dup = providers[providers["urn"].duplicated(keep="first")]
    return [Finding(release_id, HARD, "duplicate_urn", f"URN {r.urn} appears more than once", r.source_file, int(r.source_row), "URN")
            for r in dup.itertuples(index=False)]


def schema_for(columns: list[str]):
    """A pandera schema generated from the fields registry: nullability and allowed values."""
    import pandera.pandas as pa  # pandera is slow to import: only when a table is checked

    dtypes = {"integer": "Int64", "number": "float64", "boolean": "bool", "string": None, "date": None}
    cols = {}
    for c in columns:
        f = FIELDS[c]
        checks = [pa.Check.isin(list(f.allowed))] if f.allowed else []
        cols[c] = pa.Column(dtypes[f.type], checks=checks, nullable=f.nullable, coerce=f.type in ("integer", "number"))
    return pa.DataFrameSchema(cols, strict=False)


def validate_fields(release_id: str, frame: pd.DataFrame, columns: list[str], file: str = "") -> list[Finding]:
    """Check a built table against the registry; each failing cell names its source row and column."""
    import pandera.errors as pe  # with pandera.pandas above

    try:
        schema_for(columns).validate(frame, lazy=True)
    except pe.SchemaErrors as err:
        out = []
        for case in err.failure_cases.itertuples(index=False):
            idx = case.index
            row = int(frame["source_row"].iloc[idx]) if idx is not None and "source_row" in frame and not pd.isna(idx) else None
            out.append(Finding(release_id, HARD, "field_check", f"{case.check}: value {case.failure_case!r}", file, row, str(case.column)))
        return out
    return []


