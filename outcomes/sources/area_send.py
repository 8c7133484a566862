"""Reader for area SEND inspections (2023 framework): the latest inspection of each local area
partnership, scraped from Ofsted/CQC reports by Data to Insight (d2i_send/ofsted_csc_send_overview.xlsx).

Ofsted and the CQC jointly inspect the local area partnership (the LA and the NHS integrated care
board). The 2023 framework gives one of three outcomes, not a grade: 1 positive experiences and
outcomes, 2 inconsistent experiences and outcomes, 3 widespread or systemic failings.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from outcomes.sources.base import READER_COLUMNS, SourceError, SourceTable, clean_code, find_column, parse_dates, read_table
from outcomes.sources.la_childrens_services import UNREADABLE, check_labels, file_id, title_la

PROVIDER_TYPE = "area_send"
SUBTYPE = "Local area partnership"
EXTRA_COLUMNS = ["outcome_text", "report_url"]
_OUTCOMES = {"1", "2", "3"}


def read(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Latest area SEND inspection per LA (one row per inspected local area; uninspected areas are absent)."""
    if not paths:
        raise SourceError("", None, None, "no file given for area SEND inspections", "Check the release catalogue")
    path = Path(paths[0])
    raw, info = read_table(path, ("urn", "la_code", "outcome_grade"))
    notes = [f"Read {path.name} (sheet {info.get('sheet')!r}): {len(raw)} rows."]
    blank = raw.drop(columns=["source_row"]).apply(lambda c: c.astype(str).str.strip() == "").all(axis=1)
    raw = raw[~blank].copy()
    set_aside = int(blank.sum())
    if set_aside:
        notes.append(f"{set_aside} blank rows set aside.")

    c_text = find_column(raw, "inspection_outcome_text", required=False, path=path)
    c_link = find_column(raw, "inspection_link", required=False, path=path)
    urns, las, outcomes, unreadable = _area_codes(raw, path, c_text)
    frame = pd.DataFrame({"source_row": raw["source_row"]})
    frame["urn"] = urns
    frame["la_published"] = las
    frame["provider_name"] = [title_la(v) for v in raw[find_column(raw, "local_authority", path=path)]]
    frame["provider_subtype"] = SUBTYPE
    frame["inspection_id"] = [file_id(v) for v in raw[c_link]] if c_link else None
    frame["report_url"] = [str(v).strip() or None for v in raw[c_link]] if c_link else None
    frame["inspection_type"] = "Area SEND inspection (2023 framework)"
    # Dates in this file are dd/mm/yy.
    frame["inspection_start_date"] = parse_dates(raw, find_column(raw, "inspection_start_date", path=path), path)
    frame["publication_date"] = parse_dates(raw, find_column(raw, "publication_date", path=path), path)
    frame["overall_published"] = outcomes
    frame["outcome_text"] = [str(v).strip() or None for v in raw[c_text]] if c_text else None

    rows = frame.reindex(columns=READER_COLUMNS + EXTRA_COLUMNS).astype(object)
    rows = rows.where(rows.notna(), None)
    rows["source_row"] = rows["source_row"].astype(int)
    check_labels(rows, PROVIDER_TYPE, path, ["overall_published"])
    notes += _outcome_notes(rows, outcomes, unreadable)
    return SourceTable(PROVIDER_TYPE, path, rows.reset_index(drop=True), "dfe", {}, notes, set_aside, False)


def _area_codes(raw: pd.DataFrame, path: Path, c_text: str | None) -> tuple[list, list, list, list]:
    """Each row's LA URN, DfE LA number and outcome, checked, and the outcome texts of the outcomes not found."""
    c_urn = find_column(raw, "urn", path=path)
    c_la = find_column(raw, "la_code", path=path)
    c_grade = find_column(raw, "outcome_grade", path=path)
    urns, las, outcomes = [], [], []
    unreadable = []
    for line, u, la, g, text in zip(raw["source_row"], raw[c_urn], raw[c_la], raw[c_grade],
                                    raw[c_text] if c_text else [""] * len(raw)):
        u, la, g = clean_code(u), clean_code(la), clean_code(g)
        if not u:
            raise SourceError(path, int(line), c_urn, "no LA URN on this row")
        if not la:
            raise SourceError(path, int(line), c_la, "no DfE LA number on this row")
        if g and g not in _OUTCOMES:
            raise SourceError(path, int(line), c_grade, f"outcome {g!r} is not 1, 2 or 3",
                              "The 2023 area SEND framework has three outcomes")
        if not g:
            # The report exists (link, dates, publication) but the scraper found no outcome
            # section ("Inspection outcome section not found"): inspected, outcome not known.
            unreadable.append(str(text or "").strip() or "no outcome text")
            g = UNREADABLE
        urns.append(u)
        las.append(la)
        outcomes.append(g)
    return urns, las, outcomes, unreadable


def _outcome_notes(rows: pd.DataFrame, outcomes: list[str], unreadable: list[str]) -> list[str]:
    """How many areas had each outcome, which outcomes are not known, and what the file leaves out."""
    counts = pd.Series(outcomes).value_counts().to_dict()
    notes = ["Outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) +
             " (1 positive, 2 inconsistent, 3 widespread or systemic failings)."]
    if unreadable:
        notes.append(f"{len(unreadable)} inspected areas have a blank outcome: the scraper did not find the outcome "
                     f"section of the report ({'; '.join(sorted(set(unreadable)))}). Emitted as 'data_unreadable' "
                     "(outcome not known), not as not yet inspected: the report is published.")
    no_start = int(rows["inspection_start_date"].isna().sum())
    if no_start:
        notes.append(f"{no_start} inspections have no start date in the file (the scraper missed it); "
                     "their publication date is known. The build counts inspections by start date: "
                     "it must fall back on publication date for these.")
    notes.append("Only inspected areas are listed: the other LAs have had no area SEND inspection under the "
                 "2023 framework by the file's date. LAs named by DfE number (la_key 'dfe').")
    notes.append("One row per area: the latest inspection only (history=False). Scraped from reports by "
                 "Data to Insight, not an Ofsted table.")
    return notes
