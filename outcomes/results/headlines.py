"""Ofsted's own published headline figures for data we hold, and ours beside them.

The methodology page shows this table, and a test holds our build to each figure within its
tolerance. Where we cannot match, `why` says so (definitions, coverage, compiled sources).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from outcomes.domain.fields import Level
from outcomes.results import in_year
from outcomes.results.leading import MEASURES, stock_measure
from outcomes.results.tidy import grade_table
from outcomes.store.store import Store


@dataclass(frozen=True)
class Headline:
    provider_type: str
    as_at: dt.date
    subtype: str | None
    measure: str  # an indicator column of the national tidy table
    ofsted: float
    quote: str
    source: str
    tolerance: float  # how far ours may be from Ofsted's rounded figure
    why: str = ""
    # "as_at": the stock (the national tidy table of the release, or a measure in MEASURES);
    # "in_year": the year's inspections (outcomes.in_year), for `judgement` or "ungraded_outcome".
    scope: str = "as_at"
    judgement: str = ""


HEADLINES: list[Headline] = [
    Headline("social_care_provider", dt.date(2019, 3, 31), "Children's home", "pct_good_or_outstanding", 80,
             "At the end of March 2019, 80% of active and inspected children's homes were judged good or outstanding "
             "at their most recent inspection.",
             "https://www.gov.uk/government/publications/childrens-social-care-data-in-england-2019/childrens-social-care-in-england-2019",
             0.5),
    Headline("social_care_provider", dt.date(2016, 3, 31), "Children's home", "pct_good_or_outstanding", 79,
             "At 30 September 2016, 81% of homes were judged good or better. This is an increase from 79% at 31 March 2016.",
             "https://www.gov.uk/government/publications/local-authority-and-childrens-homes-in-england-inspection-outcomes-as-at-30-september-2016",
             0.5),
    Headline("social_care_provider", dt.date(2020, 3, 31), "Independent fostering agency", "pct_good_or_outstanding", 93,
             "As at 31 March 2020, 93% of IFAs were [judged good or outstanding].",
             "https://www.gov.uk/government/publications/childrens-social-care-data-in-england-2020/main-findings-childrens-social-care-in-england-2020",
             0.5),
    Headline("la_childrens_services", dt.date(2024, 3, 31), None, "pct_good_or_outstanding", 60,
             "As at 31 March 2024, 60% of LAs were judged to be good or outstanding at their most recent inspection.",
             "https://www.gov.uk/government/statistics/local-authority-inspection-outcomes-as-at-31-march-2024",
             1.0, "Ours is 60.3% of 151 authorities: Cumberland and Westmorland and Furness (created April 2023) have no "
                  "inspection of their own by this date in our sources, so our share is of 151 authorities rather than 153."),
    Headline("state_funded_school", dt.date(2018, 8, 31), None, "pct_good_or_outstanding", 86,
             "At the end of August 2018, we had judged 86% of schools good or outstanding at their most recent inspection.",
             "https://www.gov.uk/government/statistics/state-funded-schools-inspections-and-outcomes-as-at-31-august-2018",
             1.0, "Ours is reconstructed from a scraped register and inspection history, not Ofsted's file: it includes some "
                  "independent special schools and misses ratings carried over from predecessor schools; Ofsted puts 4% "
                  "inadequate where the reconstruction finds 2%."),
]

S25 = ("https://www.gov.uk/government/statistics/state-funded-schools-inspections-and-outcomes-as-at-31-august-2025/"
       "main-findings-state-funded-schools-inspections-and-outcomes-as-at-31-august-2025")
_KEY_2025 = "In 2024/25, the proportion of schools judged good or outstanding for each key judgement at a graded inspection was: "
HEADLINES += [
    *[Headline("state_funded_school", dt.date(2025, 8, 31), None, "pct_good_or_outstanding", pct,
               _KEY_2025 + f"{pct}% for {words}.", S25, 0.5, scope="in_year", judgement=j)
      for j, words, pct in (("quality_of_education", "quality of education", 83),
                            ("behaviour_and_attitudes", "behaviour and attitudes", 94),
                            ("personal_development", "personal development", 96),
                            ("leadership_and_management", "leadership and management", 88))],
    Headline("state_funded_school", dt.date(2025, 8, 31), None, "pct_standards_maintained_or_improved", 95,
             "Ninety-five per cent of ungraded inspections found that either standards had been maintained or the school "
             "may have improved significantly.", S25, 0.5,
             "Ours is 94.5%: the file keeps each school's latest ungraded inspection since its last graded one, so an ungraded "
             "inspection followed by a graded one in the same year is not counted.", scope="in_year", judgement="ungraded_outcome"),
    Headline("state_funded_school", dt.date(2025, 8, 31), None, "pct_graded_under_eif", 60,
             "Of these 22,000 schools, 60% have had a graded inspection under the current education inspection framework (EIF)",
             S25, 0.5),
    Headline("state_funded_school", dt.date(2025, 8, 31), None, "pct_inspected_under_eif", 98,
             "... and 98% have had either a graded or ungraded inspection under the EIF.", S25, 0.5),
    Headline("la_childrens_services", dt.date(2022, 3, 31), None, "pct_good_or_outstanding", 53,
             "As at 31 March 2024, 60% of LAs were judged to be good or outstanding at their most recent inspection, "
             "compared with 53% as at 31 March 2022.",
             "https://www.gov.uk/government/statistics/local-authority-inspection-outcomes-as-at-31-march-2024/"
             "main-findings-local-authority-inspection-outcomes-as-at-31-march-2024", 0.5),
    Headline("la_childrens_services", dt.date(2017, 3, 31), None, "pct_good_or_outstanding", 29,
             "As at 31 October 2017, 36% of LAs were judged good or outstanding, an increase from 29% in March.",
             "https://www.gov.uk/government/publications/local-authority-and-childrens-homes-in-england-inspections-and-outcomes/"
             "local-authority-and-childrens-homes-in-england-inspections-and-outcomes-autumn-2017-main-findings", 1.5,
             "Ours is 30.1% (37 of the 123 authorities inspected under the SIF by then, from Ofsted's 2022 workbook); 29% is "
             "36 of them: one authority differs, not yet traced (a report's publication date either side of the date is likely)."),
]

# Published figures we hold data for but cannot reproduce, and why (shown on the methodology page).
NOT_REPRODUCED: list[tuple[str, str]] = [
    ("Area SEND: 26 full inspections in 2023 (7 positive, 11 inconsistent, 8 widespread failings); 54 by the end of 2024.",
     "The compiled file holds each area's latest inspection only, and the compiler could not read some reports, so as at "
     "31 December 2023 it has 20 areas (7, 8, 5) and as at 31 December 2024, 49."),
    ("State-funded schools: 89% good or outstanding as at 31 August 2023.",
     "Only the West Midlands rows of that release are held; the England figure needs Ofsted's national file."),
    ("State-funded schools: in 2024/25, we carried out 5,904 inspections.",
     "The file holds each school's latest graded inspection and its latest ungraded inspection since then: 3,269 graded and "
     "2,437 ungraded inspections in 2024/25 (5,706). Monitoring and urgent inspections, a second inspection of a school in "
     "the year, and an ungraded inspection followed by a graded one are not in it."),
    ("State-funded schools as at 31 August 2025: 48% maintained by local authorities, 52% academies and free schools.",
     "The build keeps each school's phase, not its type of establishment, so the split is not in the tables (it is in the file)."),
    ("Children's homes as at 31 March 2023: 2,880 homes and 10,818 places.",
     "The provider-level file as at 31 March 2023 lists 2,821 children's homes with 11,103 places; the cause of the "
     "difference (which providers Ofsted's main findings count as children's homes) is not established."),
    ("Further education and skills as at 31 August 2021.",
     "No headline for this date was found in Ofsted's main findings; the nearest, 83% as at 28 February 2021, is a "
     "different date. Ours is 82.6% of inspected providers."),
]


def ours(store: Store, h: Headline) -> float | None:
    """Our figure for a headline from the published build (None if that release is not published)."""
    release = next((r for r in store.releases_of(h.provider_type) if r.as_at == h.as_at), None)
    if release is None:
        return None
    if h.scope == "in_year":
        frame = store.in_year(release.id)
        if frame is None:
            return None
        if h.judgement == "ungraded_outcome":
            return in_year.ungraded_share(frame)
        table = in_year.judgement_table(frame, release.as_at)
        return float(table.loc[table["judgement"] == h.judgement, h.measure].iloc[0])
    if h.measure in MEASURES:
        return stock_measure(store, release, h.measure)
    table = grade_table(store, release, Level.NATIONAL, h.subtype)
    return float(table[h.measure].iloc[0]) if len(table) else None


def headline_comparison(store: Store) -> pd.DataFrame:
    """Ofsted's published headlines beside the same figures computed from our build."""
    rows = []
    for h in HEADLINES:
        value = ours(store, h)
        rows.append({"Ofsted said": h.quote, "Ofsted's figure (%)": h.ofsted,
                     "Ours (%)": "not published here" if value is None else f"{value:.1f}",
                     "Why they differ": h.why or "Rounding only.", "Source": h.source})
    return pd.DataFrame(rows)
