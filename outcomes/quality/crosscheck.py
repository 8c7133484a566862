"""Cross-check a built release against an independent published table, LA by LA: overall grade and
inspection start date, each disagreement a warning with its likely cause. Never blocking."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from outcomes.domain import geography
from outcomes.domain.fields import TYPES, Status
from outcomes.domain.frameworks import grade_or_none
from outcomes.domain.releases import Release
from outcomes.errors import SourceError
from outcomes.quality import aggregates, checks
from outcomes.quality.findings import INFO, WARNING, Finding
from outcomes.sources import reader_for
from outcomes.sources.base import SourceTable
from outcomes.sources.rows import resolved

# The overall-grade and date columns of a cross-check reader's file, as the QA report names them.
CROSSCHECK_COLUMNS: dict[str, tuple[str, str]] = {
    "la_childrens_services_la_table": ("Overall effectiveness", "Inspection date"),
    "la_childrens_services_la_level_2022": ("Overall effectiveness", "Inspection date"),
}

CROSSCHECK_MATCH_DAYS = 7  # two start dates this close are taken as the same inspection
CROSSCHECK_REPORT_DAYS = 120  # an inspection without a start date is matched by a publication this soon after


def _day(v: object) -> dt.date | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return pd.Timestamp(v).date()


def _grade(v: object) -> str | None:
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _same_inspection(start: dt.date | None, pub: dt.date | None, their_start: dt.date | None) -> bool:
    """Our row and theirs describe the same inspection: start dates within a week or, where ours has
    no start date, a report published within CROSSCHECK_REPORT_DAYS after their start."""
    if their_start is None:
        return False
    if start is not None:
        return abs((start - their_start).days) <= CROSSCHECK_MATCH_DAYS
    return pub is not None and their_start <= pub <= their_start + dt.timedelta(days=CROSSCHECK_REPORT_DAYS)


def _fmt(grade: str | None, start: dt.date | None, pub: dt.date | None = None) -> str:
    when = f"inspection started {start}" if start else "no inspection start date"
    if pub:
        when += f", published {pub}"
    return f"{grade or 'no grade'} ({when})"


def _likely_cause(o: dict, t: dict, history: pd.DataFrame | None, as_at: dt.date, limit: dt.date, label: str) -> str:
    """Why ours and theirs differ, as far as the dates and our full source tell."""
    o_start, o_pub, t_start = o["start"], o["pub"], t["start"]
    if t_start is not None and t_start > as_at:
        return f"their inspection started after this release's date {as_at} (the table is dated later than the release): not an error in either"
    if _same_inspection(o_start, o_pub, t_start):
        if o["grade"] == "not_known":
            return "the same inspection: our source could not read its grade, " + label + " gives it"
        if o["grade"] != t["grade"]:
            return "the same inspection with a different grade: check the report"
        if o_start is None:
            return f"the same inspection: our source has no start date for it (the build placed it by its publication date {o_pub})"
        return "the same inspection, dated differently: check the report"
    if history is not None and len(history):
        for h in history.to_dict("records"):
            h_start, h_pub = _day(h["inspection_start_date"]), _day(h["publication_date"])
            if not _same_inspection(h_start, h_pub, t_start):
                continue
            if h_pub is not None and h_pub > limit:
                return (f"our source has their inspection (started {h_start}, {h['overall_grade']}) but its report was published "
                        f"{h_pub}, after this release's cut-off {limit}, so the build kept the one before: caused by our cut-off")
            return (f"our source has their inspection (started {h_start}, published {h_pub}, {h['overall_grade']}) "
                    "but the build kept another: check the build's date selection")
    if o_start is not None and t_start is not None and o_start > t_start:
        return f"ours is a later inspection than theirs: {label} may be out of date"
    return "our source does not hold their inspection"


def crosscheck(release_id: str, ours: pd.DataFrame, theirs: pd.DataFrame, *, file: str, label: str,
               as_at: dt.date, cutoff: dt.date, authority: str, grade_column: str = "overall judgement",
               date_column: str = "inspection date", history: pd.DataFrame | None = None) -> list[Finding]:
    """Compare a built release with an independent table, one row per local authority on each side.

    `ours` and `theirs` have columns key (the LA's code, resolved through the LA register on the
    release date), la_name, overall_grade (canonical) and inspection_start_date; `ours` also
    publication_date, `theirs` source_row. `history` (key, inspection_start_date, publication_date,
    overall_grade: every inspection our source holds, whatever its date) explains disagreements.

    Never blocking: one INFO summary, one WARNING per LA whose grade differs ("crosscheck_grade")
    and per LA whose grade agrees but start date differs ("crosscheck_date"), naming the
    cross-check file, its row and column.
    """
    out = _duplicates(release_id, ours, theirs, file)
    o_by, t_by = _first_by_la(ours, ours=True), _first_by_la(theirs, ours=False)
    both = [k for k in t_by if k in o_by]
    limit = cutoff
    for k in sorted(both, key=lambda k: t_by[k]["row"]):
        o, t = o_by[k], t_by[k]
        same_grade, same_date = o["grade"] == t["grade"], o["start"] == t["start"]
        if same_grade and same_date:
            continue
        hist = history[history["key"] == k] if history is not None else None
        cause = _likely_cause(o, t, hist, as_at, limit, label)
        what = "overall grade differs" if not same_grade else "grade agrees but inspection start date differs"
        out.append(Finding(
            release_id, WARNING, "crosscheck_grade" if not same_grade else "crosscheck_date",
            f"{o['name'] or t['name']} ({k}): {what}: ours {_fmt(o['grade'], o['start'], o['pub'])}, "
            f"{label} {_fmt(t['grade'], t['start'])}. Likely cause: {cause}. {authority}",
            file, t["row"], grade_column if not same_grade else date_column))
    summary, grade_agree = _summary(o_by, t_by, both, file=file, label=label, as_at=as_at, authority=authority)
    out.insert(0, Finding(release_id, INFO, "crosscheck", summary, file, count=grade_agree))
    return out


def _duplicates(release_id: str, ours: pd.DataFrame, theirs: pd.DataFrame, file: str) -> list[Finding]:
    """A warning for each side that holds an LA more than once."""
    out = []
    for side, frame in (("ours", ours), ("theirs", theirs)):
        dup = frame["key"][frame["key"].duplicated()]
        if len(dup):
            out.append(Finding(release_id, WARNING, "crosscheck_error",
                               f"{len(dup)} local authorities appear more than once in {side} ({', '.join(sorted(set(dup))[:5])}); "
                               "the first row of each is compared", file if side == "theirs" else ""))
    return out


def _first_by_la(frame: pd.DataFrame, *, ours: bool) -> dict[str, dict]:
    """The first row of each LA by key: name, grade, start and, for ours, the publication date
    (`pub`) or, for theirs, the file's row (`row`)."""
    by = {}
    for r in frame.to_dict("records"):
        own = {"pub": _day(r.get("publication_date"))} if ours else {"row": int(r["source_row"])}
        by.setdefault(r["key"], {"name": r["la_name"], "grade": _grade(r["overall_grade"]),
                                 "start": _day(r["inspection_start_date"]), **own})
    return by


