"""Reader for the scraped 2018 school register and inspection history, from which each school's
rating as at any date can be rebuilt (school_details_2018.csv and ofsted_ratings_2018.csv).
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import pandas as pd

from outcomes.sources.base import SourceError, SourceTable, clean_code, find_column, parse_dates, read_table
from outcomes.sources.schools import PROVIDER_TYPE, code_or_none, coverage_note, read_note, reader_frame

# The scrape's Type column. Rows with no Type are service children's and overseas schools
# (LA codes 702, 704), which are not state-funded schools in England.
_TYPES_2018 = {"Maintained School": True, "Academy": True, "Special School": True,
               "Independent School": False, "College": False, "": False}


def read_history_2018(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Each state-funded school open at `as_at` with its latest rating on or before that date.

    `paths` are the scraped school register (school_details_2018.csv) and inspection history
    (ofsted_ratings_2018.csv), in either order; source_row is the line in the history file, or in
    the register for a school with no rating.
    """
    details = history = None
    for p in paths:
        frame, meta = read_table(Path(p), header_must=("URN",))
        names = {c.lower() for c in frame.columns}
        if {"name", "type", "local authority"} <= names:
            details, details_path, details_meta = frame, Path(p), meta
        elif {"rating", "inspection date"} <= names:
            history, history_path, history_meta = frame, Path(p), meta
    if details is None or history is None:
        raise SourceError(paths[0] if paths else "", None, None,
                          "expected a school register (URN, Name, Type, Local Authority...) and an inspection history "
                          "(URN, Rating, Inspection Date)", "List school_details_2018.csv and ofsted_ratings_2018.csv")
    notes = [read_note(details_path, details_meta), read_note(history_path, history_meta)]
    dcol = partial(find_column, details, path=details_path)
    hcol = partial(find_column, history, path=history_path)

    # Latest rating on or before the date. Ties (two ratings on one day) keep the first listed.
    h_urn, h_rating, h_date_col = hcol(r"urn"), hcol(r"rating"), hcol(r"inspection date")
    hist = pd.DataFrame({"source_row": history["source_row"], "urn": history[h_urn].map(clean_code),
                         "rating": history[h_rating], "date": parse_dates(history, h_date_col, history_path)})
    hist = hist[(hist["rating"] != "") & hist["date"].notna()]
    later = int((hist["date"] > as_at).sum())
    hist = hist[hist["date"] <= as_at].sort_values(["urn", "date", "source_row"], ascending=[True, False, True])
    latest = hist.drop_duplicates("urn", keep="first").set_index("urn")
    on_latest = hist.merge(latest[["date"]].reset_index(), on=["urn", "date"])
    clashes = on_latest.groupby("urn")["rating"].nunique()
    clash_urns = sorted(clashes[clashes > 1].index)
    notes.append(f"{later:,} history row(s) dated after {as_at:%d %B %Y} ignored")

    d_urn = dcol(r"urn")
    urns = details[d_urn].map(clean_code)
    dupes = details[urns.duplicated()]
    if len(dupes):
        raise SourceError(details_path, int(dupes["source_row"].iloc[0]), d_urn,
                          f"URN {dupes[d_urn].iloc[0]} is listed twice")
    opened = parse_dates(details, dcol(r"date opened"), details_path)
    closed = parse_dates(details, dcol(r"date closed"), details_path)
    status, type_col = details[dcol(r"status")], dcol(r"type")
    primary, secondary = details[dcol(r"primary")] == "1", details[dcol(r"secondary")] == "1"

    # GIAS establishment status: 1 open, 2 closed, 3 open but proposed to close, 4 proposed to open.
    # The register was scraped after the date, so a school closed since then is open at it.
    reasons: list[str | None] = []
    for i, (line, t) in enumerate(zip(details["source_row"], details[type_col])):
        if t not in _TYPES_2018:
            raise SourceError(details_path, int(line), type_col, f"school type {t!r} is not one this reader knows",
                              f"Known types: {', '.join(k for k in _TYPES_2018 if k)}")
        if (opened[i] and opened[i] > as_at) or (not opened[i] and status.iloc[i] == "4"):
            reasons.append("not yet open")
        elif (closed[i] and closed[i] <= as_at) or (not closed[i] and status.iloc[i] == "2"):
            reasons.append("closed")
        elif not _TYPES_2018[t]:
            reasons.append(f"{(t or 'no type (overseas or service children)').lower()}")
        elif not (primary.iloc[i] or secondary.iloc[i]):
            reasons.append("post-16 only (inspected under the further education and skills framework)")
        else:
            reasons.append(None)
    reasons_s = pd.Series(reasons, dtype=object)
    for reason, k in reasons_s.value_counts().items():
        notes.append(f"{k:,} register row(s) set aside: {reason}")
    earliest_closed = min((c for c in closed if c), default=None)
    if earliest_closed and as_at < earliest_closed:
        notes.append(f"the register lists no school closed before {earliest_closed:%d %B %Y}: schools open at "
                     f"{as_at:%d %B %Y} that closed before then are missing")
    keep = reasons_s.isna().to_numpy()
    kept = details[keep].reset_index(drop=True)
    kept_urns = urns[keep].reset_index(drop=True)
    kept_primary, kept_secondary = primary[keep].tolist(), secondary[keep].tolist()

    subtype = ["Special" if t == "Special School" else "All-through" if p and s else "Primary" if p else "Secondary"
               for t, p, s in zip(kept[type_col], kept_primary, kept_secondary)]
    found = [u in latest.index for u in kept_urns]
    rows = {
        "source_row": [int(latest.at[u, "source_row"]) if f else int(r)
                       for u, f, r in zip(kept_urns, found, kept["source_row"])],
        "urn": kept_urns.tolist(),
        "provider_name": [v or None for v in kept[dcol(r"name")]],
        "provider_subtype": subtype,
        "la_published": [code_or_none(v) for v in kept[dcol(r"local authority")]],
        "inspection_start_date": [latest.at[u, "date"] if f else None for u, f in zip(kept_urns, found)],
        "overall_published": [latest.at[u, "rating"] if f else None for u, f in zip(kept_urns, found)],
    }
    n = len(kept)
    unrated = n - sum(found)
    other_col = find_column(details, r"other urn", required=False)
    with_other = sum(1 for f, v in zip(found, kept[other_col]) if not f and v) if other_col else 0
    notes.append(f"{n:,} state-funded schools open at {as_at:%d %B %Y}; {unrated:,} had no rating on or before "
                 f"that date" + (f" ({with_other:,} of them list another URN, typically a predecessor school "
                                  "whose rating is not carried over)" if with_other else ""))
    # "Satisfactory" was replaced by "Requires improvement" from September 2012 for state-funded schools.
    late_sat = sum(1 for r, d in zip(rows["overall_published"], rows["inspection_start_date"])
                   if r and r.lower() == "satisfactory" and d >= dt.date(2012, 9, 1))
    if late_sat:
        notes.append(f"{late_sat} school(s) rated 'Satisfactory' by an inspection after August 2012 (a scraping or "
                     "framework anomaly)")
    if clash_urns:
        notes.append(f"{len(clash_urns)} school(s) have two different ratings on their latest inspection date "
                     f"(e.g. URN {clash_urns[0]}); the first listed is kept")
    religion_col = find_column(details, r"religion", required=False)
    if religion_col:
        # State special schools record "Does not apply"; independent special schools usually leave it blank.
        blank = int(((kept[type_col] == "Special School") & kept[religion_col].isin(["", "Unknown"])).sum())
        if blank:
            notes.append(f"type 'Special School' does not separate state and independent special schools: "
                         f"{blank:,} kept special schools have no religious character recorded, "
                         "as independent ones usually do")
    notes.append(coverage_note(rows["la_published"], None))
    return SourceTable(PROVIDER_TYPE, history_path, reader_frame(rows, []), "dfe",
                       notes=notes, set_aside=int((~keep).sum()))
