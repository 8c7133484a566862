"""Ofsted's own national counts in the workbook "Children's social care data in England 2022":
latest overall effectiveness as at 31 March 2012-2022 (Tables 8a-8m), providers and places
(Table 6), and the inspections carried out in 2021-22 (provider-level sheet, Tables 9a-9e).

They check what the build computes from the provider-level files (quality.ofsted_aggregates)
and give the flow beside the stock (outcomes/in_year.py).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from outcomes.sources.base import READER_COLUMNS, SourceError, SourceTable, find_column, parse_date, parse_dates, read_sheet_table
from outcomes.sources.csc_workbook import _cell, _stamp
from outcomes.sources.social_care_providers import _subtype

AGGREGATE_SHEETS = ("Latest_OE_31_Mar_Time_Series", "Providers+places_six_monthly")
_HOMES = ("Children's home", "Secure children's home", "Residential special school (registered as a children's home)")
# Each table's provision type (as the provider files name it after the readers' clean-up), or a
# group of them; None = every provider.
PROVISION_GROUPS: dict[str, tuple[str, ...] | None] = {
    "all providers": None, "all": None,
    "all children's homes": _HOMES,
    "children's homes": ("Children's home",),
    "residential special schools (registered as a children's home)": (_HOMES[2],),
    "residential special school (registered as a children's home)": (_HOMES[2],),
    "secure children's homes": (_HOMES[1],),
    "independent fostering agencies": ("Independent fostering agency",),
    "voluntary adoption agencies": ("Voluntary adoption agency",),
    "voluntary adoption agency branches": ("Voluntary adoption agency",),
    "residential special schools": ("Residential special school",),
    "boarding schools": ("Boarding school",),
    "residential family centre": ("Residential family centre",),
    "residential family centres": ("Residential family centre",),
    "adoption support agencies": ("Adoption support agency",),
    "further education colleges with residential accommodation": ("Further education college with residential accommodation",),
    "residential holiday schemes for disabled children": ("Residential holiday scheme for disabled children",),
    "secure training centres": ("Secure training centre",),
    # Tables 9a-9e (in-year) name them in the singular.
    "all children's home": _HOMES, "children's home": ("Children's home",),
    "secure children's home": (_HOMES[1],), "residential special school": ("Residential special school",),
}
_GRADE_HEADERS = {"outstanding": "outstanding", "good": "good", "requires improvement to be good": "requires_improvement",
                  "inadequate": "inadequate"}


def _as_date(v: object) -> dt.date | None:
    """A period cell: a date, or text such as 'Tuesday, March 31, 2015 [Note 3]'."""
    s = re.sub(r"\s*\[note \d+\]", "", str(v or ""), flags=re.I).strip()
    for fmt in ("%A, %B %d, %Y",):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    try:
        return parse_date(s)
    except ValueError:
        return None


@lru_cache(maxsize=4)
def _aggregates(path: Path, stamp: tuple[float, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    book = pd.read_excel(path, sheet_name=list(AGGREGATE_SHEETS), header=None, dtype=str)
    latest = []
    table = provision = None
    for i, r in enumerate(book[AGGREGATE_SHEETS[0]].fillna("").itertuples(index=False)):
        first = str(r[0]).strip()
        m = re.match(r"table (8\w): latest overall effectiveness judgement for (.+?), as at", first, re.I)
        if m:
            table, provision, headers = m.group(1), m.group(2).strip().lower(), None
            continue
        if first.lower() == "period as at":
            headers = [str(c).strip().lower() for c in r]
            continue
        day = _as_date(first)
        if table and day and headers:
            counts = {_GRADE_HEADERS[h]: int(float(c)) for h, c in zip(headers, r) if h in _GRADE_HEADERS and str(c).strip()}
            latest.append({"table": f"Table {table}", "provision": provision, "as_at": day, "row": i + 1, **counts})
    six = []
    headers = None
    for i, r in enumerate(book[AGGREGATE_SHEETS[1]].fillna("").itertuples(index=False)):
        cells = [str(c).strip() for c in r]
        if cells[0].lower() == "date":
            headers = [c.lower() for c in cells]
            continue
        day = _as_date(cells[0])
        if headers and day and len(cells) > 1 and cells[1].lower() in ("providers", "places"):
            for h, c in zip(headers[2:], cells[2:]):
                if h and re.fullmatch(r"\d+(\.0)?", c):
                    six.append({"table": "Table 6", "provision": h, "as_at": day, "measure": cells[1].lower(),
                                "value": int(float(c)), "row": i + 1})
    return pd.DataFrame(latest), pd.DataFrame(six)


def read_aggregates(paths: list[Path], as_at: dt.date) -> dict[str, pd.DataFrame]:
    """Ofsted's published national counts as at `as_at`: latest overall effectiveness by provision
    type (Tables 8a-8m) and providers and places (Table 6), from the 2022 workbook."""
    path = Path(paths[0])
    latest, six = _aggregates(path, _stamp(path))
    for name, frame in (("latest_oe", latest), ("six_monthly", six)):
        if frame.empty:
            raise SourceError(path, None, None, f"no {name} table found in sheets {', '.join(AGGREGATE_SHEETS)}",
                              "Check this is Ofsted's 'Children's social care data in England 2022' workbook")
    return {"latest_oe": latest[latest["as_at"] == as_at], "six_monthly": six[six["as_at"] == as_at]}


# --- the year's inspections of social care providers (the flow) -------------------------------

IN_YEAR_SHEET = "Provider_level_in_year_2021-22"
IN_YEAR_SERIES_SHEET = "In_Year_Time_series"


def read_provider_in_year(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Ofsted's provider-level table of the inspections carried out in the year to 31 March 2022
    and published by 30 April 2022: the full inspections, with their overall judgement.

    Interim inspections (sustained, improved or declined effectiveness: a scale of their own) and
    monitoring and emergency inspections give no overall grade and are set aside, as in Ofsted's
    own in-year counts (In_Year_Time_series)."""
    path = Path(paths[0])
    raw, info = read_sheet_table(path, ("URN", "Provision type", "Inspection event type"), sheet=IN_YEAR_SHEET)
    col = lambda p: find_column(raw, p, path=path)
    kind = raw[col(r"inspection event type")].str.strip()
    notes = [f"read {path.name}, sheet {info['sheet']} (header on row {info['header_row']}): {len(raw)} inspections; "
             + ", ".join(f"{k} {n}" for k, n in kind.value_counts().items())]
    full = raw[kind.str.lower() == "full inspection"].reset_index(drop=True)
    notes.append(f"{len(full)} full inspections kept; the {len(raw) - len(full)} others give no overall grade")
    rows = pd.DataFrame({
        "source_row": full["source_row"].astype(int), "urn": [str(v).strip() for v in full[col(r"urn")]],
        "provider_name": full[col(r"name")], "provider_subtype": [_subtype(v) for v in full[col(r"provision type")]],
        "la_published": full[col(r"local authority")], "inspection_id": full[col(r"inspection event number")],
        "inspection_type": full[col(r"inspection event type")],
        "inspection_start_date": parse_dates(full, col(r"inspection date"), path),
        "publication_date": parse_dates(full, col(r"inspection publication date"), path),
        "overall_published": [_cell(v) for v in full[col(r"inspection overall experiences and progress of children and young people")]],
    }).reindex(columns=READER_COLUMNS).astype(object)
    rows = rows.where(rows.notna(), None)
    rows["source_row"] = rows["source_row"].astype(int)
    return SourceTable("social_care_provider", path, rows, "name", notes=notes, set_aside=len(raw) - len(full))