def _names(xs: list[str]) -> str:
    """Up to ten names, in brackets after a space; nothing for none."""
    return f" ({', '.join(xs[:10])}{', ...' if len(xs) > 10 else ''})" if xs else ""


def _summary(o_by: dict[str, dict], t_by: dict[str, dict], both: list[str], *, file: str, label: str,
             as_at: dt.date, authority: str) -> tuple[str, int]:
    """The summary's text, and how many LAs held in both agree on the grade."""
    grade_agree = sum(o_by[k]["grade"] == t_by[k]["grade"] for k in both)
    date_agree = sum(o_by[k]["start"] == t_by[k]["start"] for k in both)
    later = sum(t_by[k]["start"] is not None and t_by[k]["start"] > as_at for k in both)
    only_ours = sorted(o_by[k]["name"] or k for k in o_by if k not in t_by)
    only_theirs = sorted(t_by[k]["name"] or k for k in t_by if k not in o_by)
    m = len(both)
    summary = (f"{label} ({file}): overall grade agrees for {grade_agree} of {m} local authorities held in both; "
               f"{len(only_ours)} only in ours{_names(only_ours)}, {len(only_theirs)} only in theirs{_names(only_theirs)}. "
               f"Inspection start date agrees for {date_agree} of {m}.")
    if later:
        summary += (f" {later} of their inspections started after {as_at}: the table is dated later than this release, "
                    "so those local authorities cannot agree on this date.")
    summary += f" Disagreements are warnings to review, not blocks; where they differ, check ours first: {authority}"
    return summary, grade_agree


