"""What the provider types page shows: one release and subtype in England, by region, over time,
its sub-judgements, and the year's inspections (the flow) where the release holds them."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from outcomes.build.in_year import GRADES as IN_YEAR_GRADES
from outcomes.build.in_year import year_start
from outcomes.domain.fields import TYPES, Level
from outcomes.domain.frameworks import GRADE_LABELS, no_grade_words, old_grades_words
from outcomes.domain.releases import Release
from outcomes.domain.wording import long_date, plural
from outcomes.results import charts, in_year, summaries
from outcomes.results.charts import Chart
from outcomes.domain import report_cards
from outcomes.results.leading import Figure, lead_note, leading_figures, report_card_table
from outcomes.results.tidy import grade_table
from outcomes.store.store import Store


@dataclass
class ProviderTypeView:
    release: Release
    what: str                    # "children's homes", "state-funded schools"
    share: float | None          # England's share good or outstanding
    distribution: Chart
    has_geography: bool
    by_region: Chart | None
    trend: Chart | None
    breaks: list[tuple[str, str, str]]
    sub_judgements: pd.DataFrame  # judgement x grade counts, labelled for people
    lead: list[Figure] = field(default_factory=list)  # Ofsted's headline measures once overall grades ended
    counts_note: str = ""        # which providers the counts cover, where not every registered one
    in_year: InYear | None = None    # the flow: inspections carried out in the year (where the release has it)
    lead_note: str = ""          # why it leads with Ofsted's measures, and what the grades beneath them are
    report_cards: pd.DataFrame | None = None  # report cards by evaluation area, for people (None: the release has none)


@dataclass
class InYear:
    """Inspections carried out in the year to the as-at date (the flow), for people."""
    heading: str
    table: pd.DataFrame          # one row per judgement: inspections, grades, share good or outstanding
    ungraded: str                # a sentence on the year's ungraded inspections, or ""


def in_year_view(store: Store, release: Release, subtype: str | None) -> InYear | None:
    """The year's graded inspections by key judgement (and ungraded outcomes), or None."""
    frame = store.in_year(release.id)
    if frame is None:
        return None
    tidy = in_year.judgement_table(frame, release.as_at, "national", subtype)
    if tidy.empty:
        return None
    start = year_start(release.as_at)
    share = tidy["pct_good_or_outstanding"].map(lambda v: v if isinstance(v, str) else f"{v:.1f}%")
    table = pd.DataFrame({"Judgement": tidy["judgement"].map(lambda j: j.replace("_", " ").capitalize()),
                          "Inspections": tidy["inspections"],
                          **{GRADE_LABELS[g]: tidy[g] for g in IN_YEAR_GRADES},
                          "Good or outstanding": share.replace({"z": "z (no grade given)"})})
    ungraded = in_year.ungraded_share(frame[frame["provider_subtype"] == subtype] if subtype else frame)
    what = plural(subtype, release.provider_type_label)
    words = (f"Of the year's ungraded inspections of {what}, {ungraded:.1f}% found standards maintained or improved "
             "significantly.") if ungraded is not None else ""
    if release.provider_type == "state_funded_school":
        # A stock file shows the flow only in part: see the ledger (sch-2025-inspections).
        covers = ("each school's latest graded inspection and its latest ungraded inspection since, where carried out in "
                  "the year: monitoring and urgent inspections, a second inspection of a school in the year and schools "
                  "closed before the date are not in the file, so the year's count is a little below Ofsted's")
    else:
        covers = "the year's full inspections, from Ofsted's own table of them"
    return InYear(f"Inspections carried out from {long_date(start)} to {long_date(release.as_at)} and published by "
                  f"{long_date(release.cutoff)} (the flow, not each provider's latest inspection): {covers}", table, words)


