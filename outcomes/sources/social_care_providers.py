"""Reader for "Children's social care data in England – provider level as at 31 March YYYY".

One row per registered provider with its latest full inspection. The layout drifts every
year (title rows, band rows, encodings, renamed columns, newlines inside headers, previous-
inspection columns from 2024, supported accommodation from 2025); every quirk is detected
from the file itself.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from outcomes.sources.base import (
    JUDGEMENT_PREFIX, READER_COLUMNS, SourceError, SourceTable, blank_to_none, clean_code,
    find_column, parse_dates, read_table,
)

# Optional prefix on the latest-inspection columns from 2022 ("Latest full inspection date").
_LATEST = r"(?:latest full inspection |latest full inspectio )?"

# Sub-judgements by framework era, with Ofsted's wording (the regexes cover each year's spelling).
JUDGEMENTS: dict[str, tuple[str, str]] = {
    "outcomes_for_children": ("Outcomes for children and young people", _LATEST + r"outcomes for children and young people"),
    "quality_of_care": ("Quality of care", _LATEST + r"quality of care"),
    "safeguarding": ("Safeguarding children and young people", _LATEST + r"(?:the )?(?:safety of|safeguarding) children and young people"),
    "leadership_and_management": ("Leadership and management", _LATEST + r"leadership and management"),
    "education_outcomes": ("Outcomes in education and related learning activities", _LATEST + r"outcomes in education and related learning activities"),
    "health_services": ("Health services", _LATEST + r"health services"),
    "helped_and_protected": ("How well children and young people are helped and protected", _LATEST + r"how well children and young people are helped and protected"),
    "leaders_and_managers": ("The effectiveness of leaders and managers", _LATEST + r"(?:the )?effectiveness of leaders and managers"),
}


def read(paths: list[Path], as_at: dt.date) -> SourceTable:
    path = Path(paths[0])
    frame, info = read_table(path, header_must=("URN", "Provision type", "Local authority"))
    notes = [f"read with {info.get('encoding', 'spreadsheet')} encoding; header on row {info['header_row']}"]

    def col(*patterns: str, required: bool = True) -> str | None:
        return find_column(frame, *patterns, required=required, path=path)

    urn = col(r"urn")
    blank = frame[urn].str.strip() == ""
    set_aside = int(blank.sum())
    if set_aside:
        notes.append(f"{set_aside} rows without a URN (notes or blank lines below the table) set aside")
    frame = frame[~blank].reset_index(drop=True)

    overall = col(_LATEST + r"overall (?:effectiveness|experiences and progress of children and young people)")
    supported = col(r"supported accommodation outcome", required=False)
    name = col(r"setting name", r"name")
    places = col(r"places", required=False)
    out = {
        "source_row": frame["source_row"].astype(int).tolist(),
        "urn": [clean_code(u) for u in frame[urn]],
        "provider_name": blank_to_none(frame[name]),
        # "Children's Home" (2015 and a few later rows) and "Children's home" are one type.
        "provider_subtype": [_subtype(v) for v in frame[col(r"provision type")]],
        "la_published": blank_to_none(frame[col(r"local authority")]),
        "inspection_id": [clean_code(v) or None for v in frame[col(_LATEST + r"(?:inspection id|event number)")]],
        "inspection_type": blank_to_none(frame[col(_LATEST + r"(?:inspection|event) type")]),
        "inspection_start_date": parse_dates(frame, col(_LATEST + r"(?:inspection |event )?date"), path),
        "publication_date": parse_dates(frame, col(_LATEST + r"publication date", required=False), path),
        "overall_published": blank_to_none(frame[overall]),
        "places": [int(p) if p.isdigit() else None for p in frame[places]] if places else [None] * len(frame),
        "sector": [s.strip().capitalize() if s.strip() else None for s in frame[col(r"sector")]],
    }
    if supported:
        # Supported accommodation is judged on its own three-point scale in a separate column;
        # for those providers it is the overall outcome (Ofsted, SCCIF supported accommodation 2024).
        out["overall_published"] = [o if o else (s or None) for o, s in zip(out["overall_published"], frame[supported])]
        notes.append("supported accommodation outcomes read from their own column")
    judgements = {}
    for jid, (wording, pattern) in JUDGEMENTS.items():
        c = col(pattern, required=False)
        if c:
            judgements[jid] = wording
            out[JUDGEMENT_PREFIX + jid] = blank_to_none(frame[c])
    rows = pd.DataFrame(out)[READER_COLUMNS + [JUDGEMENT_PREFIX + j for j in judgements]]
    bad_date = rows[rows["inspection_start_date"].notna() & rows["overall_published"].isna()]
    if len(bad_date):
        notes.append(f"{len(bad_date)} providers have an inspection date but no overall judgement")
    return SourceTable("social_care_provider", path, rows, la_key="name", judgements=judgements,
                       notes=notes, set_aside=set_aside)


def _subtype(value: str) -> str:
    """One spelling per provision type: years differ in capitals ("Children's Home")."""
    low = " ".join(str(value).split()).lower()
    if low == "residential special school (>295 days/year)":
        # 2015's name for residential special schools registered as children's homes.
        low = "residential special school (registered as a children's home)"
    return low[:1].upper() + low[1:]
