"""Reader for the scraped 2018 school register and inspection history, from which each school's
rating as at any date can be rebuilt (school_details_2018.csv and ofsted_ratings_2018.csv).
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from outcomes.sources.base import SourceError, SourceTable, clean_code, find_column, parse_dates, read_table
from outcomes.sources.schools import PROVIDER_TYPE, code_or_none, coverage_note, read_note, reader_frame

# The scrape's Type column. Rows with no Type are service children's and overseas schools
# (LA codes 702, 704), which are not state-funded schools in England.
_TYPES_2018 = {"Maintained School": True, "Academy": True, "Special School": True,
               "Independent School": False, "College": False, "": False}


_File = tuple[pd.DataFrame, Path, dict]  # a file's table, its path and how it was read


class _Register(NamedTuple):
    """The school register's columns that decide which schools are kept, parsed."""
    urns: pd.Series
    opened: list[dt.date | None]
    closed: list[dt.date | None]
    status: pd.Series
    type_col: str
    primary: pd.Series    # True where the school teaches primary pupils
    secondary: pd.Series  # True where it teaches secondary pupils


def read_history_2018(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Each state-funded school open at `as_at` with its latest rating on or before that date.

    `paths` are the scraped school register (school_details_2018.csv) and inspection history
    (ofsted_ratings_2018.csv), in either order; source_row is the line in the history file, or in
    the register for a school with no rating.
    """
    (details, details_path, details_meta), (history, history_path, history_meta) = _register_and_history(paths)
    notes = [read_note(details_path, details_meta), read_note(history_path, history_meta)]
    latest, clash_urns = _latest_ratings(history, history_path, as_at, notes)
    register = _register(details, details_path)
    reasons = _set_aside_reasons(details, details_path, register, as_at)
    notes += _set_aside_notes(reasons, register.closed, as_at)
    keep = reasons.isna().to_numpy()
    kept = details[keep].reset_index(drop=True)
    kept_urns = register.urns[keep].reset_index(drop=True)
    subtype = ["Special" if t == "Special School" else "All-through" if p and s else "Primary" if p else "Secondary"
               for t, p, s in zip(kept[register.type_col], register.primary[keep].tolist(),
                                  register.secondary[keep].tolist())]
    found = [u in latest.index for u in kept_urns]
    rows = _rows(kept, details_path, kept_urns, found, latest, subtype)
    notes += _rating_notes(kept, found, rows, as_at)
    if clash_urns:
        notes.append(f"{len(clash_urns)} school(s) have two different ratings on their latest inspection date "
                     f"(e.g. URN {clash_urns[0]}); the first listed is kept")
    notes += _special_school_notes(kept, register.type_col)
    notes.append(coverage_note(rows["la_published"], None))
    return SourceTable(PROVIDER_TYPE, history_path, reader_frame(rows, []), "dfe",
                       notes=notes, set_aside=int((~keep).sum()))


def _register_and_history(paths: list[Path]) -> tuple[_File, _File]:
    """The school register and the inspection history, told apart by their columns."""
    details = history = None
    for p in paths:
        frame, meta = read_table(Path(p), header_must=("URN",))
        names = {c.lower() for c in frame.columns}
        if {"name", "type", "local authority"} <= names:
            details = frame, Path(p), meta
        elif {"rating", "inspection date"} <= names:
            history = frame, Path(p), meta
    if details is None or history is None:
        raise SourceError(paths[0] if paths else "", None, None,
                          "expected a school register (URN, Name, Type, Local Authority...) and an inspection history "
                          "(URN, Rating, Inspection Date)", "List school_details_2018.csv and ofsted_ratings_2018.csv")
    return details, history


def _latest_ratings(history: pd.DataFrame, path: Path, as_at: dt.date, notes: list[str]) -> tuple[pd.DataFrame, list]:
    """Each school's latest rating on or before `as_at` (indexed by URN: source_row, rating, date), and
    the URNs with two different ratings on that latest date."""
    hcol = partial(find_column, history, path=path)
    # Latest rating on or before the date. Ties (two ratings on one day) keep the first listed.
    h_urn, h_rating, h_date_col = hcol(r"urn"), hcol(r"rating"), hcol(r"inspection date")
    hist = pd.DataFrame({"source_row": history["source_row"], "urn": history[h_urn].map(clean_code),
                         "rating": history[h_rating], "date": parse_dates(history, h_date_col, path)})
    hist = hist[(hist["rating"] != "") & hist["date"].notna()]
    later = int((hist["date"] > as_at).sum())
    hist = hist[hist["date"] <= as_at].sort_values(["urn", "date", "source_row"], ascending=[True, False, True])
    latest = hist.drop_duplicates("urn", keep="first").set_index("urn")
    on_latest = hist.merge(latest[["date"]].reset_index(), on=["urn", "date"])
    clashes = on_latest.groupby("urn")["rating"].nunique()
    notes.append(f"{later:,} history row(s) dated after {as_at:%d %B %Y} ignored")
    return latest, sorted(clashes[clashes > 1].index)


def _register(details: pd.DataFrame, path: Path) -> _Register:
    """The register's URNs (each listed once), dates, status, type and phases."""
    dcol = partial(find_column, details, path=path)
    d_urn = dcol(r"urn")
    urns = details[d_urn].map(clean_code)
    dupes = details[urns.duplicated()]
    if len(dupes):
        raise SourceError(path, int(dupes["source_row"].iloc[0]), d_urn,
                          f"URN {dupes[d_urn].iloc[0]} is listed twice")
    return _Register(urns, parse_dates(details, dcol(r"date opened"), path),
                     parse_dates(details, dcol(r"date closed"), path), details[dcol(r"status")], dcol(r"type"),
                     details[dcol(r"primary")] == "1", details[dcol(r"secondary")] == "1")


def _set_aside_reasons(details: pd.DataFrame, path: Path, register: _Register, as_at: dt.date) -> pd.Series:
    """Why each register row is not a state-funded school open at `as_at`; None for a school kept."""
    opened, closed, status = register.opened, register.closed, register.status
    # GIAS establishment status: 1 open, 2 closed, 3 open but proposed to close, 4 proposed to open.
    # The register was scraped after the date, so a school closed since then is open at it.
    reasons: list[str | None] = []
    for i, (line, t) in enumerate(zip(details["source_row"], details[register.type_col])):
        if t not in _TYPES_2018:
            raise SourceError(path, int(line), register.type_col, f"school type {t!r} is not one this reader knows",
                              f"Known types: {', '.join(k for k in _TYPES_2018 if k)}")
        if (opened[i] and opened[i] > as_at) or (not opened[i] and status.iloc[i] == "4"):
            reasons.append("not yet open")
        elif (closed[i] and closed[i] <= as_at) or (not closed[i] and status.iloc[i] == "2"):
            reasons.append("closed")
        elif not _TYPES_2018[t]:
            reasons.append(f"{(t or 'no type (overseas or service children)').lower()}")
        elif not (register.primary.iloc[i] or register.secondary.iloc[i]):
            reasons.append("post-16 only (inspected under the further education and skills framework)")
        else:
            reasons.append(None)
    return pd.Series(reasons, dtype=object)


def _set_aside_notes(reasons: pd.Series, closed: list[dt.date | None], as_at: dt.date) -> list[str]:
    """How many register rows were set aside for each reason, and the schools the register cannot list."""
    notes = [f"{k:,} register row(s) set aside: {reason}" for reason, k in reasons.value_counts().items()]
    earliest_closed = min((c for c in closed if c), default=None)
    if earliest_closed and as_at < earliest_closed:
        notes.append(f"the register lists no school closed before {earliest_closed:%d %B %Y}: schools open at "
                     f"{as_at:%d %B %Y} that closed before then are missing")
    return notes


def _rows(kept: pd.DataFrame, path: Path, urns: pd.Series, found: list[bool], latest: pd.DataFrame,
          subtype: list[str]) -> dict[str, list]:
    """The reader's columns of each school kept, with its latest rating where it has one."""
    col = partial(find_column, kept, path=path)
    return {
        "source_row": [int(latest.at[u, "source_row"]) if f else int(r)
                       for u, f, r in zip(urns, found, kept["source_row"])],
        "urn": urns.tolist(),
        "provider_name": [v or None for v in kept[col(r"name")]],
        "provider_subtype": subtype,
        "la_published": [code_or_none(v) for v in kept[col(r"local authority")]],
        "inspection_start_date": [latest.at[u, "date"] if f else None for u, f in zip(urns, found)],
        "overall_published": [latest.at[u, "rating"] if f else None for u, f in zip(urns, found)],
    }


def _rating_notes(kept: pd.DataFrame, found: list[bool], rows: dict[str, list], as_at: dt.date) -> list[str]:
    """How many schools are kept and how many have no rating, and ratings on a scale no longer in use."""
    n = len(kept)
    unrated = n - sum(found)
    other_col = find_column(kept, r"other urn", required=False)
    with_other = sum(1 for f, v in zip(found, kept[other_col]) if not f and v) if other_col else 0
    notes = [f"{n:,} state-funded schools open at {as_at:%d %B %Y}; {unrated:,} had no rating on or before "
             f"that date" + (f" ({with_other:,} of them list another URN, typically a predecessor school "
                              "whose rating is not carried over)" if with_other else "")]
    # "Satisfactory" was replaced by "Requires improvement" from September 2012 for state-funded schools.
    late_sat = sum(1 for r, d in zip(rows["overall_published"], rows["inspection_start_date"])
                   if r and r.lower() == "satisfactory" and d >= dt.date(2012, 9, 1))
    if late_sat:
        notes.append(f"{late_sat} school(s) rated 'Satisfactory' by an inspection after August 2012 (a scraping or "
                     "framework anomaly)")
    return notes


def _special_school_notes(kept: pd.DataFrame, type_col: str) -> list[str]:
    """A note on how many kept special schools may be independent ones the scrape cannot tell apart."""
    religion_col = find_column(kept, r"religion", required=False)
    if not religion_col:
        return []
    # State special schools record "Does not apply"; independent special schools usually leave it blank.
    blank = int(((kept[type_col] == "Special School") & kept[religion_col].isin(["", "Unknown"])).sum())
    if not blank:
        return []
    return [f"type 'Special School' does not separate state and independent special schools: "
            f"{blank:,} kept special schools have no religious character recorded, "
            "as independent ones usually do"]