@lru_cache(maxsize=4)
def _in_year_series(path: Path, stamp: tuple[float, int]) -> pd.DataFrame:
    """Tables 9a-9e: overall effectiveness of the inspections carried out in each year."""
    raw = pd.read_excel(path, sheet_name=IN_YEAR_SERIES_SHEET, header=None, dtype=str).fillna("")
    out, table, headers = [], None, None
    for i, r in enumerate(raw.itertuples(index=False)):
        first = str(r[0]).strip()
        m = re.match(r"table (9\w): overall effectiveness judgement of (.+?) inspections between", first, re.I)
        if m:
            table, provision, headers = m.group(1), m.group(2).strip().lower(), None
            continue
        if first.lower() == "period":
            headers = [str(c).strip().lower() for c in r]
            continue
        if table and headers and re.fullmatch(r"\d{4}-\d{2}", first):
            counts = {_GRADE_HEADERS[h]: int(float(c)) for h, c in zip(headers, r) if h in _GRADE_HEADERS and str(c).strip()}
            out.append({"table": f"Table {table}", "provision": provision, "period": first, "row": i + 1, **counts})
    return pd.DataFrame(out)


def in_year_series(path: Path, as_at: dt.date) -> pd.DataFrame:
    """Ofsted's published in-year counts for the year ending `as_at` (e.g. '2021-22')."""
    period = f"{as_at.year - 1}-{str(as_at.year)[2:]}"
    frame = _in_year_series(Path(path), _stamp(Path(path)))
    return frame[frame["period"] == period] if len(frame) else frame
