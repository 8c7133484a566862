"""Reader for Ofsted's monthly management information on state-funded schools ("Management
information - state-funded schools - latest inspections as at ..."), the file that carries report
cards from 10 November 2025.

One row per open school holds up to three eras of inspection at once, and each is kept as itself:
- a report card (`Inspection start date`, `Publication date`, one column per evaluation area,
  `Safeguarding standards`): the school's latest inspection, with no overall grade;
- its latest graded inspection under the education inspection framework (`... of latest OEIF
  graded inspection`, `Latest OEIF ...`): with an overall effectiveness grade before September
  2024, none from then ("Not judged"), and its key judgements either way;
- its latest ungraded inspection (`Date of latest ungraded inspection`, `Ungraded inspection
  overall outcome`), on its own scale.

The provider row is the school's latest full inspection: its report card where it has one (then the
graded inspection is kept as the one before: `previous_*`), else its latest graded inspection. The
report card's areas are judgements of their own (`rc_...`, outcomes.domain.report_cards) beside the
graded inspection's key judgements, never pooled with them. The file gives no publication date for
graded or ungraded inspections, so no flow of the year's inspections is made from it.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import partial
from pathlib import Path

import pandas as pd

from outcomes.domain import report_cards
from outcomes.sources import card_columns, schools
from outcomes.sources.base import JUDGEMENT_PREFIX, SourceTable, clean_code, find_column, parse_dates, read_table
from outcomes.sources.schools import FindColumn, code_or_none, column_values

# The graded inspection's columns: "Latest OEIF <judgement>" (OEIF: Ofsted's education inspection framework).
_OEIF = r"latest oeif "
_OEIF_JUDGEMENTS: dict[str, str] = {
    "quality_of_education": _OEIF + r"quality of education",
    "behaviour_and_attitudes": _OEIF + r"behaviour and attitudes",
    "personal_development": _OEIF + r"personal development",
    "leadership_and_management": _OEIF + r"effectiveness of leadership and management",
    "safeguarding": _OEIF + r"safeguarding is effective\??",
    "early_years": _OEIF + r"early years provision( \(where applicable\))?",
    "sixth_form": _OEIF + r"sixth form provision( \(where applicable\))?",
}
# The header names that mark the file (an intake recognises it by them).
HEADER_MUST = ("URN", "Latest OEIF overall effectiveness")
_DATES = {"card_start": r"inspection start date", "card_published": r"publication date",
          "oeif_start": r"inspection start date of latest oeif graded inspection",
          "ungraded": r"date of latest ungraded inspection"}


def read_mi(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Ofsted's monthly management information for state-funded schools (CSV, Windows-1252)."""
    path = schools.one_file(paths, "state-funded schools monthly management information")
    frame, meta = read_table(path, header_must=HEADER_MUST)
    notes = [schools.read_note(path, meta)]
    col = partial(find_column, frame, path=path)
    frame, urns, set_aside = schools.schools_only(frame, path, col(r"urn"))
    dates = {k: col(p, required=False) for k, p in _DATES.items()}
    frame = card_columns.without_markers(frame, list(dates.values()))
    la_key, la = schools.la_of_each_school(frame, path, col, notes)
    when = {k: parse_dates(frame, c, path) for k, c in dates.items()}
    areas = card_columns.area_columns(frame, path, {j: col(re.escape(label.lower()), required=False)
                                                    for j, label in report_cards.SCHOOL_AREAS.items()},
                                      col(r"safeguarding standards( met\??)?", required=False))
    cards = card_columns.card_rows(path, frame["source_row"].tolist(), when["card_start"], areas, dates["card_start"] or "")
    notes.append(card_columns.card_note(cards, areas, "schools"))
    oeif = _graded(frame, path, col, notes)
    rows = {"source_row": frame["source_row"].tolist(), "urn": urns.tolist(),
            "provider_name": column_values(frame, col(r"school name")),
            "provider_subtype": column_values(frame, col(r"ofsted phase")), "la_published": la,
            **card_columns.latest_rows(cards, {
                "inspection_id": column_values(frame, col(r"inspection number", required=False), code_or_none),
                "inspection_type": column_values(frame, col(r"inspection type", required=False)),
                "start": when["card_start"], "published": when["card_published"]},
                {"inspection_id": oeif["number"], "start": when["oeif_start"], "codes": oeif["codes"],
                 "overall": oeif["published"]})}
    rows.update({k: [v if has else None for v, has in zip(values, cards)] for k, values in areas.items()})
    rows.update(oeif["judgements"])
    rows.update(_ungraded(frame, col, when["ungraded"], notes))
    notes.append(schools.coverage_note(la, frame[region].tolist() if (region := col(r"region", required=False)) else None))
    notes += _caveats(frame, col, urns, cards, as_at, when["card_start"], set_aside)
    out = schools.reader_frame(rows, list(oeif["judgements_found"]) + [k[len(JUDGEMENT_PREFIX):] for k in areas])
    for c in EXTRA_COLUMNS:
        out[c] = pd.Series(rows[c], dtype=object)
    wording = {j: schools.JUDGEMENTS[j] for j in oeif["judgements_found"]} | \
        {j: report_cards.SCHOOL_AREAS.get(j, report_cards.SAFEGUARDING_LABEL) for j in (k[len(JUDGEMENT_PREFIX):] for k in areas)}
    return SourceTable(schools.PROVIDER_TYPE, path, out, la_key, judgements=wording, notes=notes, set_aside=set_aside)


