"""The build: published file -> reader -> canonical tables -> QA checks -> parquet under data/.

Atomic per release: a release is written to a temporary folder and moved into place only when
it has no hard QA finding; a failing release leaves what was published before untouched.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from outcomes import frameworks, geography, in_year, quality, settings
from outcomes.fields import IN_YEAR_COLUMNS, JUDGEMENT_COLUMNS, PROVIDER_COLUMNS, PROVIDER_EXTRA_COLUMNS
from outcomes.quality import HARD, INFO, WARNING, Finding
from outcomes.releases import Release, load_catalogue, sha256_of
from outcomes.errors import MissingFile, UsageError
from outcomes.sources import READERS, reader_for  # noqa: F401 (READERS: for callers of the build)
from outcomes.sources.base import JUDGEMENT_PREFIX, SourceError, SourceTable, check_size

# The overall-grade and date columns of a cross-check reader's file, as the QA report names them.
CROSSCHECK_COLUMNS: dict[str, tuple[str, str]] = {
    "la_childrens_services_la_table": ("Overall effectiveness", "Inspection date"),
    "la_childrens_services_la_level_2022": ("Overall effectiveness", "Inspection date"),
}

# Provider types whose files list inspections rather than one row per provider: the build keeps
# each provider's latest inspection as at the release date. (The area SEND file holds only each
# area's latest inspection, so a snapshot at an earlier date must drop the later ones.)
DATED_SNAPSHOT_TYPES = {"la_childrens_services", "area_send"}


@dataclass
class BuiltRelease:
    release: Release
    providers: pd.DataFrame | None = None
    judgements: pd.DataFrame | None = None
    history: pd.DataFrame | None = None  # every inspection up to the date (dated snapshot types)
    in_year: pd.DataFrame | None = None  # the year's inspections (the flow), where the files give it
    findings: list[Finding] = field(default_factory=list)
    skipped: str = ""  # why it was not built (missing files)

    @property
    def ok(self) -> bool:
        return not self.skipped and not quality.blocking(self.findings) and self.providers is not None


release_dir = settings.release_dir  # kept here too: the build is where releases are written


def select_latest(rows: pd.DataFrame, as_at: dt.date, cutoff_days: int, latest_only: bool = True) -> pd.DataFrame:
    """Each provider's latest inspection starting on or before `as_at` and published by the cut-off
    (or, with latest_only=False, every such inspection).

    Where the start date is missing (a report the compiler could not read) the publication date
    stands in for it: an inspection always starts before its report is published, so this never
    takes in a later inspection.
    """
    limit = as_at + dt.timedelta(days=cutoff_days)
    start = pd.to_datetime(rows["inspection_start_date"])
    pub = pd.to_datetime(rows["publication_date"])
    effective = start.fillna(pub)
    keep = effective.notna() & (effective <= pd.Timestamp(as_at)) & (pub.isna() | (pub <= pd.Timestamp(limit)))
    chosen = rows[keep].copy()
    if not latest_only:
        return chosen.reset_index(drop=True)
    chosen["_start"], chosen["_pub"] = effective[keep], pub[keep]
    chosen = chosen.sort_values(["urn", "_start", "_pub"]).groupby("urn", sort=False).tail(1)
    return chosen.drop(columns=["_start", "_pub"]).sort_values("source_row").reset_index(drop=True)


def _resolve_la(register: geography.LaRegister, key: str, value: object, day: dt.date) -> geography.LaVersion:
    if key == "name":
        return register.by_name(value, day)
    if key == "dfe":
        return register.by_dfe(value, day)
    if key == "ons":
        return register.by_ons(value, day)
    if key == "urn":
        return register.by_urn(value, day)
    raise ValueError(f"unknown la_key {key!r}")


def _date(value: object) -> dt.date | None:
    """A reader's date cell as a date or None (pandas may hand back NaT or NaN for a blank)."""
    return None if value is None or pd.isna(value) else value


def overall_grade(ptype: str, label: object, start: dt.date | None) -> str | None:
    """The canonical overall grade of a published label (raises frameworks.UnknownGrade)."""
    grade = frameworks.grade_of(ptype, label, start)
    if grade is None and start is not None:
        fw_id = frameworks.framework_of(ptype, "good", start)
        if fw_id and not frameworks.FRAMEWORKS[fw_id].has_overall_grade:
            grade = "no_overall_grade"  # e.g. schools inspected from September 2024
    return grade