def provider_type_view(store: Store, release: Release, subtype: str | None) -> ProviderTypeView:
    """The provider types page for one release and subtype."""
    kind = TYPES[release.provider_type]
    nat = grade_table(store, release, Level.NATIONAL, subtype)
    what = plural(subtype, release.provider_type_label)
    grades = [g for g in nat.columns if g in GRADE_LABELS or g == "not_yet_graded"]
    counts = pd.DataFrame({"grade": grades, "n": [int(nat[g].iloc[0]) if len(nat) else 0 for g in grades]})
    share = nat["pct_good_or_outstanding"].iloc[0] if "pct_good_or_outstanding" in nat and len(nat) else None
    share = None if share is None or pd.isna(share) else float(share)
    old = old_grades_words(release.provider_type, release.as_at)
    if old and len(nat):
        # No headline share: the overall grades are all from before the break (results.leading).
        title = f"{what.capitalize()} by overall effectiveness grade: {int(nat['graded'].iloc[0]):,} {old}"
    elif share is not None:
        title = f"{share:.1f}% of graded {what} were good or outstanding"
    else:
        title = f"Latest inspection outcomes of {what}"
    desc = (f"Bar chart of the number of {what} in England by overall grade at their latest inspection, as at "
            f"{long_date(release.as_at)}.")
    since = no_grade_words(release.provider_type, release.as_at)
    since = f"Counted as no overall grade: {since}" if since else ""
    distribution = Chart(charts.grade_distribution(counts, title, desc, kind.unit.capitalize(), since), desc)
    reg = grade_table(store, release, Level.REGIONAL, subtype)
    by_region = None
    if not reg.empty:
        # Graded outcomes in scale order, then those not yet graded (once: it is a grade label too).
        shown = [g for g in reg.columns if g in GRADE_LABELS and g != "not_yet_graded" and reg[g].sum() > 0] + \
            (["not_yet_graded"] if reg["not_yet_graded"].sum() else [])
        key = "pct_good_or_outstanding" if "pct_good_or_outstanding" in reg else "pct_inadequate"
        reg = reg.sort_values(key, ascending=False)
        rdesc = f"Stacked bar chart of the share of {what} at each grade in each English region, highest share good or outstanding first."
        by_region = Chart(charts.stacked_by_area(reg, "region_name", shown, f"{what.capitalize()} by region", rdesc, since), rdesc)
    data = summaries.trend(store, release, subtype)
    trend, breaks = None, []
    if data["date"].nunique() > 1:
        b = summaries.breaks_between(release.provider_type, data["date"])
        tdesc = f"Line chart of the share of graded {what} in England that were good or outstanding at each release date."
        # After a break that ended overall grades, the share is of those still holding one: said so.
        ttitle = f"Share good or outstanding over time, of the {what} {old}" if old else f"Share of {what} good or outstanding over time"
        trend = Chart(charts.trend(data, ttitle, tdesc, b), tdesc)
        breaks = [(x.label, f"{x.date:%B %Y}", x.explanation) for x in b.itertuples()]
    sub = store.query("judgement_counts", release_id=release.id, subtype_key=subtype or "")
    sub = sub[~sub["judgement"].map(report_cards.is_report_card)]  # on their own scale: their own table
    if not sub.empty:
        sub["grade"] = sub["grade"].map(lambda g: GRADE_LABELS.get(g, g))
        order = [GRADE_LABELS[g] for g in GRADE_LABELS if GRADE_LABELS[g] in set(sub["grade"])]
        sub = sub.pivot_table(index="judgement_label", columns="grade", values="n", aggfunc="sum", fill_value=0)
        sub = sub.reindex(columns=order + [c for c in sub.columns if c not in order]).rename_axis(index="Judgement", columns=None)
    return ProviderTypeView(release, what, share, distribution, not reg.empty, by_region, trend, breaks, sub,
                            in_year=in_year_view(store, release, subtype),
                            lead=leading_figures(store, release) if subtype is None else [],
                            counts_note=summaries.counts_note(store, release), lead_note=lead_note(release, grades_below=True),
                            report_cards=report_card_people(store, release, subtype))


def report_card_people(store: Store, release: Release, subtype: str | None) -> pd.DataFrame | None:
    """Report cards by evaluation area for people: counts on the report card's own scale and the
    share at the expected standard or better (safeguarding: met, not met, the share met)."""
    table = report_card_table(store, release, subtype)
    if table.empty:
        return None
    grades = [g for g in (*report_cards.SCALE, "met", "not_met") if table[g].sum() > 0]
    out = pd.DataFrame({"Evaluation area": table["label"], "Report cards": table["report_cards"],
                        **{GRADE_LABELS[g]: table[g] for g in grades},
                        "Expected standard or better, or met (%)": table["share"].map(lambda v: f"{v:.1f}%")})
    return out.reset_index(drop=True)
