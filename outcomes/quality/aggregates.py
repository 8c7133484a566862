"""Ofsted's own published national counts against the release's: latest overall effectiveness by
provision type, and providers and places (its 2022 workbook)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from outcomes.domain.fields import Counts
from outcomes.domain.releases import Release
from outcomes.errors import SourceError
from outcomes.quality.findings import HARD, INFO, WARNING, Finding
from outcomes.sources import reader_for
from outcomes.sources.csc_aggregates import PROVISION_GROUPS

# Cross-check readers that give national aggregates (not one row per LA): compared by provision type.
AGGREGATE_READERS = {"social_care_ofsted_aggregates"}

AGGREGATE_TOLERANCE = 0.02  # differences up to 2% of Ofsted's figure are INFO (revisions, late reports)
AGGREGATE_WILD = 0.5  # a figure half again or half below Ofsted's is a HARD finding: the wrong file or reader
_THIRD = ("requires_improvement", "adequate", "satisfactory")  # ranked third of four (see frameworks.GRADE_RANK)
_GRADES = ("outstanding", "good", "requires_improvement", "inadequate")  # the columns of Ofsted's latest_oe table
# Why a grade count of Ofsted's 2022 workbook may differ from the provider-level file of the date. It
# is not a revision of Ofsted's series: every count Ofsted published at the time equals the workbook.
# Its Tables 8a-8m for 31 March 2019 repeat the counts of the 31 March 2018 provider file (children's
# homes 332 / 1,328 / 348 / 30), where Ofsted's own 2019 headline (80% good or outstanding) is the
# 2019 file's; some other dates differ by a few providers, for a reason not established.
_GRADES_CAUSE = ("the workbook's time series and the provider-level file published at the time count this date's "
                 "inspections differently (not a revision: Ofsted's published figures for the date are the file's); "
                 "the provider-level file is the authority for this release")
# Why providers and places differ where the file lists inspected providers only (fields.Counts).
_INSPECTED_ONLY_CAUSE = ("the provider-level file lists inspected providers only, and Ofsted's count is of every active "
                         "provider: England's counts on this site are Ofsted's, the difference being providers not yet "
                         "inspected (outcomes.build.national_counts)")
_COUNTS_CAUSE = "Ofsted's counts may include providers registered but not listed in the provider-level file"


def ofsted_aggregates(release_id: str, providers: pd.DataFrame, tables: dict[str, pd.DataFrame],
                      groups: dict[str, tuple[str, ...] | None], *, file: str, label: str,
                      inspected_only: bool = False) -> list[Finding]:
    """Compare the release's counts with Ofsted's published national counts for the same date:
    latest overall effectiveness by provision type, and providers and places (`tables` from
    csc_aggregates.read_aggregates; `groups` maps each table's provision name to our subtypes).

    One INFO summary; a WARNING per figure more than AGGREGATE_TOLERANCE away, with the
    difference and the likely cause; HARD only when wildly off (AGGREGATE_WILD). With
    `inspected_only` (the file lists inspected providers only) a shortfall of providers and places
    is what that coverage gives: INFO, with the reason."""
    england = providers[providers["in_england"].astype(bool)]
    tally = _Comparison(release_id, file)
    blank = _compare_grades(tally, tables["latest_oe"], england, groups)
    _compare_providers_and_places(tally, tables["six_monthly"], england, groups, inspected_only)
    out = tally.findings
    if blank:
        out.append(Finding(release_id, INFO, "ofsted_aggregate", f"{', '.join(blank)}: Ofsted gives 0 for every grade at this "
                           "date (no figures for these provision types that year): not compared", file))
    if tally.checked:
        out.insert(0, Finding(release_id, INFO, "ofsted_aggregate",
                              f"{label} ({file}): {tally.close} of {tally.checked} published national figures for this date agree with ours "
                              f"within {AGGREGATE_TOLERANCE:.0%}; any others are warnings, each with the difference and the likely cause.",
                              file, count=tally.close))
    else:
        out.append(Finding(release_id, INFO, "ofsted_aggregate", f"{label} ({file}) has no figures for this date", file))
    return out


class _Comparison:
    """One release's figures against Ofsted's: the findings, how many were compared and how many agree."""

    def __init__(self, release_id: str, file: str):
        self.release_id, self.file = release_id, file
        self.findings: list[Finding] = []
        self.checked = self.close = 0

    def compare(self, table: str, provision: str, what: str, ours: int, theirs: int, row: int, column: str, cause: str,
                expected: bool = False) -> None:
        """Count one figure as close, or add a finding with the difference and its likely cause
        (INFO when `expected`: a difference the release's coverage explains)."""
        self.checked += 1
        diff = ours - theirs
        share = abs(diff) / theirs if theirs else (0.0 if not diff else 1.0)
        if share <= AGGREGATE_TOLERANCE:
            self.close += 1
            return
        sev = INFO if expected and diff < 0 else HARD if share > AGGREGATE_WILD and abs(diff) > 20 else WARNING
        self.findings.append(Finding(self.release_id, sev, "ofsted_aggregate",
                                     f"{table}, {provision}: {what} ours {ours:,}, Ofsted {theirs:,} ({diff:+,}, {share:.1%}). Likely cause: {cause}",
                                     self.file, row, column))


def _ours_of(england: pd.DataFrame, groups: dict[str, tuple[str, ...] | None], provision: str) -> pd.DataFrame | None:
    """Our providers of one of Ofsted's provision types (None: a type we do not compare)."""
    key = provision.lower()
    if key not in groups:
        return None
    subtypes = groups[key]
    return england if subtypes is None else england[england["provider_subtype"].isin(subtypes)]


def _compare_grades(tally: _Comparison, latest_oe: pd.DataFrame, england: pd.DataFrame,
                    groups: dict[str, tuple[str, ...] | None]) -> list[str]:
    """Compare the count of each latest overall grade; return the tables that give no figures for the date."""
    blank = []
    for r in latest_oe.to_dict("records"):
        ours = _ours_of(england, groups, r["provision"])
        if ours is None:
            continue
        if all(not r.get(g) for g in _GRADES):
            blank.append(f"{r['table']} ({r['provision']})")  # all four 0: no figures for this date
            continue
        grades = ours["overall_grade"].value_counts()
        for g in _GRADES:
            if pd.isna(r.get(g)):
                continue
            mine = int(sum(grades.get(x, 0) for x in (_THIRD if g == "requires_improvement" else (g,))))
            cause = _GRADES_CAUSE + (" (ours counts 'adequate' with requires improvement, as Ofsted's series does)"
                                if g == "requires_improvement" and grades.get("adequate", 0) else "")
            tally.compare(r["table"], r["provision"], f"{g.replace('_', ' ')}:", mine, int(r[g]), r["row"], g.replace("_", " "), cause)
    return blank


def _compare_providers_and_places(tally: _Comparison, six_monthly: pd.DataFrame, england: pd.DataFrame,
                                  groups: dict[str, tuple[str, ...] | None], inspected_only: bool = False) -> None:
    """Compare the number of providers and of places of each provision type."""
    for r in six_monthly.to_dict("records"):
        ours = _ours_of(england, groups, r["provision"])
        if ours is None:
            continue
        if r["measure"] == "places":
            if ours["places"].notna().sum() == 0:
                continue  # the file gives no places (2015)
            mine = int(ours["places"].fillna(0).sum())
            cause = ((_INSPECTED_ONLY_CAUSE if inspected_only else _COUNTS_CAUSE)
                     + "; places are as registered, and a provider with no places recorded counts 0 here"
                     + (f" ({int(ours['places'].isna().sum())} of ours have none)" if ours["places"].isna().any() else ""))
        else:
            mine = len(ours)
            cause = _INSPECTED_ONLY_CAUSE if inspected_only else _COUNTS_CAUSE
        tally.compare(r["table"], r["provision"], f"{r['measure']}:", mine, int(r["value"]), r["row"], r["measure"], cause,
                      expected=inspected_only)


def aggregate_check(release: Release, path: Path, providers: pd.DataFrame) -> list[Finding]:
    """Compare the release with Ofsted's own published national counts for its date."""
    try:
        tables = reader_for(release.crosscheck.reader)([path], release.as_at)
    except SourceError as e:
        return [Finding(release.id, WARNING, "crosscheck_error", f"cross-check not run: {e.problem}", path.name, e.row, e.column or "")]
    return ofsted_aggregates(release.id, providers, tables, PROVISION_GROUPS, file=path.name, label=release.crosscheck.label,
                             inspected_only=release.counts == Counts.INSPECTED_ONLY)
