"""Ofsted's own published headline figures for data we hold, and ours beside them.

The methodology page shows this table, and a test holds our build to each figure within its
tolerance. Where we cannot match, `why` says so (definitions, coverage, compiled sources).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from outcomes.store import Store
from outcomes.tables import grade_table


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
             1.0, "The compiled ILACS history lacks a readable latest inspection for 2 of the 153 authorities at this date, "
                  "so our share is of 150 graded authorities rather than 153."),
    Headline("state_funded_school", dt.date(2018, 8, 31), None, "pct_good_or_outstanding", 86,
             "At the end of August 2018, we had judged 86% of schools good or outstanding at their most recent inspection.",
             "https://www.gov.uk/government/statistics/state-funded-schools-inspections-and-outcomes-as-at-31-august-2018",
             1.0, "Ours is reconstructed from a scraped register and inspection history, not Ofsted's file: it includes some "
                  "independent special schools and misses ratings carried over from predecessor schools; Ofsted puts 4% "
                  "inadequate where the reconstruction finds 2%."),
]

# Published figures we hold data for but cannot reproduce, and why (shown on the methodology page).
NOT_REPRODUCED: list[tuple[str, str]] = [
    ("Area SEND: 26 full inspections in 2023 (7 positive, 11 inconsistent, 8 widespread failings); 54 by the end of 2024.",
     "The compiled file holds each area's latest inspection only, and the compiler could not read some reports, so as at "
     "31 December 2023 it has 20 areas (7, 8, 5) and as at 31 December 2024, 49."),
    ("State-funded schools: 89% good or outstanding as at 31 August 2023.",
     "Only the West Midlands rows of that release are held; the England figure needs Ofsted's national file."),
    ("Further education and skills as at 31 August 2021.",
     "No headline for this date was found in Ofsted's main findings; the nearest, 83% as at 28 February 2021, is a "
     "different date. Ours is 82.6% of inspected providers."),
]


def ours(store: Store, h: Headline) -> float | None:
    """Our figure for a headline from the published build (None if that release is not published)."""
    release = next((r for r in store.releases_of(h.provider_type) if r.as_at == h.as_at), None)
    if release is None:
        return None
    table = grade_table(store, release, "national", h.subtype)
    return float(table[h.measure].iloc[0]) if len(table) else None
