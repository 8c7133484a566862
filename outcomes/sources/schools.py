"""Readers for state-funded school inspection outcomes.

Three file families give a school's latest inspection: Ofsted's official statistics (one row per
open school), a rating list derived from GIAS (Get Information About Schools), and a scraped
inspection history from which the rating as at any date can be rebuilt.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import partial
from pathlib import Path

import pandas as pd

from outcomes.sources.base import (
    JUDGEMENT_PREFIX,
    READER_COLUMNS,
    SourceError,
    SourceTable,
    clean_code,
    find_column,
    parse_dates,
    read_table,
)

PROVIDER_TYPE = "state_funded_school"

# Sub-judgements of the latest graded inspection, with Ofsted's wording. Each id lists the header
# patterns that name it (lower-case, whole header). The "Previous ..." columns of the same file
# describe the inspection before and are deliberately not matched.
JUDGEMENTS: dict[str, str] = {
    "quality_of_education": "Quality of education",
    "behaviour_and_attitudes": "Behaviour and attitudes",
    "personal_development": "Personal development",
    "leadership_and_management": "Effectiveness of leadership and management",
    "safeguarding": "Safeguarding is effective?",
    "early_years": "Early years provision (where applicable)",
    "sixth_form": "Sixth form provision (where applicable)",
}
_JUDGEMENT_PATTERNS: dict[str, tuple[str, ...]] = {
    "quality_of_education": (r"quality of education",),
    "behaviour_and_attitudes": (r"behaviour and attitudes",),
    "personal_development": (r"personal development",),
    "leadership_and_management": (r"effectiveness of leadership and management",),
    "safeguarding": (r"safeguarding is effective\??",),
    "early_years": (r"early years provision( \(where applicable\))?",),
    "sixth_form": (r"sixth form provision( \(where applicable\))?",),
}


# Ofsted's grade codes: 1 outstanding, 2 good, 3 requires improvement (satisfactory before
# September 2012), 4 inadequate. Sub-judgements add 9 (not judged under the framework of that
# inspection) and 8 (no such provision); safeguarding is Yes / No. 9 and 8 are kept as published.
_GRADE_CODES = {"1", "2", "3", "4"}
_SUB_JUDGEMENT_CODES = _GRADE_CODES | {"8", "9", "yes", "no"}
# Placeholders a file may put where an inspection gave no overall grade (from September 2024).
_NO_OVERALL_GRADE = {"9", "8", "not applicable", "n/a", "na", "null", "not judged", "no grade"}


def _official_path(paths: list[Path], family: str) -> Path:
    if len(paths) != 1:
        raise SourceError(paths[0] if paths else "", None, None,
                          f"the {family} reader takes one file, got {len(paths)}",
                          "List one file per release in the catalogue")
    return Path(paths[0])


def _code(value: object) -> str | None:
    """A code or grade as text, with the '.0' a spreadsheet added removed; None when blank."""
    s = clean_code(value)
    return s or None


def _values(frame: pd.DataFrame, column: str | None, convert=lambda v: v or None) -> list:
    """A column's values converted (blank to None by default), or all None when the file lacks it."""
    return [convert(v) for v in frame[column]] if column else [None] * len(frame)


def _frame(rows: dict[str, list], judgement_ids: list[str]) -> pd.DataFrame:
    """The reader's output: READER_COLUMNS then one 'j_<id>' column per sub-judgement, as objects."""
    n = len(rows["source_row"])
    columns = READER_COLUMNS + [JUDGEMENT_PREFIX + j for j in judgement_ids]
    data = {c: rows.get(c, [None] * n) for c in columns}
    out = pd.DataFrame(data, columns=columns, dtype=object)
    out["source_row"] = out["source_row"].astype(int)
    return out


def _read_note(path: Path, meta: dict) -> str:
    where = (f"sheet '{meta['sheet']}'" if "sheet" in meta
             else "parquet saved from the CSV; rows numbered as the CSV's lines" if meta.get("format") == "parquet"
             else f"encoding {meta.get('encoding')}")
    header = meta["header_row"]
    titles = f", {header - 1} title row(s) above it skipped" if header > 1 else ""
    return f"read {path.name} ({where}): header on row {header}{titles}"