def canonical(release: Release, table: SourceTable, register: geography.LaRegister) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, list[Finding]]:
    """Reader rows -> the provider table, the long judgements table and (for dated snapshots)
    every inspection up to the date, with findings."""
    rid, ptype, file = release.id, release.provider_type, table.path.name
    findings: list[Finding] = [Finding(rid, INFO, "read", n, file) for n in table.notes]
    findings += [Finding(rid, sev, check, msg, file, row, col) for sev, check, msg, row, col in table.checks]
    rows = table.rows
    dated = table.history or ptype in DATED_SNAPSHOT_TYPES
    if dated:
        before = len(rows)
        history = select_latest(rows, release.as_at, release.cutoff_days, latest_only=False)
        rows = select_latest(history, release.as_at, release.cutoff_days)
        findings.append(Finding(rid, INFO, "latest_as_at", f"kept {len(rows):,} latest inspections as at {release.as_at} of {before:,} rows", file))
    out = []
    welsh = 0
    for r in rows.to_dict("records"):
        line = int(r["source_row"])
        start = _date(r["inspection_start_date"])
        try:
            grade = overall_grade(ptype, r["overall_published"], start)
        except frameworks.UnknownGrade as e:
            findings.append(Finding(rid, HARD, "unknown_grade", f"{e}: use a label of the framework's scale (see the methodology page)", file, line, "overall judgement"))
            grade = overall_grade(ptype, None, start)
        la = {"new_la_code": None, "old_la_code": None, "la_name": None, "region_code": None, "region_name": None}
        in_england = True
        if table.la_key != "none":
            value = r["la_published"]
            if table.la_key == "name" and geography.is_welsh(value):
                in_england, welsh = False, welsh + 1
            elif value is None or str(value).strip() == "":
                findings.append(Finding(rid, HARD, "missing_la", f"URN {r['urn']}: no local authority given", file, line, "local authority"))
            else:
                try:
                    v = _resolve_la(register, table.la_key, value, release.as_at)
                    la = {"new_la_code": v.ons_code, "old_la_code": v.dfe_code, "la_name": v.name,
                          "region_code": v.region_code, "region_name": v.region_name}
                    if not v.valid_at(release.as_at):
                        findings.append(Finding(rid, WARNING, "la_not_current_at_date",
                                                f"URN {r['urn']}: {value!r} names {v.name} ({v.ons_code}), which did not exist on {release.as_at}",
                                                file, line, "local authority"))
                except geography.UnknownArea as e:
                    findings.append(Finding(rid, HARD, "unknown_la", f"URN {r['urn']}: {e}; add the spelling to geography.py or correct the file", file, line, "local authority"))
        out.append({
            "provider_type": ptype, "provider_subtype": r["provider_subtype"], "urn": str(r["urn"]),
            "provider_name": r["provider_name"], "la_name_published": None if r["la_published"] is None else str(r["la_published"]),
            **la, "in_england": in_england, "inspection_id": r["inspection_id"], "inspection_type": r["inspection_type"],
            "inspection_start_date": start, "publication_date": _date(r["publication_date"]),
            "framework": frameworks.framework_of(ptype, grade, start, r["provider_subtype"], r["inspection_type"]),
            "overall_grade": grade, "overall_grade_published": r["overall_published"],
            "places": r["places"], "sector": r["sector"], "source_file": file, "source_row": line,
            **{k: v for k, v in r.items() if k.startswith(JUDGEMENT_PREFIX) or k in PROVIDER_EXTRA_COLUMNS},
        })
        if "ungraded_outcome_published" in r:
            out[-1]["ungraded_outcome"] = _ungraded_outcome(rid, r, file, findings)
        if "previous_overall_grade_published" in r:
            out[-1]["previous_overall_grade"] = _previous_grade(rid, r, file, findings)
    if welsh:
        findings.append(Finding(rid, INFO, "set_aside_wales", f"{welsh} providers in Welsh local authorities kept out of England totals", file, count=welsh))
    if table.set_aside:
        findings.append(Finding(rid, INFO, "set_aside_rows", f"{table.set_aside} rows set aside by the reader (see read notes)", file, count=table.set_aside))
    providers = pd.DataFrame(out)
    extra = [c for c in PROVIDER_EXTRA_COLUMNS if c in providers.columns]
    judgements = _judgements(release, table, providers, findings)
    providers = providers[PROVIDER_COLUMNS + extra] if len(providers) else pd.DataFrame(columns=PROVIDER_COLUMNS + extra)
    providers["places"] = pd.to_numeric(providers["places"], errors="coerce").astype("Int64")
    providers["source_row"] = providers["source_row"].astype("Int64")
    return providers, judgements, (_history(release, table, history, providers) if dated else None), findings


