"""Reader for Ofsted's quarterly early years management information: "childcare provider data as at
<date>" (Childcare providers and inspections: management information), one row per registered
childcare provider with its most recent inspections.

The release counts providers on the Early Years Register (the register Ofsted grades), by Ofsted's
provider type: childminders, childcare on non-domestic premises (nurseries, pre-schools) and childcare
on domestic premises. Providers on the Childcare Register only are checked against requirements, never
graded, and are set aside with a note, as are providers no longer active.

Like the schools file, a row holds a report card (`EYR REIF: Most recent: ...`, inspections from 10
November 2025: six evaluation areas and safeguarding standards, no overall grade) beside the latest
graded inspection (`EYR OEIF...`, an overall effectiveness grade 1-4): the provider row is the report
card where there is one, the graded inspection kept as the one before.

Childminders and childcare on domestic premises are counted but never named or located: their names
are REDACTED here whatever the file holds (Ofsted redacts them; a few consented to publication), and
no address, postcode or constituency is read from any row.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import partial
from pathlib import Path

import pandas as pd

from outcomes.domain import report_cards
from outcomes.domain.fields import TYPES
from outcomes.sources import card_columns
from outcomes.sources.base import (
    JUDGEMENT_PREFIX,
    SourceError,
    SourceTable,
    clean_code,
    find_column,
    parse_dates,
    read_table,
)
# Ofsted codes early years grades as it codes schools' (1 outstanding to 4 inadequate): the same helpers read them.
from outcomes.sources.schools import (
    JUDGEMENTS,
    FindColumn,
    code_or_none,
    column_values,
    coverage_note,
    one_file,
    overall_codes,
    read_note,
    reader_frame,
    sub_judgement_codes,
)

PROVIDER_TYPE = "early_years"
HEADER_MUST = ("Provider URN", "Provider type")  # the header names that mark the file (an intake recognises it by them)
REDACTED = "REDACTED"
_REIF = r"eyr reif: most recent: "
_OEIF = r"eyr oeif(/cif)?: most recent: "
_OEIF_JUDGEMENTS = {"quality_of_education": _OEIF + "quality of education",
                    "behaviour_and_attitudes": _OEIF + "behaviour and attitudes",
                    "personal_development": _OEIF + "personal development",
                    "leadership_and_management": _OEIF + "effectiveness of leadership and management",
                    "safeguarding": _OEIF + r"safeguarding is effective\??"}
_NOT_RECORDED = {"not recorded", "unknown", ""}


def read(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Ofsted's early years management information (CSV with title lines above the header)."""
    path = one_file(paths, "early years management information")
    frame, meta = read_table(path, header_must=HEADER_MUST)
    notes = [read_note(path, meta)]
    col = partial(find_column, frame, path=path)
    frame, set_aside = _registered(frame, path, col, notes)
    dates = {"card": col(_REIF + "inspection date", required=False),
             "card_published": col(_REIF + "publication date", required=False),
             "graded": col(r"eyr oeif: most recent: full inspection date", required=False)}
    frame = card_columns.without_markers(frame, list(dates.values()))
    when = {k: parse_dates(frame, c, path) for k, c in dates.items()}
    areas = card_columns.area_columns(frame, path, {j: col(_REIF + re.escape(label.lower()), required=False)
                                                    for j, label in report_cards.EARLY_YEARS_AREAS.items()},
                                      col(_REIF + r"safeguarding standards( met\??)?", required=False))
    cards = card_columns.card_rows(path, frame["source_row"].tolist(), when["card"], areas, dates["card"] or "")
    notes.append(card_columns.card_note(cards, areas, "providers"))
    graded = _graded(frame, path, col, notes)
    subtype = column_values(frame, col(r"provider type"))
    rows = {"source_row": frame["source_row"].tolist(), "urn": [clean_code(u) for u in frame[col(r"provider urn")]],
            "provider_name": _names(column_values(frame, col(r"provider name")), subtype, notes),
            "provider_subtype": subtype, "la_published": column_values(frame, col(r"local authority")),
            "places": [_places(path, line, v) for line, v in zip(frame["source_row"], frame[col(r"places")])],
            **card_columns.latest_rows(cards, {
                "inspection_id": column_values(frame, col(_REIF + "inspection number", required=False), code_or_none),
                "inspection_type": column_values(frame, col(_REIF + "inspection visit type", required=False)),
                "start": when["card"], "published": when["card_published"]},
                {"inspection_id": graded["number"], "start": when["graded"], "codes": graded["codes"],
                 "overall": graded["published"]})}
    rows.update({k: [v if has else None for v, has in zip(values, cards)] for k, values in areas.items()})
    rows.update(graded["judgements"])
    region = col(r"region", required=False)
    notes.append(coverage_note(rows["la_published"], frame[region].tolist() if region else None))
    notes += card_columns.late_note(cards, when["card"], as_at)
    ids = graded["found"] + [k[len(JUDGEMENT_PREFIX):] for k in areas]
    out = reader_frame(rows, ids)
    for c in card_columns.PREVIOUS_COLUMNS:
        out[c] = pd.Series(rows[c], dtype=object)
    wording = {j: JUDGEMENTS[j] for j in graded["found"]} | \
        {j: report_cards.EARLY_YEARS_AREAS.get(j, report_cards.SAFEGUARDING_LABEL + " met?") for j in ids if j.startswith("rc_")}
    return SourceTable(PROVIDER_TYPE, path, out, "name", judgements=wording, notes=notes, set_aside=set_aside)


