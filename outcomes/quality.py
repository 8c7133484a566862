"""QA exception checks of a release, and the report the statistics team reads before publishing.

Hard findings block publication (the release is not written and what was published stays);
warnings are listed for a person to judge; info records what the build did.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

HARD, WARNING, INFO = "hard", "warning", "info"
MAX_ROWS_PER_CHECK = 20  # the report lists this many example rows per check, then a count


@dataclass(frozen=True)
class Finding:
    release_id: str
    severity: str
    check: str
    message: str
    file: str = ""
    row: int | None = None
    column: str = ""
    count: int = 1

    def line(self) -> str:
        where = ", ".join(x for x in (self.file, f"row {self.row}" if self.row else "", f"column '{self.column}'" if self.column else "") if x)
        return f"[{self.severity}] {self.check}: {self.message}" + (f" ({where})" if where else "")


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == HARD]


def capped(findings: list[Finding]) -> list[Finding]:
    """At most MAX_ROWS_PER_CHECK findings per (release, check); the rest summarised in one line."""
    out, seen = [], {}
    for f in findings:
        key = (f.release_id, f.check)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= MAX_ROWS_PER_CHECK:
            out.append(f)
    for (rid, check), n in seen.items():
        if n > MAX_ROWS_PER_CHECK:
            sev = next(f.severity for f in findings if f.release_id == rid and f.check == check)
            out.append(Finding(rid, sev, check, f"... and {n - MAX_ROWS_PER_CHECK} more rows like these", count=n - MAX_ROWS_PER_CHECK))
    return out


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


def date_order(release_id: str, providers: pd.DataFrame, as_at: dt.date, cutoff_days: int) -> list[Finding]:
    """Inspections after their publication, or after the 'as at' date, or published past the cut-off."""
    out = []
    start, pub = providers["inspection_start_date"], providers["publication_date"]
    limit = as_at + dt.timedelta(days=cutoff_days)
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


REPORT_COLUMNS = ["release_id", "severity", "check", "message", "file", "row", "column", "count"]


def report_csv(findings: list[Finding]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    w.writeheader()
    for f in findings:
        w.writerow(asdict(f))
    return buf.getvalue()


def report_markdown(findings: list[Finding], titles: dict[str, str]) -> str:
    lines = ["# QA exception report", ""]
    by_release: dict[str, list[Finding]] = {}
    for f in findings:
        by_release.setdefault(f.release_id, []).append(f)
    for rid, fs in by_release.items():
        hard = sum(1 for f in fs if f.severity == HARD)
        warn = sum(1 for f in fs if f.severity == WARNING)
        if any(f.check == "not_built" for f in fs):
            verdict = "not built: its source file is not in the source folder"
        else:
            verdict = "BLOCKED: not published" if hard else "passes (warnings to review)" if warn else "passes"
        lines += [f"## {titles.get(rid, rid)}", "", f"`{rid}`: **{verdict}**, {hard} hard, {warn} warnings", ""]
        lines += ["| severity | check | message | where |", "|---|---|---|---|"]
        for f in fs:
            where = " ".join(x for x in (f.file, f"row {f.row}" if f.row else "", f.column) if x)
            lines.append(f"| {f.severity} | {f.check} | {f.message.replace('|', '/')} | {where} |")
        lines.append("")
    return "\n".join(lines)


def write_report(findings: list[Finding], titles: dict[str, str], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    md, cs = folder / "qa_report.md", folder / "qa_report.csv"
    md.write_text(report_markdown(findings, titles), encoding="utf-8")
    cs.write_text(report_csv(findings), encoding="utf-8")
    return md, cs


def schema_for(columns: list[str]):
    """A pandera schema generated from the fields registry: nullability and allowed values."""
    import pandera.pandas as pa

    from outcomes.fields import FIELDS

    dtypes = {"integer": "Int64", "number": "float64", "boolean": "bool", "string": None, "date": None}
    cols = {}
    for c in columns:
        f = FIELDS[c]
        checks = [pa.Check.isin(list(f.allowed))] if f.allowed else []
        cols[c] = pa.Column(dtypes[f.type], checks=checks, nullable=f.nullable, coerce=f.type in ("integer", "number"))
    return pa.DataFrameSchema(cols, strict=False)


def validate_fields(release_id: str, frame: pd.DataFrame, columns: list[str], file: str = "") -> list[Finding]:
    """Check a built table against the registry; each failing cell names its source row and column."""
    import pandera.errors as pe

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


# --- cross-check against an independent published table --------------------------------------

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
               as_at: dt.date, cutoff_days: int, authority: str, grade_column: str = "overall judgement",
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
    out: list[Finding] = []
    for side, frame in (("ours", ours), ("theirs", theirs)):
        dup = frame["key"][frame["key"].duplicated()]
        if len(dup):
            out.append(Finding(release_id, WARNING, "crosscheck_error",
                               f"{len(dup)} local authorities appear more than once in {side} ({', '.join(sorted(set(dup))[:5])}); "
                               "the first row of each is compared", file if side == "theirs" else ""))
    o_by = {}
    for r in ours.to_dict("records"):
        o_by.setdefault(r["key"], {"name": r["la_name"], "grade": _grade(r["overall_grade"]),
                                   "start": _day(r["inspection_start_date"]), "pub": _day(r.get("publication_date"))})
    t_by = {}
    for r in theirs.to_dict("records"):
        t_by.setdefault(r["key"], {"name": r["la_name"], "grade": _grade(r["overall_grade"]),
                                   "start": _day(r["inspection_start_date"]), "row": int(r["source_row"])})
    both = [k for k in t_by if k in o_by]
    only_ours = sorted(o_by[k]["name"] or k for k in o_by if k not in t_by)
    only_theirs = sorted(t_by[k]["name"] or k for k in t_by if k not in o_by)
    limit = as_at + dt.timedelta(days=cutoff_days)
    grade_agree = date_agree = later = 0
    for k in sorted(both, key=lambda k: t_by[k]["row"]):
        o, t = o_by[k], t_by[k]
        same_grade, same_date = o["grade"] == t["grade"], o["start"] == t["start"]
        grade_agree += same_grade
        date_agree += same_date
        later += t["start"] is not None and t["start"] > as_at
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

    def names(xs: list[str]) -> str:
        return f" ({', '.join(xs[:10])}{', ...' if len(xs) > 10 else ''})" if xs else ""

    m = len(both)
    summary = (f"{label} ({file}): overall grade agrees for {grade_agree} of {m} local authorities held in both; "
               f"{len(only_ours)} only in ours{names(only_ours)}, {len(only_theirs)} only in theirs{names(only_theirs)}. "
               f"Inspection start date agrees for {date_agree} of {m}.")
    if later:
        summary += (f" {later} of their inspections started after {as_at}: the table is dated later than this release, "
                    "so those local authorities cannot agree on this date.")
    summary += f" Disagreements are warnings to review, not blocks; where they differ, check ours first: {authority}"
    out.insert(0, Finding(release_id, INFO, "crosscheck", summary, file, count=grade_agree))
    return out


# --- Ofsted's own national aggregates --------------------------------------------------------

AGGREGATE_TOLERANCE = 0.02  # differences up to 2% of Ofsted's figure are INFO (revisions, late reports)
AGGREGATE_WILD = 0.5  # a figure half again or half below Ofsted's is a HARD finding: the wrong file or reader
_THIRD = ("requires_improvement", "adequate", "satisfactory")  # ranked third of four (see frameworks.GRADE_RANK)


def ofsted_aggregates(release_id: str, providers: pd.DataFrame, tables: dict[str, pd.DataFrame],
                      groups: dict[str, tuple[str, ...] | None], *, file: str, label: str) -> list[Finding]:
    """Compare the release's counts with Ofsted's published national counts for the same date:
    latest overall effectiveness by provision type, and providers and places (`tables` from
    csc_aggregates.read_aggregates; `groups` maps each table's provision name to our subtypes).

    One INFO summary; a WARNING per figure more than AGGREGATE_TOLERANCE away, with the
    difference and the likely cause; HARD only when wildly off (AGGREGATE_WILD)."""
    england = providers[providers["in_england"].astype(bool)]
    out: list[Finding] = []
    checked = close = 0

    def ours_of(provision: str) -> pd.DataFrame | None:
        key = provision.lower()
        if key not in groups:
            return None
        subtypes = groups[key]
        return england if subtypes is None else england[england["provider_subtype"].isin(subtypes)]

    def compare(table: str, provision: str, what: str, ours: int, theirs: int, row: int, column: str, cause: str) -> None:
        nonlocal checked, close
        checked += 1
        diff = ours - theirs
        share = abs(diff) / theirs if theirs else (0.0 if not diff else 1.0)
        if share <= AGGREGATE_TOLERANCE:
            close += 1
            return
        sev = HARD if share > AGGREGATE_WILD and abs(diff) > 20 else WARNING
        out.append(Finding(release_id, sev, "ofsted_aggregate",
                           f"{table}, {provision}: {what} ours {ours:,}, Ofsted {theirs:,} ({diff:+,}, {share:.1%}). Likely cause: {cause}",
                           file, row, column))

    revised = ("Ofsted's series was compiled in 2022 from its live records, so it takes in later reports, corrected "
               "judgements and late registrations; the provider-level file is the authority for this release")
    blank = []
    for r in tables["latest_oe"].to_dict("records"):
        ours = ours_of(r["provision"])
        if ours is None:
            continue
        if all(not r.get(g) for g in ("outstanding", "good", "requires_improvement", "inadequate")):
            blank.append(f"{r['table']} ({r['provision']})")  # all four 0: no figures for this date
            continue
        grades = ours["overall_grade"].value_counts()
        for g in ("outstanding", "good", "requires_improvement", "inadequate"):
            if pd.isna(r.get(g)):
                continue
            mine = int(sum(grades.get(x, 0) for x in (_THIRD if g == "requires_improvement" else (g,))))
            cause = revised + (" (ours counts 'adequate' with requires improvement, as Ofsted's series does)"
                               if g == "requires_improvement" and grades.get("adequate", 0) else "")
            compare(r["table"], r["provision"], f"{g.replace('_', ' ')}:", mine, int(r[g]), r["row"], g.replace("_", " "), cause)
    for r in tables["six_monthly"].to_dict("records"):
        ours = ours_of(r["provision"])
        if ours is None:
            continue
        if r["measure"] == "places":
            if ours["places"].notna().sum() == 0:
                continue  # the file gives no places (2015)
            mine = int(ours["places"].fillna(0).sum())
            cause = (revised + "; places are as registered, and a provider with no places recorded counts 0 here"
                     + (f" ({int(ours['places'].isna().sum())} of ours have none)" if ours["places"].isna().any() else ""))
        else:
            mine = len(ours)
            cause = revised + "; Ofsted's counts may include providers registered but not listed in the provider-level file"
        compare(r["table"], r["provision"], f"{r['measure']}:", mine, int(r["value"]), r["row"], r["measure"], cause)
    if blank:
        out.append(Finding(release_id, INFO, "ofsted_aggregate", f"{', '.join(blank)}: Ofsted gives 0 for every grade at this "
                           "date (no figures for these provision types that year): not compared", file))
    if checked:
        out.insert(0, Finding(release_id, INFO, "ofsted_aggregate",
                              f"{label} ({file}): {close} of {checked} published national figures for this date agree with ours "
                              f"within {AGGREGATE_TOLERANCE:.0%}; any others are warnings, each with the difference and the likely cause.",
                              file, count=close))
    else:
        out.append(Finding(release_id, INFO, "ofsted_aggregate", f"{label} ({file}) has no figures for this date", file))
    return out