def _previous_grade(rid: str, r: dict, file: str, findings: list[Finding]) -> str | None:
    """A school's previous graded inspection's overall effectiveness as a canonical grade."""
    try:
        return frameworks.grade_of("state_funded_school", r["previous_overall_grade_published"], _date(r["previous_inspection_start_date"]))
    except frameworks.UnknownGrade as e:
        findings.append(Finding(rid, HARD, "unknown_grade", str(e), file, int(r["source_row"]),
                                "Previous graded inspection overall effectiveness"))
        return None


def _ungraded_outcome(rid: str, r: dict, file: str, findings: list[Finding]) -> str | None:
    """A school's latest ungraded inspection outcome on its own scale (never an overall grade)."""
    try:
        return frameworks.ungraded_outcome_of(r["ungraded_outcome_published"])
    except frameworks.UnknownGrade as e:
        findings.append(Finding(rid, HARD, "unknown_grade", str(e), file, int(r["source_row"]), "Ungraded inspection overall outcome"))
        return None


def _history(release: Release, table: SourceTable, history: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """Every inspection up to the release date (for an LA's judgement history), with canonical grades."""
    ptype = release.provider_type
    la = latest.drop_duplicates("urn").set_index("urn")[["new_la_code", "la_name"]]
    out = pd.DataFrame({
        "urn": history["urn"].astype(str), "inspection_id": history["inspection_id"],
        "inspection_type": history["inspection_type"],
        "inspection_start_date": history["inspection_start_date"], "publication_date": history["publication_date"],
        "overall_grade_published": history["overall_published"],
    })
    safe = lambda v, d: _grade_or_none(ptype, v, d)
    out["overall_grade"] = [safe(v, d) for v, d in zip(history["overall_published"], history["inspection_start_date"])]
    for jid in table.judgements:
        out[jid] = [safe(v, d) for v, d in zip(history[JUDGEMENT_PREFIX + jid], history["inspection_start_date"])]
    for extra in ("report_url", "outcome_text"):
        if extra in history:
            out[extra] = history[extra]
    out = out.join(la, on="urn")
    return out


def _grade_or_none(ptype: str, value: object, day: dt.date | None) -> str | None:
    try:
        return frameworks.grade_of(ptype, value, day)
    except frameworks.UnknownGrade:
        return None  # reported on the latest rows; history rows are shown as published


def _judgements(release: Release, table: SourceTable, providers: pd.DataFrame, findings: list[Finding]) -> pd.DataFrame:
    recs = []
    for r in providers.to_dict("records"):
        for jid, wording in table.judgements.items():
            raw = r.get(JUDGEMENT_PREFIX + jid)
            if raw is None or (isinstance(raw, float) and pd.isna(raw)):
                continue
            try:
                g = frameworks.grade_of(release.provider_type, raw, r["inspection_start_date"])
            except frameworks.UnknownGrade as e:
                findings.append(Finding(release.id, HARD, "unknown_grade", str(e), r["source_file"], int(r["source_row"]), wording))
                continue
            if g is not None:
                recs.append({"urn": r["urn"], "judgement": jid, "judgement_label": wording, "grade": g, "grade_published": str(raw)})
    return pd.DataFrame(recs, columns=JUDGEMENT_COLUMNS)


def build_release(release: Release, source_dir: Path, register: geography.LaRegister,
                  previous: tuple[str, pd.DataFrame] | None = None) -> BuiltRelease:
    """Read, normalise and check one release (nothing is written here)."""
    built = BuiltRelease(release)
    paths = release.source_paths(source_dir)
    missing = [p for p in paths if not p.exists()]
    if missing:
        built.skipped = f"source file not in {source_dir}: {', '.join(str(p.relative_to(source_dir)) for p in missing)}"
        built.findings.append(Finding(release.id, INFO, "not_built", built.skipped + " (put the file there to build this release)"))
        return built
    for p in paths:
        try:
            check_size(p)  # before hashing: an empty or oversized file is refused unread
        except SourceError as e:
            built.findings.append(_read_error(release, e))
    if quality.blocking(built.findings):
        return built
    for s, p in zip(release.sources, paths):
        if not s.sha256:
            built.findings.append(Finding(release.id, WARNING, "source_not_pinned",
                                          f"{s.path} has no sha256 in data/releases.toml: once checked, add "
                                          f"sha256 = \"{sha256_of(p)}\" so a changed file cannot slip in", p.name))
        elif sha256_of(p) != s.sha256:
            built.findings.append(Finding(release.id, HARD, "source_changed",
                                          f"{s.path} differs from the file catalogued (sha256 {s.sha256[:12]}...). If Ofsted revised it, "
                                          f"run `python -m outcomes amend --release {release.id} --reason \"...\"` (re-pins its sha256 in "
                                          "data/releases.toml as a new version; the old one stays readable)", p.name))
    if quality.blocking(built.findings):
        return built
    try:
        table = reader_for(release.reader)(paths, release.as_at)
    except SourceError as e:
        built.findings.append(_read_error(release, e))
        return built
    except Exception as e:  # noqa: BLE001  a reader that breaks on a file fails its release, not the build
        problem = f"the {release.reader} reader could not read it ({type(e).__name__}: {e})"
        built.findings.append(_read_error(release, SourceError(paths[0], None, None, problem,
                                          "Check it is the file the catalogue names, complete and unedited")))
        return built
    providers, judgements, history, findings = canonical(release, table, register)
    built.findings += findings
    registered = PROVIDER_COLUMNS + [c for c in PROVIDER_EXTRA_COLUMNS if c in providers.columns]
    built.findings += quality.validate_fields(release.id, providers, registered, table.path.name)
    built.findings += quality.duplicates(release.id, providers)
    if release.provider_type not in DATED_SNAPSHOT_TYPES:
        built.findings += quality.date_order(release.id, providers, release.as_at, release.cutoff_days)
    prev_id, prev = previous if previous else (None, None)
    built.findings += quality.compare_with_previous(release.id, providers, prev, prev_id)
    if table.la_key in ("urn", "ons", "dfe") and release.provider_type in DATED_SNAPSHOT_TYPES:
        covered = providers["new_la_code"].nunique()
        built.findings.append(Finding(release.id, INFO, "coverage", f"{covered} local authorities have an inspection as at {release.as_at}", count=covered))
    if release.crosscheck is not None:
        built.findings += run_crosscheck(release, source_dir, register, providers, table)
    built.providers, built.judgements, built.history = providers, judgements, history
    if release.provider_type == "state_funded_school" and "ungraded_outcome" in providers:
        built.in_year = in_year.schools(providers, judgements, release.as_at, release.cutoff_days)
        built.findings += quality.validate_fields(release.id, built.in_year, IN_YEAR_COLUMNS, in_year.FILENAME)
        built.findings.append(Finding(release.id, INFO, "in_year", f"{len(built.in_year):,} rows of inspections carried out "
                                      f"from {in_year.year_start(release.as_at)} and published by the cut-off", in_year.FILENAME))
    if release.in_year is not None:
        built.in_year, found = in_year.from_catalogue(release, source_dir, register)
        built.findings += found
    return built


def _read_error(release: Release, e: SourceError) -> Finding:
    return Finding(release.id, HARD, "read_error", e.problem + (f". {e.fix}" if e.fix else ""),
                   Path(e.path).name, e.row, e.column or "")


def la_key_at(register: geography.LaRegister, code: object, day: dt.date) -> str | None:
    """The code an LA is compared on at `day`: the version valid then, following a one-to-one code
    change either way (North Yorkshire E10000023 -> E06000065, Barnsley E08000016 -> E08000038),
    so that files written before and after a change line up. A split (Cumbria) is left as it is."""
    if code is None or (isinstance(code, float) and pd.isna(code)) or str(code).strip() == "":
        return None
    try:
        v = register.by_ons(code, day)  # a later code is placed on the version valid at the date
    except geography.UnknownArea:
        return str(code)
    if not v.valid_at(day) and len(v.successors) == 1:
        succ = register.by_code.get(v.successors[0])
        if succ is not None and succ.valid_at(day):
            return succ.ons_code
    return v.ons_code


def run_crosscheck(release: Release, source_dir: Path, register: geography.LaRegister,
                   providers: pd.DataFrame, table: SourceTable | None = None) -> list[Finding]:
    """Compare the built providers table with the release's cross-check file, LA by LA.

    Never blocking: a missing file is skipped (INFO), a changed file (sha256) or one that cannot be
    read is a WARNING, and so is each disagreement (see quality.crosscheck). `table` is what the
    release's own reader returned: where it is a history, every inspection in it (whatever its date)
    helps explain a disagreement (e.g. an inspection the cut-off left out).
    """
    cc, rid, day = release.crosscheck, release.id, release.as_at
    path = Path(source_dir) / cc.path
    name = path.name
    if not path.exists():
        return [Finding(rid, INFO, "crosscheck", f"skipped: {cc.path} is not in {source_dir} (put {cc.label} there to "
                                                 "compare this release with it)", name)]
    findings: list[Finding] = []
    if cc.sha256 and sha256_of(path) != cc.sha256:
        findings.append(Finding(rid, WARNING, "crosscheck_changed",
                                f"{cc.path} differs from the file catalogued (sha256 {cc.sha256[:12]}...); compared as it is now. "
                                "If it was revised, update the crosscheck sha256 in data/releases.toml", name))
    if cc.reader in AGGREGATE_READERS:
        return findings + _aggregate_check(release, path, providers)
    grade_col, date_col = CROSSCHECK_COLUMNS.get(cc.reader, ("overall judgement", "inspection date"))
    try:
        theirs_table = reader_for(cc.reader)([path], day)
    except Exception as err:  # noqa: BLE001  a broken cross-check file is a warning, never a crash
        e = err if isinstance(err, SourceError) else SourceError(path, None, None, f"{type(err).__name__}: {err}")
        findings.append(Finding(rid, WARNING, "crosscheck_error", f"cross-check not run: {e.problem}" + (f". {e.fix}" if e.fix else ""),
                                Path(e.path).name or name, e.row, e.column or ""))
        return findings
    ptype = release.provider_type
    theirs = []
    for r in theirs_table.rows.to_dict("records"):
        line = int(r["source_row"])
        value = r["la_published"]
        if theirs_table.la_key == "name" and geography.is_welsh(value):
            continue
        start = _date(r["inspection_start_date"])
        try:
            v = _resolve_la(register, theirs_table.la_key, value, day)
        except (geography.UnknownArea, ValueError) as e:
            findings.append(Finding(rid, WARNING, "crosscheck_error", f"{value!r}: {e}; this row is not compared", name, line, "local authority"))
            continue
        try:
            grade = overall_grade(ptype, r["overall_published"], start)
        except frameworks.UnknownGrade as e:
            findings.append(Finding(rid, WARNING, "crosscheck_error", f"{e}; this row is not compared", name, line, grade_col))
            continue
        theirs.append({"key": la_key_at(register, v.ons_code, day), "la_name": r["provider_name"] or v.name,
                       "overall_grade": grade, "inspection_start_date": start, "source_row": line})
    theirs = pd.DataFrame(theirs, columns=["key", "la_name", "overall_grade", "inspection_start_date", "source_row"])
    ours = providers[providers["new_la_code"].notna() & providers["in_england"].astype(bool)].copy()
    ours["key"] = [la_key_at(register, c, day) for c in ours["new_la_code"]]
    history = None
    if table is not None and (table.history or ptype in DATED_SNAPSHOT_TYPES):
        key_of = dict(zip(ours["urn"].astype(str), ours["key"]))
        rows = table.rows
        history = pd.DataFrame({
            "key": [key_of.get(str(u)) for u in rows["urn"]],
            "inspection_start_date": rows["inspection_start_date"], "publication_date": rows["publication_date"],
            "overall_grade": [_grade_or_none(ptype, g, d) for g, d in zip(rows["overall_published"], rows["inspection_start_date"])],
        })
        history = history[history["key"].notna()]
    compiled = " compiled from Ofsted's reports" if release.status == "management_information" else ""
    authority = f"{cc.label} is the authority (this release is {release.status_label.lower()}{compiled})."
    findings += quality.crosscheck(rid, ours, theirs, file=name, label=cc.label, as_at=day, cutoff_days=release.cutoff_days,
                                   authority=authority, grade_column=grade_col, date_column=date_col, history=history)
    return findings


# Cross-check readers that give national aggregates (not one row per LA): compared by provision type.
AGGREGATE_READERS = {"social_care_ofsted_aggregates"}


def _aggregate_check(release: Release, path: Path, providers: pd.DataFrame) -> list[Finding]:
    """Compare the release with Ofsted's own published national counts for its date."""
    from outcomes.sources.csc_aggregates import PROVISION_GROUPS

    try:
        tables = reader_for(release.crosscheck.reader)([path], release.as_at)
    except SourceError as e:
        return [Finding(release.id, WARNING, "crosscheck_error", f"cross-check not run: {e.problem}", path.name, e.row, e.column or "")]
    return quality.ofsted_aggregates(release.id, providers, tables, PROVISION_GROUPS, file=path.name, label=release.crosscheck.label)


def write_release(built: BuiltRelease, data_dir: Path) -> Path:
    """Move a checked release into place atomically: temp folder, then rename over the old one."""
    final = release_dir(data_dir, built.release.id)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{built.release.id}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    built.providers.to_parquet(tmp / "providers.parquet", index=False)
    built.judgements.to_parquet(tmp / "judgements.parquet", index=False)
    if built.history is not None:
        built.history.to_parquet(tmp / "history.parquet", index=False)
    if built.in_year is not None:
        built.in_year.to_parquet(tmp / in_year.FILENAME, index=False)
    r = built.release
    meta = {"id": r.id, "version": r.version, "provider_type": r.provider_type, "as_at": r.as_at.isoformat(),
            "built_at": dt.datetime.now(settings.LONDON).isoformat(timespec="seconds"),
            "sources": [{"path": s.path, "sha256": s.sha256} for s in r.sources],
            "crosscheck": {"reader": r.crosscheck.reader, "path": r.crosscheck.path, "sha256": r.crosscheck.sha256} if r.crosscheck else None,
            "rows": len(built.providers)}
    (tmp / "release.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    (tmp / "qa_report.csv").write_text(quality.report_csv(built.findings), encoding="utf-8")
    old = final.parent / f".old-{built.release.id}-{os.getpid()}"
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return final


def write_lookups(register: geography.LaRegister, data_dir: Path) -> None:
    folder = Path(data_dir) / "lookups"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".local_authorities-{os.getpid()}.parquet"
    register.to_frame().to_parquet(tmp, index=False)
    tmp.replace(folder / "local_authorities.parquet")


def load_built(data_dir: Path, release_id: str) -> pd.DataFrame | None:
    p = release_dir(data_dir, release_id) / "providers.parquet"
    return pd.read_parquet(p) if p.exists() else None


def build_all(source_dir: Path | None = None, data_dir: Path | None = None, only: list[str] | None = None,
              write: bool = True, progress: Callable | None = None) -> list[BuiltRelease]:
    """Build every catalogued release (or `only` these ids); write those that pass."""
    source_dir = Path(source_dir or settings.source_dir())
    data_dir = Path(data_dir or settings.data_dir())
    if not source_dir.exists():
        raise MissingFile("the source folder does not exist", source_dir, "Pass --source DIR or set OUTCOMES_SOURCE")
    register = geography.load_register(source_dir)
    catalogue = load_catalogue()
    todo = [r for r in catalogue if not only or r.id in only]
    unknown = set(only or []) - {r.id for r in catalogue}
    if unknown:
        raise UsageError(f"no release {', '.join(sorted(unknown))} in the catalogue",
                         fix=f"Known releases: {', '.join(r.id for r in catalogue)}")
    if write:
        write_lookups(register, data_dir)
    results: list[BuiltRelease] = []
    last: dict[str, tuple[str, pd.DataFrame]] = {}
    ordered = sorted(todo, key=lambda r: (r.provider_type, r.as_at))  # each compared with the one before
    for release in (progress(ordered) if progress else ordered):
        prev = last.get(_series(release))
        if prev is None:
            prev = _previous_on_disk(catalogue, release, data_dir)
        built = build_release(release, source_dir, register, prev)
        if built.ok and write:
            write_release(built, data_dir)
        if built.ok:
            last[_series(release)] = (release.id, built.providers)
        results.append(built)
    if write:
        from outcomes import serving  # the read side's tables, from what is on disk now

        serving.build(data_dir)
    return results


def _series(release: Release) -> str:
    """Releases compared with each other: same provider type and same reader (coverage)."""
    return f"{release.provider_type}:{release.reader}"


def _previous_on_disk(catalogue: list[Release], release: Release, data_dir: Path) -> tuple[str, pd.DataFrame] | None:
    earlier = [r for r in catalogue if _series(r) == _series(release) and r.as_at < release.as_at]
    for r in sorted(earlier, key=lambda r: r.as_at, reverse=True):
        df = load_built(data_dir, r.id)
        if df is not None:
            return r.id, df
    return None
