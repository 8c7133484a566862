"""Readers for LA children's services (ILACS) judgements: the scraped history and overview of
every LA (Data to Insight) and Ofsted's own 2023 LA-level table, kept as a cross-check.

Ofsted inspects each local authority's children's services under ILACS (from January 2018),
before that under the single inspection framework (SIF, November 2013 to December 2017).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from outcomes.domain.frameworks import UnknownGrade, grade_of
from outcomes.sources.base import (
    JUDGEMENT_PREFIX, READER_COLUMNS, SourceError, SourceTable, clean_code, find_column,
    parse_dates, read_table,
)

PROVIDER_TYPE = "la_childrens_services"
SUBTYPE = "Local authority"

# Ofsted's wording of the ILACS sub-judgements. The January 2023 update of ILACS split
# "children in care and care leavers" into two judgements; before it, care leavers were judged
# within the children in care judgement.
JUDGEMENTS = {
    "impact_of_leaders": "The impact of leaders on social work practice with children and families",
    "help_and_protection": "The experiences and progress of children who need help and protection",
    "in_care": "The experiences and progress of children in care (before 2023: children in care and care leavers)",
    "care_leavers": "The experiences and progress of care leavers (from January 2023)",
}
EXTRA_COLUMNS = ["report_url"]

# Reports that are not graded inspections: focused visits, monitoring visits, joint targeted
# area inspections (JTAI) and assurance visits give findings but no judgements.
_NOT_JUDGEMENT_EVENT = re.compile(
    r"focused visit|monitoring visit|monitoring|joint targeted|\bjtai\b|assurance visit|annual conversation", re.I)

# Labels the PDF scraper produced that are not Ofsted grades. "to requires improvement" is a
# fragment of "Requires improvement to be good" wrapped over two lines in the report's grade
# table (2019 reports of Nottingham and Southend-on-Sea); which judgement it belongs to is not
# certain, so it is "not known" rather than guessed.
_SCRAPE_ARTEFACTS = {"to requires improvement": "data_unreadable"}
UNREADABLE = "data_unreadable"

_SMALL_WORDS = {"and", "of", "upon", "on", "with", "the", "in", "under", "by", "at"}


def title_la(name: object) -> str | None:
    """'kingston upon hull' -> 'Kingston upon Hull', 'stockton-on-tees' -> 'Stockton-on-Tees'.

    The scraped files write LA names in lower case; joining words keep lower case as in the names
    Ofsted and ONS publish.
    """
    s = re.sub(r"\s+", " ", str(name or "")).strip()
    if not s:
        return None

    def word(w: str, first: bool) -> str:
        parts = w.split("-")
        out = []
        for i, p in enumerate(parts):
            low = p.lower()
            if (i > 0 or not first) and low in _SMALL_WORDS:
                out.append(low)
            elif low in ("st", "st."):
                out.append("St")
            else:
                out.append(low[:1].upper() + low[1:])
        return "-".join(out)

    return " ".join(word(w, i == 0) for i, w in enumerate(s.split(" ")))


def file_id(link: object) -> str | None:
    """The Ofsted file id at the end of a report link (https://files.ofsted.gov.uk/v1/file/50276411)."""
    s = str(link or "").strip()
    if not s:
        return None
    m = re.search(r"/file/(\d+)\s*$", s)
    return m.group(1) if m else s


def check_labels(rows: pd.DataFrame, provider_type: str, path: Path, columns: list[str]) -> None:
    """Every emitted label must be one grade_of knows; a new label stops the build at its cell."""
    for col in columns:
        for line, v in zip(rows["source_row"], rows[col]):
            if v is None:
                continue
            try:
                grade_of(provider_type, v)
            except UnknownGrade as e:
                raise SourceError(path, int(line), col, str(e),
                                  "Add the label to outcomes.frameworks or correct the file") from None


def _text(v: object) -> str | None:
    s = "" if v is None else str(v).strip()
    return s or None


def _grade_label(v: object) -> str | None:
    s = _text(v)
    if s is None:
        return None
    return _SCRAPE_ARTEFACTS.get(s.lower(), s)


def _one_path(paths: list[Path], what: str) -> Path:
    if not paths:
        raise SourceError("", None, None, f"no file given for {what}", "Check the release catalogue lists the file")
    return Path(paths[0])


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    cells = frame.drop(columns=["source_row"])
    return cells.apply(lambda c: c.astype(str).str.strip() == "").all(axis=1)


def _finish(frame: pd.DataFrame, path: Path, la_key: str, notes: list[str], set_aside: int,
            history: bool, extra: list[str]) -> SourceTable:
    cols = READER_COLUMNS + [JUDGEMENT_PREFIX + j for j in JUDGEMENTS] + extra
    rows = frame.reindex(columns=cols).astype(object)
    rows = rows.where(rows.notna(), None)
    rows["source_row"] = rows["source_row"].astype(int)
    check_labels(rows, PROVIDER_TYPE, path, ["overall_published"] + [JUDGEMENT_PREFIX + j for j in JUDGEMENTS])
    return SourceTable(PROVIDER_TYPE, path, rows.reset_index(drop=True), la_key, dict(JUDGEMENTS),
                       notes, set_aside, history)


def _read_without_blank_rows(path: Path, header_must: tuple[str, ...]) -> tuple[pd.DataFrame, dict, int]:
    """The table, its blank lines left out, what read_table says of it, and how many were blank."""
    raw, info = read_table(path, header_must)
    blank = _blank_rows(raw)
    return raw[~blank].copy(), info, int(blank.sum())


def _ons_codes(frame: pd.DataFrame, column: str, path: Path) -> list[str]:
    """Each row's ONS code; a row without one stops the read at its cell."""
    out = []
    for line, v in zip(frame["source_row"], frame[column]):
        if not str(v).strip():
            raise SourceError(path, int(line), column, "no ONS code for this LA")
        out.append(str(v).strip())
    return out


def _urns(frame: pd.DataFrame, column: str, path: Path) -> list[str]:
    out = []
    for line, v in zip(frame["source_row"], frame[column]):
        u = clean_code(v)
        if not u:
            raise SourceError(path, int(line), column, "no LA URN on this row", "Every inspection must name its LA")
        out.append(u)
    return out


def read(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Every ILACS inspection of every LA (d2i_ilacs/ofsted_csc_ilacs_history.csv), as a history.

    The build keeps each LA's latest inspection as at the release date; this reader keeps every
    graded inspection report and sets aside visits that give no judgements.
    """
    path = _one_path(paths, "the ILACS history")
    raw, info = read_table(path, ("urn", "local_authority", "overall_effectiveness_grade"))
    notes = [f"Read {path.name} (header on line {info.get('header_row', 1)}): {len(raw)} rows."]
    raw, set_aside = _graded_reports(raw, path, notes)

    c_overall = find_column(raw, "overall_effectiveness_grade", path=path)
    c_start = find_column(raw, "inspection_start_date", path=path)
    c_pub = find_column(raw, "publication_date", path=path)
    c_link = find_column(raw, "inspection_link", path=path)
    frame = pd.DataFrame({"source_row": raw["source_row"]})
    frame["urn"] = _urns(raw, find_column(raw, "urn", path=path), path)
    frame["la_published"] = frame["urn"]
    frame["provider_name"] = [title_la(v) for v in raw[find_column(raw, "local_authority", path=path)]]
    frame["provider_subtype"] = SUBTYPE
    frame["inspection_id"] = [file_id(v) for v in raw[c_link]]
    frame["report_url"] = [_text(v) for v in raw[c_link]]
    frame["inspection_type"] = [_text(v) for v in raw[find_column(raw, "inspection_framework", path=path)]]
    frame["inspection_start_date"] = parse_dates(raw, c_start, path)
    frame["publication_date"] = parse_dates(raw, c_pub, path)  # written dd/mm/yy in this file

    # A blank overall grade is a report the scraper could not read (mostly SIF reports of
    # 2014-2018, before ILACS): an inspection whose grade is not known, never "not inspected".
    overall = [_grade_label(v) for v in raw[c_overall]]
    frame["overall_published"] = [UNREADABLE if v is None else v for v in overall]
    artefacts = 0
    for j in JUDGEMENTS:
        col = find_column(raw, f"{j}_grade", path=path)
        artefacts += int(raw[col].str.strip().str.lower().isin(_SCRAPE_ARTEFACTS).sum())
        frame[JUDGEMENT_PREFIX + j] = [_grade_label(v) for v in raw[col]]
    notes += _history_notes(frame, overall, artefacts)
    return _finish(frame, path, "urn", notes, set_aside, True, EXTRA_COLUMNS)


def _graded_reports(raw: pd.DataFrame, path: Path, notes: list[str]) -> tuple[pd.DataFrame, int]:
    """The rows that are graded inspection reports, and how many blank lines and visits were set aside."""
    blank = _blank_rows(raw)
    raw = raw[~blank]
    set_aside = int(blank.sum())
    if set_aside:
        notes.append(f"{set_aside} blank lines set aside.")
    c_pdf = find_column(raw, "pdf_filename", required=False, path=path)
    c_fw = find_column(raw, "inspection_framework", path=path)
    what = raw[c_fw].astype(str) + " " + (raw[c_pdf].astype(str) if c_pdf else "")
    visit = what.str.contains(_NOT_JUDGEMENT_EVENT)
    if visit.any():
        notes.append(f"{int(visit.sum())} reports of focused visits, monitoring visits or other non-judgement "
                     "events set aside (they give no grades).")
    set_aside += int(visit.sum())
    return raw[~visit].copy(), set_aside


def _history_notes(frame: pd.DataFrame, overall: list, artefacts: int) -> list[str]:
    """What to know about the rows: unreadable grades, missing start dates, the LAs covered. `overall` is
    each overall grade as the file gives it (None: blank); `artefacts`, the scrape fragments found."""
    notes = []
    blank_overall = sum(v is None for v in overall)
    no_start = frame["inspection_start_date"].isna().tolist()
    graded_no_start = sum(ns and o != UNREADABLE for ns, o in zip(no_start, frame["overall_published"]))
    if blank_overall:
        pubs = [p for p, o in zip(frame["publication_date"], overall) if o is None]
        before = sum(p is not None and p < dt.date(2018, 1, 1) for p in pubs)
        in_2018 = sum(p is not None and p.year == 2018 for p in pubs)
        notes.append(
            f"{blank_overall} inspections have a blank overall grade: reports the scraper could not read. "
            f"{before} were published before 2018 and {in_2018} in 2018, almost all with no framework or dates: "
            "inspections under the single inspection framework (SIF, November 2013 to 2017) or earlier, which "
            "ILACS replaced in 2018 (some 2018 reports may be early ILACS; the file does not say); "
            f"{blank_overall - before - in_2018} are later ILACS reports. All are kept as 'data_unreadable' "
            "(grade not known), not set aside: the LA was inspected, and leaving them out would show it as never inspected.")
    if any(no_start):
        notes.append(
            f"{sum(no_start)} inspections have no start date in the file ({graded_no_start} of them with a grade, "
            "e.g. reports the scraper read only in part); the build must place these by publication date.")
    if artefacts:
        notes.append(f"{artefacts} sub-judgement cells held the scrape fragment 'to requires improvement' "
                     "and are emitted as 'data_unreadable'.")
    n_reform = sum(v == "not_reported_post_reform" for v in frame["overall_published"])
    if n_reform:
        notes.append(f"{n_reform} inspections under the reformed 2026 framework give no overall grade "
                     "('not_reported_post_reform').")
    names = {str(n).lower() for n in frame["provider_name"]}
    notes.append(f"Rows name LAs by Ofsted LA URN (la_key 'urn'): {frame['urn'].nunique()} LAs.")
    if not names & {"cumbria", "northamptonshire", "poole", "bournemouth"}:
        notes.append("Only current LAs are listed: inspections of Cumbria, Northamptonshire, Bournemouth and Poole "
                     "before reorganisation are not in the file, so their successors' history starts at their own "
                     "first inspection.")
    notes.append("Scraped from Ofsted report PDFs by Data to Insight, not an Ofsted table: spot-check against report_url.")
    return notes


def read_overview(paths: list[Path], as_at: dt.date) -> SourceTable:
    """The latest ILACS judgement per LA (d2i_ilacs/ofsted_csc_ilacs_overview.xlsx), one row per LA."""
    path = _one_path(paths, "the ILACS overview")
    raw, info, set_aside = _read_without_blank_rows(path, ("urn", "la_code_new", "overall_effectiveness_grade"))
    notes = [f"Read {path.name} (sheet {info.get('sheet')!r}): {len(raw) + set_aside} rows."]
    c_link = find_column(raw, "inspection_link", path=path)
    c_code = find_column(raw, "la_code_new", path=path)
    frame = pd.DataFrame({"source_row": raw["source_row"]})
    frame["urn"] = _urns(raw, find_column(raw, "urn", path=path), path)
    codes = _ons_codes(raw, c_code, path)
    frame["la_published"] = codes
    frame["provider_name"] = [title_la(v) for v in raw[find_column(raw, "local_authority", path=path)]]
    frame["provider_subtype"] = SUBTYPE
    frame["inspection_id"] = [file_id(v) for v in raw[c_link]]
    frame["report_url"] = [_text(v) for v in raw[c_link]]
    frame["inspection_type"] = [_text(v) for v in raw[find_column(raw, "inspection_framework", path=path)]]
    frame["inspection_start_date"] = parse_dates(raw, find_column(raw, "inspection_start_date", path=path), path)
    frame["publication_date"] = parse_dates(raw, find_column(raw, "publication_date", path=path), path)
    overall = [_grade_label(v) for v in raw[find_column(raw, "overall_effectiveness_grade", path=path)]]
    frame["overall_published"] = [UNREADABLE if v is None else v for v in overall]
    for j in JUDGEMENTS:
        frame[JUDGEMENT_PREFIX + j] = [_grade_label(v) for v in raw[find_column(raw, f"{j}_grade", path=path)]]
    counts = pd.Series(frame["overall_published"]).value_counts().to_dict()
    notes.append("Overall grades: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".")
    no_start = int(frame["inspection_start_date"].isna().sum())
    if no_start:
        notes.append(f"{no_start} LAs have no inspection start date (the scraper read only part of the report); "
                     "their publication date is known.")
    late = sum(p is not None and p > as_at for p in frame["publication_date"])
    if late:
        notes.append(f"{late} latest judgements were published after the release date {as_at:%d %B %Y}; "
                     "this file is a snapshot of its scrape date, not of the release date.")
    notes.append("LAs named by 2024 ONS codes (la_key 'ons'): Barnsley E08000038, Sheffield E08000039.")
    return _finish(frame, path, "ons", notes, set_aside, False, EXTRA_COLUMNS)


# Columns of Ofsted's "Children's social care data in England 2023 - LA level" table.
_TABLE_2023 = {
    "impact_of_leaders": r"impact of leaders.*",
    "help_and_protection": r"experiences and progress of children who need help and protection",
    "in_care": r"experiences and progress of children in care.*",
    "care_leavers": r"experiences and progress of care leavers",
}


def read_la_table_2023(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Ofsted's 2023 LA-level ILACS table (maysont_ilacs_2023/2023_ofsted_la.csv): a cross-check
    on the scraped files, one row per LA, named by ONS code."""
    path = _one_path(paths, "the 2023 LA-level table")
    raw, info, set_aside = _read_without_blank_rows(path, ("local authority name", "new_la_code", "overall effectiveness"))
    notes = [f"Read {path.name} ({info.get('encoding')}): {len(raw) + set_aside} rows."]
    c_code = find_column(raw, "new_la_code", path=path)
    codes = _ons_codes(raw, c_code, path)
    frame = pd.DataFrame({"source_row": raw["source_row"]})
    # The table has no LA URN: the ONS code stands in for it so that rows are still keyed.
    frame["urn"] = codes
    frame["la_published"] = codes
    frame["provider_name"] = [_text(v) for v in raw[find_column(raw, "local authority name", path=path)]]
    frame["provider_subtype"] = SUBTYPE
    frame["inspection_id"] = None
    frame["report_url"] = None
    frame["inspection_type"] = None
    # "Inspection date" is the inspection's start date (it matches the start dates of the scraped history).
    frame["inspection_start_date"] = parse_dates(raw, find_column(raw, "inspection date", path=path), path)
    frame["publication_date"] = None
    frame["overall_published"] = [_grade_label(v) for v in raw[find_column(raw, "overall effectiveness", path=path)]]
    for j, pattern in _TABLE_2023.items():
        frame[JUDGEMENT_PREFIX + j] = [_grade_label(v) for v in raw[find_column(raw, pattern, path=path)]]
    no_cl = int(frame[JUDGEMENT_PREFIX + "care_leavers"].isna().sum())
    notes.append("The table has no LA URN: urn holds the ONS code (new_la_code, la_key 'ons').")
    notes.append(f"{no_cl} LAs have no care leavers judgement: inspected before January 2023, when care leavers "
                 "were judged within the children in care judgement.")
    notes.append("The 'Web link' column holds only the text 'Ofsted Local Authority Webpage' (the hyperlink was lost), "
                 "so there is no report link; no publication date or inspection type either.")
    missing = {"E06000063": "Cumberland", "E06000064": "Westmorland and Furness"}
    absent = [n for c, n in missing.items() if c not in set(codes)]
    if absent:
        notes.append(f"{len(frame)} LAs: {' and '.join(absent)} (created April 2023, not yet inspected by the "
                     "table's date) are absent, and so is Cumbria.")
    old = sorted(set(codes) & {"E10000023", "E10000027", "E08000016", "E08000019"})
    if old:
        notes.append("Some LAs carry codes since replaced (" + ", ".join(old) + "): North Yorkshire and Somerset "
                     "changed code in 2023, Barnsley and Sheffield in 2024; the LA register maps them.")
    return _finish(frame, path, "ons", notes, set_aside, False, EXTRA_COLUMNS)
