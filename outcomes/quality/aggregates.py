"""Ofsted's own published national counts against the release's: latest overall effectiveness by
provision type, and providers and places (its 2022 workbook)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

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



def aggregate_check(release: Release, path: Path, providers: pd.DataFrame) -> list[Finding]:
    """Compare the release with Ofsted's own published national counts for its date."""
    try:
        tables = reader_for(release.crosscheck.reader)([path], release.as_at)
    except SourceError as e:
        return [Finding(release.id, WARNING, "crosscheck_error", f"cross-check not run: {e.problem}", path.name, e.row, e.column or "")]
    return ofsted_aggregates(release.id, providers, tables, PROVISION_GROUPS, file=path.name, label=release.crosscheck.label)
