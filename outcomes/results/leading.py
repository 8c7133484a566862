"""What a release leads with once inspections give no overall grade: Ofsted's own headline measures.

From September 2024 a graded school inspection gives no overall effectiveness grade, so Ofsted's
release as at 31 August 2025 leads with the share of schools graded under the current framework,
the key judgements of the year's graded inspections and the outcomes of its ungraded inspections
(main findings, State-funded schools inspections and outcomes as at 31 August 2025). The share of
schools still holding an old overall grade is not among them: where this site shows it at all, it
says exactly that in words (frameworks.old_grades_words) and puts it on no trend.

From 10 November 2025 schools and early years providers get report cards. A release that holds
them leads with the share of providers with a report card, the share of report cards at the expected
standard or better in each evaluation area, and the share with safeguarding standards met: the report
card's own measures, never added to a share good or outstanding.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from outcomes.build.in_year import KEY_JUDGEMENTS
from outcomes.domain import report_cards
from outcomes.domain.frameworks import FRAMEWORKS, overall_grades_ended
from outcomes.domain.releases import Release
from outcomes.domain.wording import long_date, plural
from outcomes.results import in_year
from outcomes.store.store import Store

SCHOOLS = "state_funded_school"
EIF_START = pd.Timestamp(2019, 9, 1)  # the education inspection framework (frameworks.BREAKS)
CARD_START = pd.Timestamp(report_cards.START)
CARD_FRAMEWORKS = frozenset(f.id for f in FRAMEWORKS.values() if f.area_scale)


def _share(hit: pd.Series) -> float:
    return round(100 * hit.mean(), 1)


def _eif_graded(p: pd.DataFrame) -> pd.Series:
    """Whether each school's latest graded inspection was under the EIF (from September 2019, before
    report cards): for a school with a report card, the graded inspection before it."""
    start = pd.to_datetime(p["inspection_start_date"])
    if "previous_inspection_start_date" in p:
        start = start.where(~p["framework"].isin(CARD_FRAMEWORKS), pd.to_datetime(p["previous_inspection_start_date"]))
    return (start >= EIF_START) & (start < CARD_START)


# Stock measures of a release that are not columns of the national tidy table:
# the provider rows (England) -> a figure.
MEASURES = {
    "pct_graded_under_eif": lambda p: _share(_eif_graded(p)),
    "pct_inspected_under_eif": lambda p: _share(_eif_graded(p) | (pd.to_datetime(p["ungraded_inspection_date"]) >= EIF_START)),
    "pct_report_card": lambda p: _share(p["framework"].isin(CARD_FRAMEWORKS)),
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
    (empty for every other release): its report cards' measures first, where it holds any."""
    if overall_grades_ended(release.provider_type, release.as_at) is None:
        return []
    out = report_card_figures(store, release)
    if release.provider_type == SCHOOLS:
        out += _eif_figures(store, release)
    return out


def report_card_figures(store: Store, release: Release) -> list[Figure]:
    """The share with a report card, each area's share at the expected standard or better, and the
    share with safeguarding met (empty where the release holds no report card)."""
    table = report_card_table(store, release)
    if table.empty:
        return []
    what, when = plural(None, release.provider_type_label), long_date(release.as_at)
    cards = stock_measure(store, release, "pct_report_card")
    out = [Figure("Report card inspections", cards,
                  f"{cards:.1f}% of {what} had a report card inspection (from {report_cards.START:%d %B %Y}) as at {when}: "
                  "each evaluation area graded from exceptional to urgent improvement, with no overall grade.")]
    areas = table[table.index != report_cards.SAFEGUARDING]
    if len(areas):
        listed = "; ".join(f"{_area_words(r.label)} {r.share:.0f}%" for r in areas.itertuples())
        out.append(Figure(f"{areas['label'].iloc[0]} at the expected standard or better (report cards)", areas["share"].iloc[0],
                          f"Of the report cards, the share at the expected standard or better in each evaluation area was: "
                          f"{listed}."))
    if report_cards.SAFEGUARDING in table.index:
        met = table.at[report_cards.SAFEGUARDING, "share"]
        out.append(Figure("Safeguarding standards met (report cards)", met,
                          f"{met:.1f}% of the report cards found safeguarding standards met."))
    return out


def report_card_table(store: Store, release: Release, subtype: str | None = None) -> pd.DataFrame:
    """England's report cards by evaluation area (index: judgement id, in Ofsted's order): label,
    report cards, a count per grade of the report card scale (met and not met for safeguarding), and
    share: at the expected standard or better, or with safeguarding met (empty: no report cards)."""
    counts = store.query("judgement_counts", release_id=release.id, subtype_key=subtype or "")
    counts = counts[counts["judgement"].map(report_cards.is_report_card)]
    if counts.empty:
        return pd.DataFrame(columns=["label", "report_cards", *report_cards.SCALE, "met", "not_met", "share"])
    wide = counts.pivot_table(index="judgement", columns="grade", values="n", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=[*report_cards.SCALE, "met", "not_met"], fill_value=0)
    wide = wide.loc[sorted(wide.index, key=report_cards.area_order)]
    wide.insert(0, "report_cards", wide.sum(axis=1))
    wide.insert(0, "label", counts.drop_duplicates("judgement").set_index("judgement")["judgement_label"].reindex(wide.index))
    good = wide[list(report_cards.EXPECTED_OR_BETTER)].sum(axis=1).where(wide.index != report_cards.SAFEGUARDING, wide["met"])
    wide["share"] = (100 * good / wide["report_cards"]).round(1)
    return wide.rename_axis(index=None, columns=None)


def _area_words(label: str) -> str:
    return label.replace(" (where applicable)", "").lower()


def _eif_figures(store: Store, release: Release) -> list[Figure]:
    """Schools: the share graded under the EIF, and the year's key judgements and ungraded outcomes
    (where the release holds the year's inspections)."""
    eif, any_eif = (stock_measure(store, release, m) for m in ("pct_graded_under_eif", "pct_inspected_under_eif"))
    when = long_date(release.as_at)
    label = ("Graded under the current framework" if release.as_at < report_cards.START
             else "Graded under the education inspection framework (before report cards)")
    out = [Figure(label, eif,
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


def lead_note(release: Release, grades_below: bool = False) -> str:
    """Why a release leads with these measures ('' for a release with an overall grade). With
    grades_below, what the overall grades shown beneath them are."""
    ended = overall_grades_ended(release.provider_type, release.as_at)
    if ended is None:
        return ""
    kind = "Graded inspections" if release.provider_type == SCHOOLS else "Inspections"
    if grades_below:
        what = "schools" if release.provider_type == SCHOOLS else plural(None, release.provider_type_label)
        note = (f"{kind} from {ended.date:%B %Y} give no overall effectiveness grade: the grades below are those {what} "
                "still hold from an inspection before then, not a measure to compare with earlier years.")
    else:
        note = f"{kind} from {ended.date:%B %Y} give no overall effectiveness grade, so Ofsted leads with these measures, not a share good or outstanding."
    if release.as_at >= report_cards.START and any(f.provider_type == release.provider_type for f in FRAMEWORKS.values() if f.area_scale):
        note += (f" Report cards (from {report_cards.START:%d %B %Y}) grade each evaluation area on a scale of their own, "
                 "never counted as good or outstanding.")
    return note
