"""What the readers of state-funded school inspection outcomes share: the sub-judgements, and how
each checks its files, builds its rows and says what it read.

Three file families give a school's latest inspection, each read by its own module: Ofsted's
official statistics (one row per open school; schools_official), a rating list derived from GIAS
(Get Information About Schools; schools_gias), and a scraped inspection history from which the
rating as at any date can be rebuilt (schools_2018).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from outcomes.sources.base import JUDGEMENT_PREFIX, READER_COLUMNS, SourceError, clean_code

PROVIDER_TYPE = "state_funded_school"

# Sub-judgements of the latest graded inspection, with Ofsted's wording.
JUDGEMENTS: dict[str, str] = {
    "quality_of_education": "Quality of education",
    "behaviour_and_attitudes": "Behaviour and attitudes",
    "personal_development": "Personal development",
    "leadership_and_management": "Effectiveness of leadership and management",
    "safeguarding": "Safeguarding is effective?",
    "early_years": "Early years provision (where applicable)",
    "sixth_form": "Sixth form provision (where applicable)",
}


def one_file(paths: list[Path], family: str) -> Path:
    """The one file a single-file reader takes; an error naming the family otherwise."""
    if len(paths) != 1:
        raise SourceError(paths[0] if paths else "", None, None,
                          f"the {family} reader takes one file, got {len(paths)}",
                          "List one file per release in the catalogue")
    return Path(paths[0])


def code_or_none(value: object) -> str | None:
    """A code or grade as text, with the '.0' a spreadsheet added removed; None when blank."""
    s = clean_code(value)
    return s or None


def column_values(frame: pd.DataFrame, column: str | None, convert=lambda v: v or None) -> list:
    """A column's values converted (blank to None by default), or all None when the file lacks it."""
    return [convert(v) for v in frame[column]] if column else [None] * len(frame)


def reader_frame(rows: dict[str, list], judgement_ids: list[str]) -> pd.DataFrame:
    """The reader's output: READER_COLUMNS then one 'j_<id>' column per sub-judgement, as objects."""
    n = len(rows["source_row"])
    columns = READER_COLUMNS + [JUDGEMENT_PREFIX + j for j in judgement_ids]
    data = {c: rows.get(c, [None] * n) for c in columns}
    out = pd.DataFrame(data, columns=columns, dtype=object)
    out["source_row"] = out["source_row"].astype(int)
    return out


def read_note(path: Path, meta: dict) -> str:
    """The note saying how a file was read: its sheet, format or encoding, and its header row."""
    where = (f"sheet '{meta['sheet']}'" if "sheet" in meta
             else "parquet saved from the CSV; rows numbered as the CSV's lines" if meta.get("format") == "parquet"
             else f"encoding {meta.get('encoding')}")
    header = meta["header_row"]
    titles = f", {header - 1} title row(s) above it skipped" if header > 1 else ""
    return f"read {path.name} ({where}): header on row {header}{titles}"


def coverage_note(la_values: list, regions: list | None) -> str:
    """The note saying how many LAs (and which regions, where the file gives them) the rows cover."""
    las = {v for v in la_values if v}
    text = f"covers {len(las)} local authorities"
    if regions is not None:
        names = sorted({r for r in regions if r})
        text += f" in {len(names)} region(s): {', '.join(names)}"
    return text