def run_crosscheck(release: Release, source_dir: Path, register: geography.LaRegister,
                   providers: pd.DataFrame, table: SourceTable | None = None) -> list[Finding]:
    """Compare the built providers table with the release's cross-check file, LA by LA.

    Never blocking: a missing file is skipped (INFO), a changed file (sha256) or one that cannot be
    read is a WARNING, and so is each disagreement (see crosscheck). `table` is what the release's
    own reader returned: where it is a history, every inspection in it (whatever its date) helps
    explain a disagreement (e.g. an inspection the cut-off left out).
    """
    cc, rid = release.crosscheck, release.id
    path = Path(source_dir) / cc.path
    if not path.exists():
        return [Finding(rid, INFO, "crosscheck", f"skipped: {cc.path} is not in {source_dir} (put {cc.label} there to "
                                                 "compare this release with it)", path.name)]
    findings = checks.side_file_changed(rid, "crosscheck_changed", cc.path, path, cc.sha256,
                                        "compared as it is now. If it was revised, update the crosscheck sha256 in data/releases.toml")
    if cc.reader in aggregates.AGGREGATE_READERS:
        return findings + aggregates.aggregate_check(release, path, providers)
    grade_col, date_col = CROSSCHECK_COLUMNS.get(cc.reader, ("overall judgement", "inspection date"))
    try:
        theirs_table = reader_for(cc.reader)([path], release.as_at)
    except Exception as err:  # noqa: BLE001  a broken cross-check file is a warning, never a crash
        e = err if isinstance(err, SourceError) else SourceError(path, None, None, f"{type(err).__name__}: {err}")
        findings.append(Finding(rid, WARNING, "crosscheck_error", f"cross-check not run: {e.problem}" + (f". {e.fix}" if e.fix else ""),
                                Path(e.path).name or path.name, e.row, e.column or ""))
        return findings
    theirs = _theirs(release, theirs_table, register, path.name, grade_col, findings)
    ours = providers[providers["new_la_code"].notna() & providers["in_england"].astype(bool)].copy()
    ours["key"] = [geography.la_key_at(register, c, release.as_at) for c in ours["new_la_code"]]
    history = _our_history(release, table, ours)
    compiled = " compiled from Ofsted's reports" if release.status == Status.MANAGEMENT_INFORMATION else ""
    authority = f"{cc.label} is the authority (this release is {release.status_label.lower()}{compiled})."
    return findings + crosscheck(rid, ours, theirs, file=path.name, label=cc.label, as_at=release.as_at,
                                 cutoff=release.cutoff, authority=authority, grade_column=grade_col,
                                 date_column=date_col, history=history)


def _theirs(release: Release, table: SourceTable, register: geography.LaRegister, file: str, grade_col: str,
            findings: list[Finding]) -> pd.DataFrame:
    """The cross-check file's rows through the shared row loop; a row it cannot place or grade is a
    warning and is not compared."""
    rows = []
    for row in resolved(table, register, release.provider_type, release.as_at, england_only=True):
        if row.unusable:
            p = row.unusable[0]
            findings.append(Finding(release.id, WARNING, "crosscheck_error", f"{p.message}; this row is not compared",
                                    file, row.line, grade_col if p.check == "unknown_grade" else "local authority"))
            continue
        rows.append({"key": geography.la_key_at(register, row.la.ons_code, release.as_at),
                     "la_name": row.row["provider_name"] or row.la.name, "overall_grade": row.grade,
                     "inspection_start_date": row.start, "source_row": row.line})
    return pd.DataFrame(rows, columns=["key", "la_name", "overall_grade", "inspection_start_date", "source_row"])


def _our_history(release: Release, table: SourceTable | None, ours: pd.DataFrame) -> pd.DataFrame | None:
    """Every inspection the release's own source holds (whatever its date), keyed like `ours`."""
    ptype = release.provider_type
    if table is None or not (table.history or TYPES[ptype].dated_snapshot):
        return None
    key_of = dict(zip(ours["urn"].astype(str), ours["key"]))
    rows = table.rows
    history = pd.DataFrame({
        "key": [key_of.get(str(u)) for u in rows["urn"]],
        "inspection_start_date": rows["inspection_start_date"], "publication_date": rows["publication_date"],
        "overall_grade": [grade_or_none(ptype, g, d) for g, d in zip(rows["overall_published"], rows["inspection_start_date"])],
    })
    return history[history["key"].notna()]
