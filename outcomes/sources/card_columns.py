"""Report card columns, as both of Ofsted's 2026 files give them: one column per evaluation area
(five-point labels) and one for safeguarding (met / not met), beside the older frameworks' columns.

The two readers (schools_mi, early_years) find the columns by their own names; this module checks
each label against the report card scale, so that a label of another scale ("Good") can never be
read as an area's grade, and says how many report cards the file holds.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from outcomes.domain import report_cards
from outcomes.sources.base import JUDGEMENT_PREFIX, SourceError

# How Ofsted's management information writes "no value" (FORMATS-2026: empty, NULL, Not applicable
# or 9); the early years file also writes a dash.
MISSING = {"", "null", "not applicable", "9", "n/a", "na", "-", "not judged"}
_SAFEGUARDING = {"met": "Met", "not met": "Not met", "yes": "Met", "no": "Not met"}


def text_or_none(value: object) -> str | None:
    """A cell with Ofsted's missing-value markers read as None, else the text as published."""
    s = "" if value is None else str(value).strip()
    return None if s.lower() in MISSING else s


def without_markers(frame: pd.DataFrame, columns: list[str | None]) -> pd.DataFrame:
    """The frame with the missing-value markers of these columns blanked (before dates are parsed:
    "NULL" or "Not applicable" where a date goes means no date)."""
    out = frame.copy()
    for c in columns:
        if c:
            out[c] = [text_or_none(v) or "" for v in out[c]]
    return out


def _checked(path: Path, line: int, column: str, value: object, allowed: dict[str, str]) -> str | None:
    s = text_or_none(value)
    if s is None:
        return None
    if s.lower() not in allowed:
        raise SourceError(path, line, column, f"{s!r} is not a report card label",
                          f"A report card uses {', '.join(dict.fromkeys(allowed.values()))}: check the column holds "
                          "report card grades, not another framework's")
    return s


def area_columns(frame: pd.DataFrame, path: Path, columns: dict[str, str | None],
                 safeguarding_column: str | None) -> dict[str, list]:
    """The reader's 'j_rc_...' lists: each area's label as published (checked), and safeguarding."""
    scale = {word: report_cards.LABELS[grade] for word, grade in report_cards.WORDS.items()}
    out = {}
    for judgement, column in columns.items():
        if column:
            out[JUDGEMENT_PREFIX + judgement] = [_checked(path, int(line), column, v, scale)
                                                 for line, v in zip(frame["source_row"], frame[column])]
    if safeguarding_column:
        out[JUDGEMENT_PREFIX + report_cards.SAFEGUARDING] = [
            _checked(path, int(line), safeguarding_column, v, _SAFEGUARDING)
            for line, v in zip(frame["source_row"], frame[safeguarding_column])]
    return out


def card_rows(path: Path, lines: list[int], dates: list[dt.date | None], areas: dict[str, list],
              date_column: str) -> list[bool]:
    """Which rows hold a report card: an inspection from 10 November 2025 with at least one report
    card value. A report card value on an earlier inspection is an error (the scale did not exist)."""
    graded = [any(v[i] is not None for v in areas.values()) for i in range(len(lines))]
    for line, day, has in zip(lines, dates, graded):
        if has and (day is None or day < report_cards.START):
            raise SourceError(path, int(line), date_column,
                              f"report card grades on an inspection {'without a date' if day is None else f'of {day}'}, "
                              f"before report cards began on {report_cards.START:%d %B %Y}",
                              "Check the dates and the report card columns are Ofsted's, not shifted")
    return [has and day is not None for has, day in zip(graded, dates)]


def card_note(cards: list[bool], areas: dict[str, list], what: str) -> str:
    """How many report cards the file holds, and how many met safeguarding standards."""
    n = sum(cards)
    safe = areas.get(JUDGEMENT_PREFIX + report_cards.SAFEGUARDING, [])
    met = sum(1 for has, v in zip(cards, safe) if has and _SAFEGUARDING.get(str(v).lower()) == "Met")
    text = (f"{n:,} {what} have a report card (inspections from {report_cards.START:%d %B %Y}: each evaluation area on "
            "its five-point scale, kept as its own judgement, no overall grade)")
    return text + (f"; {met:,} met safeguarding standards" if safe else "")


def latest_rows(cards: list[bool], card: dict[str, list], graded: dict[str, list]) -> dict[str, list]:
    """The provider row's inspection: the report card where there is one, else the latest graded
    inspection; with a report card, the graded inspection is kept as the one before (`previous_*`).
    card and graded: inspection_id, inspection_type, start, published (and graded: codes, the overall
    grade codes read, and overall, as published)."""
    nothing = [None] * len(cards)

    def pick(a: list | None, b: list | None) -> list:
        return [x if has else y for has, x, y in zip(cards, a or nothing, b or nothing)]

    return {
        "inspection_id": pick(card.get("inspection_id"), graded.get("inspection_id")),
        "inspection_type": pick(card.get("inspection_type"), graded.get("inspection_type")),
        "inspection_start_date": pick(card["start"], graded["start"]),
        "publication_date": pick(card.get("published"), graded.get("published")),
        "overall_published": pick(nothing, graded["codes"]),
        "previous_inspection_start_date": pick(graded["start"], nothing),
        "previous_publication_date": pick(graded.get("published"), nothing),
        "previous_overall_grade_published": pick(graded["overall"], nothing),
    }


# The previous graded inspection kept beside a report card (the readers add these after READER_COLUMNS).
PREVIOUS_COLUMNS = ["previous_inspection_start_date", "previous_publication_date", "previous_overall_grade_published"]


def late_note(cards: list[bool], starts: list, as_at: dt.date) -> list[str]:
    """A note on report card inspections that start after the release date, if any."""
    late = sum(1 for d, has in zip(starts, cards) if has and d > as_at)
    return [f"{late} report card inspection(s) start after the release date {as_at:%d %B %Y}"] if late else []