# Columns the reader adds after READER_COLUMNS: the graded inspection before a report card, and the
# latest ungraded inspection (no publication date: the file gives none).
EXTRA_COLUMNS = card_columns.PREVIOUS_COLUMNS + ["ungraded_inspection_date", "ungraded_outcome_published"]


def _graded(frame: pd.DataFrame, path: Path, col: FindColumn, notes: list[str]) -> dict:
    """The latest graded (OEIF) inspection: overall codes as published ('Not judged' kept, to be read
    as no overall grade), number, and its key judgements' codes."""
    overall_col = col(_OEIF + r"overall effectiveness")
    published = column_values(frame, overall_col, code_or_none)
    codes, no_grade = schools.overall_codes({"source_row": frame["source_row"].tolist(), "overall_published": published},
                                            path, overall_col)
    if no_grade:
        notes.append(f"{no_grade:,} graded inspection(s) marked 'Not judged' or not applicable for overall effectiveness: "
                     "no overall grade (graded inspections from September 2024 give none; their key judgements are kept)")
    found = {j: col(p, required=False) for j, p in _OEIF_JUDGEMENTS.items()}
    judgements = {JUDGEMENT_PREFIX + j: schools.sub_judgement_codes(frame["source_row"].tolist(), frame, c, notes)
                  for j, c in found.items() if c}
    number = col(r"inspection number of latest oeif graded inspection", required=False)
    return {"published": published, "codes": codes, "judgements": judgements,
            "judgements_found": [j for j, c in found.items() if c], "number": column_values(frame, number, code_or_none)}


def _ungraded(frame: pd.DataFrame, col: FindColumn, dates: list, notes: list[str]) -> dict[str, list]:
    """The latest ungraded inspection's date and outcome as published (its own scale)."""
    outcome = [card_columns.text_or_none(v) for v in frame[c]] if (c := col(r"ungraded inspection overall outcome",
                                                                            required=False)) else [None] * len(frame)
    n = sum(v is not None for v in outcome)
    notes.append(f"{n:,} schools have an ungraded inspection (date and outcome kept; outcomes are on their own scale, "
                 "see frameworks.UNGRADED_OUTCOMES)")
    return {"ungraded_inspection_date": dates, "ungraded_outcome_published": outcome}


def _caveats(frame: pd.DataFrame, col: FindColumn, urns: pd.Series, cards: list[bool], as_at: dt.date,
             card_start: list, set_aside: int) -> list[str]:
    """Notes on rows to read with care: graded inspections of a predecessor school, inspection dates
    without a report card, report cards after the date, rows set aside, repeated URNs."""
    notes = []
    then = col(r"urn at time of latest oeif graded inspection", required=False)
    if then:
        # A new school (an academy converter) holds its predecessor's graded inspection until its own.
        inherited = sum(1 for u, t in zip(urns, frame[then]) if clean_code(t) and clean_code(t) != u)
        if inherited:
            notes.append(f"{inherited:,} schools' latest graded inspection was of a predecessor school (its URN at the time)")
    undated = sum(1 for d, has in zip(card_start, cards) if d is not None and not has)
    if undated:
        notes.append(f"{undated:,} row(s) give an inspection start date but no report card grades: read as no report card")
    notes += card_columns.late_note(cards, card_start, as_at)
    return notes + schools.file_notes(urns, set_aside)
