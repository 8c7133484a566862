"""Reader for a list of each school's latest overall rating derived from GIAS (Get Information About
Schools, DfE's register of establishments): no names and no dates.
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import pandas as pd

from outcomes.sources.base import SourceError, SourceTable, clean_code, find_column, read_table
from outcomes.sources.schools import PROVIDER_TYPE, code_or_none, coverage_note, one_file, read_note, reader_frame

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
    path = one_file(paths, "GIAS ratings")
    frame, meta = read_table(path, header_must=("unique_reference_number", "rating"))
    notes = [read_note(path, meta)]
    col = partial(find_column, frame, path=path)
    urn_col, la_col = col(r"unique_reference_number", r"urn"), col(r"authority_code", r"la \(code\)")
    type_col = col(r"establishment_type_code", r"typeofestablishment \(code\)")
    rating_col = col(r"rating", r"ofstedrating \(name\)")

    types = frame[type_col].map(clean_code)
    unknown = frame[~types.isin(GIAS_TYPES.keys())]
    if len(unknown):
        raise SourceError(path, int(unknown["source_row"].iloc[0]), type_col,
                          f"establishment type code {unknown[type_col].iloc[0]!r} is not a GIAS code this reader knows",
                          "Add it to GIAS_TYPES in outcomes/sources/schools_gias.py")
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
    la = [code_or_none(v) for v in frame[la_col]]
    notes.append(coverage_note(la, None))
    rows = {
        "source_row": frame["source_row"].tolist(),
        "urn": [code_or_none(v) for v in frame[urn_col]],
        "provider_subtype": [GIAS_TYPES[t][1] for t in types],
        "la_published": la,
        "overall_published": overall,
    }
    return SourceTable(PROVIDER_TYPE, path, reader_frame(rows, []), "dfe", notes=notes, set_aside=set_aside)
