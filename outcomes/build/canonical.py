"""A reader's rows -> the canonical tables of a release: one row per provider (its latest inspection
as at the date), the long table of sub-judgements, and for dated snapshots every inspection up to the
date. Every row goes through the shared row loop (outcomes.sources.rows); what is wrong with a row is
a QA finding (outcomes.quality.checks), named by file, row and column.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from outcomes.domain import frameworks, geography
from outcomes.domain.fields import JUDGEMENT_COLUMNS, PROVIDER_COLUMNS, PROVIDER_EXTRA_COLUMNS, TYPES
from outcomes.domain.releases import Release
from outcomes.quality import checks
from outcomes.quality.findings import Finding, note
from outcomes.sources.base import JUDGEMENT_PREFIX, SourceTable
from outcomes.sources.rows import ResolvedRow, cell_date, resolved

def is_dated(release: Release, table: SourceTable) -> bool:
    """Rows are inspections (a history, or a type whose files list inspections), not providers."""
    return table.history or TYPES[release.provider_type].dated_snapshot


def select_latest(rows: pd.DataFrame, as_at: dt.date, cutoff: dt.date, latest_only: bool = True,
                  report_lag_days: int = 0) -> pd.DataFrame:
    """Each provider's latest inspection starting on or before `as_at` and published by `cutoff`
    (or, with latest_only=False, every such inspection).

    An inspection without a start date (SIF rows of Ofsted's workbook give a publication date only;
    a report the compiler could not read) counts when its report was published by the cut-off, as
    Ofsted's releases of that time counted "all inspections published by" their cut-off (its 59
    authorities as at 31 March 2015 include reports published to 30 June). To order it among a
    provider's other inspections it is placed `report_lag_days` before its publication, the typical
    time from an inspection to its report (ProviderType.report_lag_days).
    """
    start = pd.to_datetime(rows["inspection_start_date"])
    pub = pd.to_datetime(rows["publication_date"])
    published_in_time = pub.isna() | (pub <= pd.Timestamp(cutoff))
    dated = start.notna() & (start <= pd.Timestamp(as_at)) & published_in_time
    undated = start.isna() & pub.notna() & published_in_time
    chosen = rows[dated | undated].copy()
    if not latest_only:
        return chosen.reset_index(drop=True)
    chosen["_start"] = placed_start(chosen, report_lag_days)
    chosen["_pub"] = pd.to_datetime(chosen["publication_date"])
    chosen = chosen.sort_values(["urn", "_start", "_pub"]).groupby("urn", sort=False).tail(1)
    return chosen.drop(columns=["_start", "_pub"]).sort_values("source_row").reset_index(drop=True)


def placed_start(rows: pd.DataFrame, report_lag_days: int) -> pd.Series:
    """Each inspection's start date, or for one without, its publication date less the typical lag."""
    start = pd.to_datetime(rows["inspection_start_date"])
    return start.fillna(pd.to_datetime(rows["publication_date"]) - pd.Timedelta(days=report_lag_days))


def _provider_row(release: Release, row: ResolvedRow, file: str, findings: list[Finding]) -> dict:
    """One built provider row from a resolved reader row."""
    r, ptype = row.row, release.provider_type
    out = {
        "provider_type": ptype, "provider_subtype": r["provider_subtype"], "urn": str(r["urn"]),
        "provider_name": r["provider_name"], "la_name_published": None if r["la_published"] is None else str(r["la_published"]),
        **row.la_columns, "in_england": row.in_england, "inspection_id": r["inspection_id"],
        "inspection_type": r["inspection_type"], "inspection_start_date": row.start,
        "publication_date": cell_date(r["publication_date"]),
        "framework": frameworks.framework_of(ptype, row.grade, row.start, r["provider_subtype"], r["inspection_type"]),
        "overall_grade": row.grade, "overall_grade_published": r["overall_published"],
        "places": r["places"], "sector": r["sector"], "source_file": file, "source_row": row.line,
        **{k: v for k, v in r.items() if k.startswith(JUDGEMENT_PREFIX) or k in PROVIDER_EXTRA_COLUMNS},
    }
    if "ungraded_outcome_published" in r:
        # A school's latest ungraded inspection outcome, on its own scale (never an overall grade).
        out["ungraded_outcome"] = checks.label_or_finding(
            release.id, lambda: frameworks.ungraded_outcome_of(r["ungraded_outcome_published"]), file, row.line,
            "Ungraded inspection overall outcome", findings)
    if "previous_overall_grade_published" in r:
        out["previous_overall_grade"] = checks.label_or_finding(
            release.id, lambda: frameworks.grade_of(ptype, r["previous_overall_grade_published"],
                                                   cell_date(r["previous_inspection_start_date"])),
            file, row.line, "Previous graded inspection overall effectiveness", findings)
    return out