def _registered(frame: pd.DataFrame, path: Path, col: FindColumn, notes: list[str]) -> tuple[pd.DataFrame, int]:
    """The active providers on the Early Years Register with a local authority recorded, and how
    many rows were set aside (footnotes, other registers, inactive, no LA recorded)."""
    urns = frame[col(r"provider urn")].map(clean_code)
    bad = frame[(urns != "") & ~urns.str.fullmatch(r"[A-Za-z]{0,3}\d+")]
    if len(bad):
        raise SourceError(path, int(bad["source_row"].iloc[0]), col(r"provider urn"),
                          f"URN {bad[col(r'provider urn')].iloc[0]!r} is not an Ofsted URN", "URNs are digits, some after 'EY'")
    keep = urns != ""
    reasons = []
    for label, pattern, ok in (("on the Childcare Register only (checked against requirements, never graded)",
                                r"provider early years register flag", lambda v: v.upper() == "Y"),
                               ("not active", r"provider status", lambda v: v.lower() == "active"),
                               ("with no local authority recorded", r"local authority", lambda v: v.lower() not in _NOT_RECORDED)):
        c = col(pattern, required=False)
        if c is None:
            continue
        passes = frame[c].map(ok) | ~keep
        if (~passes).sum():
            reasons.append(f"{int((~passes).sum()):,} {label}")
        keep &= passes
    if reasons:
        notes.append("set aside: " + "; ".join(reasons))
    set_aside = int((~keep).sum())
    return frame[keep].reset_index(drop=True), set_aside


def _graded(frame: pd.DataFrame, path: Path, col: FindColumn, notes: list[str]) -> dict:
    """The latest graded inspection (EIF or earlier): its overall effectiveness code, as read and as
    published, its number, and its key judgements' codes."""
    overall_col = col(_OEIF + "overall effectiveness", required=False)
    # The early years file also writes "-" for no grade: every marker is read as none.
    published = column_values(card_columns.without_markers(frame, [overall_col]), overall_col, code_or_none)
    codes, no_grade = overall_codes({"source_row": frame["source_row"].tolist(), "overall_published": published},
                                    path, overall_col)
    if no_grade:
        notes.append(f"{no_grade:,} overall effectiveness value(s) marked not applicable read as no grade")
    found = {j: col(p, required=False) for j, p in _OEIF_JUDGEMENTS.items()}
    judgements = {JUDGEMENT_PREFIX + j: sub_judgement_codes(frame["source_row"].tolist(), frame, c, notes)
                  for j, c in found.items() if c}
    number = column_values(frame, col(r"eyr oeif: most recent: full inspection number", required=False), code_or_none)
    return {"published": published, "codes": codes, "judgements": judgements, "number": number,
            "found": [j for j, c in found.items() if c]}


def _names(names: list, subtypes: list, notes: list[str]) -> list:
    """Names as published, except those of providers Ofsted never names (childminders, childcare on
    domestic premises), which stay REDACTED even where the file gives one."""
    unnamed = set(TYPES[PROVIDER_TYPE].unnamed_subtypes)
    withheld = sum(1 for n, s in zip(names, subtypes) if s in unnamed and n not in (None, REDACTED))
    if withheld:
        notes.append(f"{withheld:,} name(s) of childminders or childcare on domestic premises in the file withheld "
                     "here (REDACTED): they are counted, never named or located")
    return [REDACTED if s in unnamed else n for n, s in zip(names, subtypes)]


def _places(path: Path, line: int, value: object) -> int | None:
    s = clean_code(value)
    if s.lower() in ("", "null", "-"):  # not "9": nine places is a count
        return None
    if not s.isdigit():
        raise SourceError(path, int(line), "Places", f"places {value!r} is not a whole number", "Places are a count")
    return int(s)