def _coverage(la_values: list, regions: list | None) -> str:
    las = {v for v in la_values if v}
    text = f"covers {len(las)} local authorities"
    if regions is not None:
        names = sorted({r for r in regions if r})
        text += f" in {len(names)} region(s): {', '.join(names)}"
    return text


# --- 1. Ofsted official statistics / management information ---------------------------------

def read_official(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Ofsted's "State-funded schools inspections and outcomes as at ..." file (CSV, XLSX or ODS).

    One row per open school with its latest graded inspection. The layout (which judgements, an
    overall grade or not, LA by number or name) is taken from the file's columns, not its year.
    """
    path = _official_path(paths, "state-funded schools official statistics")
    frame, meta = read_table(path, header_must=("URN", "Ofsted phase"))
    notes = [_read_note(path, meta)]
    col = partial(find_column, frame, path=path)

    urn_col = col(r"urn")
    # Footnotes and source lines under the table have no URN (or text where the URN goes, when
    # the URN is the first column): they are not schools.
    others = [c for c in frame.columns if c not in ("source_row", urn_col)]
    urns = frame[urn_col].map(clean_code)
    rest_blank = (frame[others] == "").all(axis=1) if others else pd.Series(True, index=frame.index)
    footnote = (urns == "") | (~urns.str.fullmatch(r"\d+") & rest_blank)
    bad = frame[~footnote & ~urns.str.fullmatch(r"\d+")]
    if len(bad):
        raise SourceError(path, int(bad["source_row"].iloc[0]), urn_col,
                          f"URN {bad[urn_col].iloc[0]!r} is not a number", "URNs are whole numbers")
    set_aside = int(footnote.sum())
    frame = frame[~footnote].reset_index(drop=True)
    urns = urns[~footnote].reset_index(drop=True)

    # LA: the DfE number is the first three digits of LAESTAB (LA number + establishment number);
    # files without LAESTAB name the LA instead. Decided once per file so one key applies to all rows.
    laestab_col = col(r"laestab", required=False)
    if laestab_col:
        la_key, la = "dfe", []
        for line, v in zip(frame["source_row"], frame[laestab_col]):
            s = clean_code(v)
            if s and not re.fullmatch(r"\d{7}", s):
                raise SourceError(path, int(line), laestab_col, f"LAESTAB {v!r} is not 7 digits",
                                  "LAESTAB is the 3-digit DfE LA number followed by a 4-digit establishment number")
            la.append(s[:3] or None)
        missing = sum(v is None for v in la)
        notes.append("LA from the first 3 digits of LAESTAB (DfE LA number)"
                     + (f"; {missing} school(s) have no LAESTAB" if missing else ""))
    else:
        la_key = "name"
        la = _values(frame, col(r"local authority", r"la name"))
        notes.append("no LAESTAB column: LA taken from the 'Local authority' name")

    overall_col = col(r"overall effectiveness", required=False)
    found = {j: col(*p, required=False) for j, p in _JUDGEMENT_PATTERNS.items()}
    judgement_ids = [j for j, c in found.items() if c]
    layout = ("education inspection framework (EIF) layout" if found["quality_of_education"]
              else "pre-EIF layout (no quality of education judgement)")
    if overall_col is None:
        layout += ", no 'Overall effectiveness' column (no overall grade from September 2024)"
    notes.append(f"detected {layout}")
    absent = [JUDGEMENTS[j] for j, c in found.items() if not c]
    if absent:
        notes.append(f"sub-judgements not in this file: {', '.join(absent)}")

    id_col = col(r"inspection number of latest (graded|full) inspection", r"inspection number", required=False)
    start_col = col(r"inspection start date( of latest (graded|full) inspection)?", required=False)
    start = parse_dates(frame, start_col, path)
    rows: dict[str, list] = {
        "source_row": frame["source_row"].tolist(),
        "urn": urns.tolist(),
        "provider_name": _values(frame, col(r"school name")),
        "provider_subtype": _values(frame, col(r"ofsted phase")),
        "la_published": la,
        "inspection_id": _values(frame, id_col, _code),
        "inspection_type": _values(frame, col(r"inspection type", required=False)),
        "inspection_start_date": start,
        "publication_date": parse_dates(frame, col(r"publication date( of latest (graded|full) inspection)?",
                                                   required=False), path),
        "overall_published": _values(frame, overall_col, _code),
    }
    no_grade = 0
    for i, (line, v) in enumerate(zip(rows["source_row"], rows["overall_published"])):
        if v is not None and v.lower() in _NO_OVERALL_GRADE:
            rows["overall_published"][i], no_grade = None, no_grade + 1
        elif v is not None and v not in _GRADE_CODES:
            raise SourceError(path, int(line), overall_col, f"overall effectiveness {v!r} is not a grade code",
                              "Ofsted codes overall effectiveness 1 to 4")
    if no_grade:
        notes.append(f"{no_grade:,} overall effectiveness value(s) marked not applicable or 'Not judged' read as no "
                     "grade (graded inspections from September 2024 give none; their key judgements are kept)")
    for j in judgement_ids:
        values, odd = [], []
        for line, v in zip(rows["source_row"], frame[found[j]]):
            v = _code(v)
            if v is not None and v.lower() not in _SUB_JUDGEMENT_CODES:
                odd.append((line, v))
                v = None
            values.append(v)
        rows[JUDGEMENT_PREFIX + j] = values
        if odd:
            notes.append(f"'{found[j]}': {len(odd)} value(s) that are not grade codes read as not judged "
                         f"(e.g. {odd[0][1]!r} on row {odd[0][0]})")

    rows.update(_ungraded(frame, path, notes))
    rows.update(_previous(frame, path, notes))
    n = len(frame)
    if overall_col:
        ungraded = sum(v is None for v in rows["overall_published"])
        never = ungraded - no_grade
        notes.append(f"{n:,} schools, {ungraded:,} with no overall grade: "
                     + (f"{no_grade:,} marked not judged or not applicable, " if no_grade else "")
                     + f"{never:,} blank (no graded inspection yet)")
    else:
        notes.append(f"{n:,} schools")
    region_col = col(r"region", r"ofsted region", required=False)
    notes.append(_coverage(la, frame[region_col].tolist() if region_col else None))
    predecessor_col = col(r"does the latest graded inspection relate to the urn of the current school\??",
                          required=False)
    if predecessor_col:
        inherited = int((frame[predecessor_col].str.lower() == "no").sum())
        if inherited:
            # Ofsted counts a new school (e.g. an academy converter) under its predecessor's latest
            # graded inspection until the new school has its own.
            notes.append(f"{inherited:,} schools' latest graded inspection was of a predecessor school")
    late = sum(1 for d in start if d and d > as_at)
    if late:
        notes.append(f"{late} inspection(s) start after the release date {as_at:%d %B %Y}")
    if set_aside:
        notes.append(f"{set_aside} footnote or blank row(s) without a URN set aside")
    dupes = urns[urns.duplicated()]
    if len(dupes):
        notes.append(f"{len(dupes)} URN(s) appear more than once, e.g. {dupes.iloc[0]}")

    out = _frame(rows, judgement_ids)
    for c in UNGRADED_COLUMNS + PREVIOUS_COLUMNS:
        if c in rows:
            out[c] = pd.Series(rows[c], dtype=object)
    return SourceTable(PROVIDER_TYPE, path, out, la_key,
                       judgements={j: JUDGEMENTS[j] for j in judgement_ids}, notes=notes, set_aside=set_aside)


# The ungraded-inspection block of the 2024/25 file: each school's latest ungraded inspection
# since its last graded one (a school inspected graded after an ungraded one has none here).
UNGRADED_COLUMNS = ["ungraded_inspection_date", "ungraded_publication_date", "ungraded_outcome_published"]


def _ungraded(frame: pd.DataFrame, path: Path, notes: list[str]) -> dict[str, list]:
    """The latest ungraded inspection's date and outcome as published, where the file has them."""
    col = partial(find_column, frame, path=path, required=False)
    outcome_col = col(r"ungraded inspection overall outcome")
    if outcome_col is None:
        return {}
    date_col = col(r"date of latest ungraded inspection")
    out = {
        "ungraded_inspection_date": parse_dates(frame, date_col, path),
        "ungraded_publication_date": parse_dates(frame, col(r"ungraded inspection publication date"), path),
        "ungraded_outcome_published": _values(frame, outcome_col),
    }
    n = sum(v is not None for v in out["ungraded_outcome_published"])
    notes.append(f"{n:,} schools have an ungraded inspection since their last graded one (date and outcome kept; "
                 "outcomes are on their own scale, see frameworks.UNGRADED_OUTCOMES)")
    return out


# The graded inspection before the latest one (2023 layout onwards): a school page shows it, so a
# reader sees where a school came from. Its overall grade is a code on the same 1-4 scale.
PREVIOUS_COLUMNS = ["previous_inspection_start_date", "previous_publication_date", "previous_overall_grade_published"]


def _previous(frame: pd.DataFrame, path: Path, notes: list[str]) -> dict[str, list]:
    """The previous graded inspection's dates and overall effectiveness as published, where the file has them."""
    col = partial(find_column, frame, path=path, required=False)
    grade_col = col(r"previous graded inspection overall effectiveness")
    if grade_col is None:
        return {}
    out = {
        "previous_inspection_start_date": parse_dates(frame, col(r"previous inspection start date"), path),
        "previous_publication_date": parse_dates(frame, col(r"previous publication date"), path),
        "previous_overall_grade_published": _values(frame, grade_col, _code),
    }
    n = sum(d is not None for d in out["previous_inspection_start_date"])
    notes.append(f"{n:,} schools have a previous graded inspection (its dates and overall effectiveness kept)")
    return out


# --- 2. GIAS-derived rating list --------------------------------------------------------------

# GIAS "Type of establishment" codes (Get Information About Schools, establishment data fields),
# with the group used as provider subtype, or None when the type is not a state-funded school
# inspected under the school inspection framework. The reason groups the set-aside note.
_INDEPENDENT = "independent school"
_POST_16 = "16 to 19 or further education provider (inspected under the further education and skills framework)"
_OTHER = "not a school in England"
GIAS_TYPES: dict[str, tuple[str, str | None, str | None]] = {
    "1": ("Community school", "LA maintained", None),
    "2": ("Voluntary aided school", "LA maintained", None),
    "3": ("Voluntary controlled school", "LA maintained", None),
    "5": ("Foundation school", "LA maintained", None),
    # City technology colleges are independent in law but state-funded; DfE counts them with academies.
    "6": ("City technology college", "Academy", None),
    "7": ("Community special school", "Special", None),
    # Non-maintained special schools are in Ofsted's state-funded schools statistics (section 5 inspections).
    "8": ("Non-maintained special school", "Special", None),
    "10": ("Other independent special school", None, _INDEPENDENT),
    "11": ("Other independent school", None, _INDEPENDENT),
    "12": ("Foundation special school", "Special", None),
    "14": ("Pupil referral unit", "PRU", None),
    "15": ("Local authority nursery school", "Nursery", None),
    "18": ("Further education", None, _POST_16),
    "24": ("Secure units", None, _OTHER),
    "25": ("Offshore schools", None, _OTHER),
    "26": ("Service children's education", None, _OTHER),
    "27": ("Miscellaneous", None, _OTHER),
    "28": ("Academy sponsor led", "Academy", None),
    "29": ("Higher education institutions", None, _OTHER),
    "30": ("Welsh establishment", None, _OTHER),
    "31": ("Sixth form centres", None, _POST_16),
    "32": ("Special post 16 institution", None, _POST_16),
    "33": ("Academy special sponsor led", "Special", None),
    "34": ("Academy converter", "Academy", None),
    "35": ("Free schools", "Free school", None),
    "36": ("Free schools special", "Special", None),
    "37": ("British schools overseas", None, _OTHER),
    # Alternative provision academies and free schools are grouped with PRUs, as Ofsted's phase "PRU" does.
    "38": ("Free schools alternative provision", "PRU", None),
    "39": ("Free schools 16 to 19", None, _POST_16),
    # University technical colleges and studio schools are free schools in law.
    "40": ("University technical college", "Free school", None),
    "41": ("Studio schools", "Free school", None),
    "42": ("Academy alternative provision converter", "PRU", None),
    "43": ("Academy alternative provision sponsor led", "PRU", None),
    "44": ("Academy special converter", "Special", None),
    "45": ("Academy 16-19 converter", None, _POST_16),
    "46": ("Academy 16 to 19 sponsor led", None, _POST_16),
    "49": ("Online provider", None, _OTHER),
    "56": ("Institution funded by other government department", None, _OTHER),
    "57": ("Academy secure 16 to 19", None, _POST_16),
}
# GIAS records an inadequate state-funded school by its category of concern; both categories are
# given only with an overall judgement of inadequate (Ofsted, School inspection handbook).
_GIAS_CONCERN = {"serious weaknesses": "Inadequate", "special measures": "Inadequate"}
_GIAS_NO_GRADE = {"", "not applicable", "insufficient evidence", "null"}


def read_gias_ratings(paths: list[Path], as_at: dt.date) -> SourceTable:
    """A list of each school's latest overall rating derived from GIAS: no names and no dates.

    Keeps state-funded schools only; the establishment type gives the provider subtype.
    """
    path = _official_path(paths, "GIAS ratings")
    frame, meta = read_table(path, header_must=("unique_reference_number", "rating"))
    notes = [_read_note(path, meta)]
    col = partial(find_column, frame, path=path)
    urn_col, la_col = col(r"unique_reference_number", r"urn"), col(r"authority_code", r"la \(code\)")
    type_col = col(r"establishment_type_code", r"typeofestablishment \(code\)")
    rating_col = col(r"rating", r"ofstedrating \(name\)")

    types = frame[type_col].map(clean_code)
    unknown = frame[~types.isin(GIAS_TYPES.keys())]
    if len(unknown):
        raise SourceError(path, int(unknown["source_row"].iloc[0]), type_col,
                          f"establishment type code {unknown[type_col].iloc[0]!r} is not a GIAS code this reader knows",
                          "Add it to GIAS_TYPES in outcomes/sources/schools.py")
    reasons = types.map(lambda t: GIAS_TYPES[t][2])
    read_rows = len(frame)
    for reason in (_INDEPENDENT, _POST_16, _OTHER):
        hit = types[reasons == reason]
        if len(hit):
            codes = ", ".join(sorted(hit.unique(), key=int))
            notes.append(f"{len(hit):,} row(s) set aside as {reason} (GIAS type {codes})")
    keep = reasons.isna()
    frame, types = frame[keep].reset_index(drop=True), types[keep].reset_index(drop=True)
    set_aside = read_rows - len(frame)

    overall, concern = [], 0
    for v in frame[rating_col]:
        key = v.strip().lower()
        if key in _GIAS_CONCERN:
            concern += 1
            overall.append(_GIAS_CONCERN[key])
        else:
            overall.append(None if key in _GIAS_NO_GRADE else v.strip())
    if concern:
        notes.append(f"{concern} 'Serious Weaknesses' / 'Special Measures' rating(s) read as Inadequate")
    counts = pd.Series([o or "no rating" for o in overall]).value_counts()
    notes.append(f"{len(frame):,} state-funded schools kept of {read_rows:,} rows: "
                 + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    if "Inadequate" not in counts:
        notes.append("no state-funded school is rated Inadequate: GIAS gives those as 'Serious Weaknesses' or "
                     "'Special Measures', which this derived file seems to have left out")
    notes.append("only rated schools are listed; subtype is the establishment type group, not the phase")
    la = [_code(v) for v in frame[la_col]]
    notes.append(_coverage(la, None))
    rows = {
        "source_row": frame["source_row"].tolist(),
        "urn": [_code(v) for v in frame[urn_col]],
        "provider_subtype": [GIAS_TYPES[t][1] for t in types],
        "la_published": la,
        "overall_published": overall,
    }
    return SourceTable(PROVIDER_TYPE, path, _frame(rows, []), "dfe", notes=notes, set_aside=set_aside)


# --- 3. Scraped 2018 register and inspection history --------------------------------------------

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
    notes = [_read_note(details_path, details_meta), _read_note(history_path, history_meta)]
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
        "la_published": [_code(v) for v in kept[dcol(r"local authority")]],
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
    notes.append(_coverage(rows["la_published"], None))
    return SourceTable(PROVIDER_TYPE, history_path, _frame(rows, []), "dfe",
                       notes=notes, set_aside=int((~keep).sum()))
