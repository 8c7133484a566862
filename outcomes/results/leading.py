"""What a release leads with once inspections give no overall grade: Ofsted's own headline measures.

From September 2024 a graded school inspection gives no overall effectiveness grade, so Ofsted's
release as at 31 August 2025 leads with the share of schools graded under the current framework,
the key judgements of the year's graded inspections and the outcomes of its ungraded inspections
(main findings, State-funded schools inspections and outcomes as at 31 August 2025). The share of
schools still holding an old overall grade is not among them: where this site shows it at all, it
says exactly that in words (frameworks.old_grades_words) and puts it on no trend.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from outcomes.build.in_year import KEY_JUDGEMENTS
from outcomes.domain.frameworks import overall_grades_ended
from outcomes.domain.releases import Release
from outcomes.domain.wording import long_date
from outcomes.results import in_year
from outcomes.store.store import Store

EIF_START = pd.Timestamp(2019, 9, 1)  # the education inspection framework (frameworks.BREAKS)


def _share(hit: pd.Series) -> float:
    return round(100 * hit.mean(), 1)


# Stock measures of a schools release that are not columns of the national tidy table:
# the provider rows (England) -> a figure.
MEASURES = {
    "pct_graded_under_eif": lambda p: _share(pd.to_datetime(p["inspection_start_date"]) >= EIF_START),
    "pct_inspected_under_eif": lambda p: _share((pd.to_datetime(p["inspection_start_date"]) >= EIF_START)
                                                | (pd.to_datetime(p["ungraded_inspection_date"]) >= EIF_START)),
}


@dataclass(frozen=True)
class Figure:
    label: str        # what it is, in a few words
    value: float      # a share, in per cent
    words: str        # the sentence that says it


def stock_measure(store: Store, release: Release, measure: str) -> float:
    rows = store.query("provider_rows", release_id=release.id, subtype=None, la=None)
    return MEASURES[measure](rows[rows["in_england"].astype(bool)])


def leading_figures(store: Store, release: Release) -> list[Figure]:
    """Ofsted's headline measures for a release after its type stopped giving overall grades
    (empty for every other release)."""
    if overall_grades_ended(release.provider_type, release.as_at) is None:
        return []
    eif, any_eif = (stock_measure(store, release, m) for m in ("pct_graded_under_eif", "pct_inspected_under_eif"))
    when = long_date(release.as_at)
    out = [Figure("Graded under the current framework", eif,
                  f"{eif:.1f}% of schools had had a graded inspection under the education inspection framework (EIF) "
                  f"as at {when}, and {any_eif:.1f}% a graded or ungraded one.")]
    frame = store.in_year(release.id)
    if frame is not None:
        table = in_year.judgement_table(frame, release.as_at).set_index("judgement")
        year = f"{release.as_at.year - 1}/{str(release.as_at.year)[2:]}"
        shares = {j: table.at[j, "pct_good_or_outstanding"] for j in KEY_JUDGEMENTS[1:] if j in table.index}
        shares = {j: float(v) for j, v in shares.items() if not isinstance(v, str)}
        if shares:
            listed = "; ".join(f"{j.replace('_', ' ')} {v:.0f}%" for j, v in shares.items())
            first = next(iter(shares))
            out.append(Figure("Quality of education good or outstanding (graded inspections in the year)", shares[first],
                              f"At the graded inspections of {year}, the share of schools judged good or outstanding for "
                              f"each key judgement was: {listed}."))
        ungraded = in_year.ungraded_share(frame)
        if ungraded is not None:
            out.append(Figure("Ungraded inspections: standards maintained or improved", ungraded,
                              f"{ungraded:.1f}% of the ungraded inspections of {year} found that standards had been "
                              "maintained or the school may have improved significantly."))
    return out