def canonical(release: Release, table: SourceTable, register: geography.LaRegister
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, list[Finding]]:
    """Reader rows -> the provider table, the long judgements table and (for dated snapshots)
    every inspection up to the date, with findings."""
    rid, file = release.id, table.path.name
    findings = checks.read_notes(rid, table)
    rows, history = table.rows, None
    if is_dated(release, table):
        lag = TYPES[release.provider_type].report_lag_days
        history = select_latest(rows, release.as_at, release.cutoff, latest_only=False, report_lag_days=lag)
        rows = select_latest(history, release.as_at, release.cutoff, report_lag_days=lag)
        findings.append(note(rid, "latest_as_at", f"kept {len(rows):,} latest inspections as at {release.as_at} of "
                                                  f"{len(table.rows):,} rows", file))
    out, welsh = [], 0
    for row in resolved(table, register, release.provider_type, release.as_at, rows):
        findings += checks.row_findings(rid, row, file)
        welsh += not row.in_england
        out.append(_provider_row(release, row, file, findings))
    if welsh:
        findings.append(note(rid, "set_aside_wales", f"{welsh} providers in Welsh local authorities kept out of England totals",
                             file, count=welsh))
    if table.set_aside:
        findings.append(note(rid, "set_aside_rows", f"{table.set_aside} rows set aside by the reader (see read notes)",
                             file, count=table.set_aside))
    providers = pd.DataFrame(out)
    extra = [c for c in PROVIDER_EXTRA_COLUMNS if c in providers.columns]
    judgements = _judgements(release, table, providers, findings)
    providers = providers[PROVIDER_COLUMNS + extra] if len(providers) else pd.DataFrame(columns=PROVIDER_COLUMNS + extra)
    providers["places"] = pd.to_numeric(providers["places"], errors="coerce").astype("Int64")
    providers["source_row"] = providers["source_row"].astype("Int64")
    return providers, judgements, (_history(release, table, history, providers) if history is not None else None), findings


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
    out["overall_grade"] = [frameworks.grade_or_none(ptype, v, d)
                            for v, d in zip(history["overall_published"], history["inspection_start_date"])]
    for jid in table.judgements:
        out[jid] = [frameworks.grade_or_none(ptype, v, d)
                    for v, d in zip(history[JUDGEMENT_PREFIX + jid], history["inspection_start_date"])]
    for extra in ("report_url", "outcome_text"):
        if extra in history:
            out[extra] = history[extra]
    return out.join(la, on="urn")


def _judgements(release: Release, table: SourceTable, providers: pd.DataFrame, findings: list[Finding]) -> pd.DataFrame:
    recs = []
    for r in providers.to_dict("records"):
        for jid, wording in table.judgements.items():
            raw = r.get(JUDGEMENT_PREFIX + jid)
            if raw is None or (isinstance(raw, float) and pd.isna(raw)):
                continue
            g = checks.label_or_finding(release.id, lambda: frameworks.grade_of(release.provider_type, raw, r["inspection_start_date"]),
                                        r["source_file"], int(r["source_row"]), wording, findings)
            if g is not None:
                recs.append({"urn": r["urn"], "judgement": jid, "judgement_label": wording, "grade": g, "grade_published": str(raw)})
    return pd.DataFrame(recs, columns=JUDGEMENT_COLUMNS)
