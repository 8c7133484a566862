"""The flow beside the stock, as pages and downloads show it: the year's inspections by key
judgement (outcomes.build.in_year makes the table; the store reads it)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from outcomes.build.in_year import GRADES, KEY_JUDGEMENTS, year_start
from outcomes.domain import ees
from outcomes.domain.fields import Level
from outcomes.domain.releases import Release
from outcomes.store.store import Store

SCOPES = ("as_at", "in_year")


def judgement_table(frame: pd.DataFrame, as_at: dt.date, level: str = "national", subtype: str | None = None) -> pd.DataFrame:
    """The tidy (EES) table of the year's graded inspections: one row per key judgement (a
    `judgement` filter) and area, with counts and the share good or outstanding. The share is of
    inspections given a grade for that judgement; 'z' where none was (overall effectiveness from
    September 2024)."""
    graded = frame[frame["inspection_kind"] == "graded"]
    if subtype:
        graded = graded[graded["provider_subtype"] == subtype]
    # Schools: all five judgements, each always reported; social care: overall effectiveness only.
    sub = set(frame["judgement"]) - {"overall_effectiveness", "ungraded_outcome"}
    judgements = KEY_JUDGEMENTS if sub else ["overall_effectiveness"]
    keys = ees.area_keys(level)
    rows = []
    for key, part in (graded.groupby(keys, dropna=False) if keys else [((), graded)]):
        key = key if isinstance(key, tuple) else (key,)
        for j in judgements:
            grades = part.loc[part["judgement"] == j, "grade"].value_counts()
            counts = {g: int(grades.get(g, 0)) for g in GRADES}
            given = sum(counts.values())
            rows.append({**dict(zip(keys, key)), "judgement": j,
                         # each overall_effectiveness row is one inspection (a provider may have two in a year)
                         "inspections": int((part["judgement"] == "overall_effectiveness").sum()),
                         **counts, "no_overall_grade": int(grades.get("no_overall_grade", 0)),
                         "pct_good_or_outstanding": round(100 * (counts["outstanding"] + counts["good"]) / given, 1) if given else "z"})
    table = pd.DataFrame(rows)
    geography = {**ees.flow_time_columns(as_at), "geographic_level": Level(level).label,
                 "country_code": "E92000001", "country_name": "England"}
    for c, v in reversed(list(geography.items())):
        table.insert(0, c, v)
    table.insert(len(geography) + len(keys), "provider_subtype", subtype or "All")
    return table


def ungraded_share(frame: pd.DataFrame, outcomes: tuple[str, ...] = ("standards_maintained", "improved_significantly")) -> float | None:
    """Share of the year's ungraded inspections with one of `outcomes`, to one decimal place."""
    ungraded = frame[frame["inspection_kind"] == "ungraded"]
    return round(100 * ungraded["ungraded_outcome"].isin(outcomes).mean(), 1) if len(ungraded) else None




def export_frames(store: Store, release: Release, level: str, subtype: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The in-year tidy table of a (published) release and its metadata, or ValueError when the
    release holds no in-year data."""
    frame = store.in_year(release.id)
    if frame is None:
        raise ValueError(f"{release.id} has no in-year data (only each provider's latest inspection as at {release.as_at})")
    if level not in (Level.NATIONAL, Level.REGIONAL, Level.LOCAL_AUTHORITY):
        raise ValueError(f"level {level!r}: in-year tables are national, regional or local_authority")
    data = judgement_table(frame, release.as_at, level, subtype)
    return data, ees.metadata(data)
