"""LA children's services every six months: each release's flow, and an authority at each release.

Ofsted's quality report for LA children's services describes a six-monthly release (as at 31 March
and 30 September) that includes the inspections that took place and were published in the period. The
flow of a release is the inspections that started in the six months to its date and were published by
its cut-off; one the sources hold without a start date (SIF reports in Ofsted's 2022 workbook give a
publication date only) is in the period when its report was published after the previous release's
cut-off and by this one's, so it is in exactly one period, the one whose stock it first joins. Read
from each release's history table through the store (Store.by_la / the history_by_la query).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from outcomes.domain.fields import Level
from outcomes.domain.frameworks import GRADE_LABELS
from outcomes.domain.releases import Release, previous_of
from outcomes.domain.wording import long_date
from outcomes.store.store import Store

PROVIDER_TYPE = "la_childrens_services"
MONTHS = 6


@dataclass(frozen=True)
class Period:
    release: Release
    start: dt.date                  # the first day of the six months
    end: dt.date                    # the release's as-at date
    cutoff: dt.date                 # reports published by then count
    previous_cutoff: dt.date | None  # the previous release's (an undated report counts after it)

    @property
    def words(self) -> str:
        return f"from {long_date(self.start)} to {long_date(self.end)} and published by {long_date(self.cutoff)}"


def period_of(store: Store, release: Release) -> Period | None:
    """The six months a release's flow covers (None: not a six-monthly LA release)."""
    if release.provider_type != PROVIDER_TYPE:
        return None
    after = release.as_at + dt.timedelta(days=1)
    month = after.month - MONTHS
    start = dt.date(after.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    previous = previous_of(release, store.releases)
    return Period(release, start, release.as_at, release.cutoff, previous.cutoff if previous is not None else None)


def in_period(history: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The inspections of a history table (Store.by_la / history_by_la rows) in the period, oldest first."""
    start = pd.to_datetime(history["inspection_start_date"])
    pub = pd.to_datetime(history["publication_date"])
    published = pub.isna() | (pub <= pd.Timestamp(period.cutoff))
    dated = start.notna() & (start >= pd.Timestamp(period.start)) & (start <= pd.Timestamp(period.end)) & published
    after = pd.Timestamp(period.previous_cutoff) if period.previous_cutoff else pd.Timestamp(period.start) - pd.Timedelta(days=1)
    undated = start.isna() & pub.notna() & (pub > after) & (pub <= pd.Timestamp(period.cutoff))
    chosen = history[dated | undated]
    order = pd.to_datetime(chosen["inspection_start_date"]).fillna(pd.to_datetime(chosen["publication_date"]))
    return chosen.assign(_order=order).sort_values(["_order", "la_name"]).drop(columns="_order").reset_index(drop=True)


def _grade(g) -> str:
    return GRADE_LABELS.get(g, "not known") if isinstance(g, str) else "not known"


def _flow_rows(store: Store, release: Release) -> pd.DataFrame:
    """The release's inspections in its period (made once per store)."""
    return store.memo(("six_months", release.id),
                      lambda: in_period(store.query("history_by_la", release_id=release.id), period_of(store, release)))


def flow(store: Store, release: Release) -> tuple[str, pd.DataFrame | None]:
    """A release's flow for people: a sentence with the counts by grade, and the inspections."""
    period = period_of(store, release)
    if period is None:
        return "", None
    rows = _flow_rows(store, release)
    if rows.empty:
        return f"No inspection of local authority children's services was carried out {period.words}.", None
    counts = rows["overall_grade"].map(_grade).value_counts()
    order = [g for g in [*GRADE_LABELS.values(), "not known"] if g in counts.index]
    sentence = (f"{len(rows)} {'inspection' if len(rows) == 1 else 'inspections'} of local authority children's "
                f"services carried out {period.words}: " + ", ".join(f"{counts[g]} {g.lower()}" for g in order) + ".")
    table = pd.DataFrame({"Local authority": rows["la_name"], "Inspection start": rows["inspection_start_date"].map(long_date),
                          "Published": rows["publication_date"].map(long_date), "Type": rows["inspection_type"].fillna("—"),
                          "Overall effectiveness": rows["overall_grade"].map(_grade)})
    return sentence, table


def _by_la(store: Store, release: Release) -> tuple[dict[str, str], dict[str, list[str]]]:
    """{LA code: its judgement at the release} and {LA code: its inspections in the period, in words},
    made once per store: every LA profile reads them."""
    def make():
        stock = store.grades(release.id, Level.LOCAL_AUTHORITY)
        grades = [c for c in GRADE_LABELS if c in stock.columns]
        judged = {code: next((GRADE_LABELS[g] for g in grades if pd.notna(row[g]) and row[g]), "not graded")
                  for code, (_, row) in zip(stock["new_la_code"], stock.iterrows())}
        inspected: dict[str, list[str]] = {}
        for code, s, p, g in _flow_rows(store, release)[["new_la_code", "inspection_start_date", "publication_date",
                                                          "overall_grade"]].itertuples(index=False):
            started = f"started {long_date(s)}, " if pd.notna(s) else "start not known, "
            inspected.setdefault(code, []).append(f"{started}published {long_date(p)}: {_grade(g).lower()}")
        return judged, inspected
    return store.memo(("six_months_by_la", release.id), make)


def la_points(store: Store, codes: list[str]) -> pd.DataFrame | None:
    """An authority (its codes over time) at every LA release, oldest first: its judgement then
    (its latest inspection as at the date) and its inspections in the six months, for people."""
    rows = []
    for r in sorted(store.releases_of(PROVIDER_TYPE), key=lambda r: r.as_at):
        judged, inspected = _by_la(store, r)
        code = next((c for c in codes if c in judged), None)
        if code is None:
            continue
        rows.append({"As at": long_date(r.as_at), "Judgement (latest inspection)": judged[code],
                     "Inspected in the six months": "; ".join(i for c in codes for i in inspected.get(c, [])) or "no"})
    return pd.DataFrame(rows) if rows else None
